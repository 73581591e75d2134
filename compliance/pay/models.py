"""Wage deductions within the legal caps, their monthly instalments, and minimum wages."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class MinimumWage(SQLModel, table=True):
    """A city's monthly minimum wage from a date on (per-city setting, SPEC §6)."""

    __tablename__ = "minimum_wage"
    __table_args__ = (UniqueConstraint("city", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    city: str = Field(max_length=50)
    monthly_fen: int
    effective_from: date
    note: str = Field(default="", max_length=500)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class DeductionKind(StrEnum):
    """Why money is taken from pay."""

    COMPENSATION = "compensation"
    RESTITUTION = "restitution"
    DISCIPLINARY = "disciplinary"


class Deduction(SQLModel, table=True):
    """An amount owed by a staff member, recovered from pay month by month."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    staff_id: int = fk("staff.id")
    case_id: int = fk("case_file.id")
    kind: str = Field(max_length=16)
    amount_fen: int
    start_month: date
    reason: str = Field(max_length=1000)
    legal_risk: bool = False
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
    # Compensation for one damage incident: its account is assessed − settled − deducted.
    damage_id: int | None = fk("damage_incident.id", nullable=True)
    # No longer recovered from pay: settled outside the payroll after planning.
    cancelled_fen: int = 0

    @property
    def due_fen(self) -> int:
        """What this deduction recovers from pay: its amount less what was cancelled."""
        return self.amount_fen - self.cancelled_fen


class InstalmentStatus(StrEnum):
    """Planned until the month is executed in payroll."""

    PLANNED = "planned"
    TAKEN = "taken"


class Instalment(SQLModel, table=True):
    """One month's part of a deduction; planned rows are recomputed, taken rows never."""

    __table_args__ = (
        UniqueConstraint("deduction_id", "month"),
        Index("ix_instalment_staff_month", "staff_id", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deduction_id: int = fk("deduction.id", index=False)
    staff_id: int = fk("staff.id", index=False)
    month: date
    amount_fen: int
    status: str = Field(default=InstalmentStatus.PLANNED, max_length=16)
    taken_at: datetime | None = utc_field(nullable=True)


class PayrollRun(SQLModel, table=True):
    """A month executed for an office: its instalments were marked taken once."""

    __tablename__ = "payroll_run"
    __table_args__ = (UniqueConstraint("office_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    month: date
    executed_at: datetime = utc_field()
    executed_by: int | None = fk("user.id", nullable=True, index=False)
    instalments: int = 0
    total_fen: int = 0
