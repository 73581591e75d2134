"""Office check-in / sign-back events and the shift roster."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class PunchKind(StrEnum):
    """Reporting to the office before going out, or signing back in after work."""

    CHECK_IN = "check_in"
    SIGN_BACK = "sign_back"


class AttendanceEvent(SQLModel, table=True):
    """One punch; work_date is the local date it belongs to (kept for fast per-day queries)."""

    __tablename__ = "attendance_event"
    __table_args__ = (Index("ix_attendance_staff_day", "staff_id", "work_date", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    staff_id: int = fk("staff.id", index=False)
    kind: str = Field(max_length=16)
    at: datetime = utc_field()
    work_date: date = Field(index=True)
    source: str = Field(default="manual", max_length=16)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class RosterShift(SQLModel, table=True):
    """A rostered shift for a staff member on a local date."""

    __tablename__ = "roster_shift"
    __table_args__ = (UniqueConstraint("staff_id", "work_date"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    staff_id: int = fk("staff.id", index=False)
    work_date: date = Field(index=True)
    start_at: datetime = utc_field()
    end_at: datetime = utc_field()
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
