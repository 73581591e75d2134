"""Jobs in residents' homes (work orders): requested, assigned, arrived, done, left."""

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class Visit(SQLModel, table=True):
    """A work order carried out in a home.

    work_date is the office-local working day of the job: the day it was requested until
    someone arrives, then the day of arrival (the roster and punches it is judged against).
    """

    __table_args__ = (Index("ix_visit_staff_day", "staff_id", "work_date"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    staff_id: int = fk("staff.id", index=False)
    unit_id: int = fk("unit.id")
    kind: str = Field(default="repair", max_length=20)
    description: str = Field(default="", max_length=1000)
    requested_at: datetime = utc_field()
    work_date: date = Field(index=True)
    assigned_at: datetime | None = utc_field(nullable=True)
    arrived_at: datetime | None = utc_field(nullable=True)
    done_at: datetime | None = utc_field(nullable=True)
    done_date: date | None = None
    left_at: datetime | None = utc_field(nullable=True)
    outcome: str = Field(default="", max_length=500)
    # A job that needs a second trip is recorded as two trips: the first leaves undone, the
    # next trip is a visit of its own that follows it (the same order), judged on its own.
    follows_visit_id: int | None = fk("visit.id", nullable=True)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
