"""Staff members and their wage history."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class StaffStatus(StrEnum):
    """Employment status."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class LeaveReason(StrEnum):
    """Why the employment ended."""

    DISMISSED = "dismissed"  # 辞退 (a case's dismissal executed)
    RESIGNED = "resigned"  # 辞职
    CONTRACT_ENDED = "contract_ended"  # 劳动合同期满
    OTHER = "other"


class Staff(SQLModel, table=True):
    """An employee who may work inside residents' homes."""

    __table_args__ = (UniqueConstraint("office_id", "employee_no"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    employee_no: str = Field(max_length=20)
    name: str = Field(max_length=50)
    team: str = Field(max_length=30)
    position: str = Field(max_length=30)
    hire_date: date
    status: str = Field(default=StaffStatus.ACTIVE, max_length=16)
    rulebook_ack_at: datetime | None = utc_field(nullable=True)
    # The last working day (office time): nothing is deducted after that month's pay.
    left_on: date | None = None
    leave_reason: str | None = Field(default=None, max_length=16)
    leave_note: str = Field(default="", max_length=500)
    created_at: datetime = utc_field()
    # No foreign key: user.staff_id already points here and a cycle breaks table ordering.
    created_by: int | None = None


class StaffWage(SQLModel, table=True):
    """Monthly wage in fen from a date on; the latest row not after a date applies."""

    __tablename__ = "staff_wage"
    __table_args__ = (UniqueConstraint("staff_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = fk("staff.id")
    monthly_wage_fen: int
    effective_from: date
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
