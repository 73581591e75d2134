"""What judging a record concluded, and the lease that lets one process run the night's job."""

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class Judgment(SQLModel, table=True):
    """The rules a saved record fed and what each concluded, as shown to whoever saved it."""

    __table_args__ = (Index("ix_judgment_record", "office_id", "record_kind", "record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    record_kind: str = Field(max_length=24)
    record_id: int
    judged_at: datetime = utc_field()
    judged_by: int | None = fk("user.id", nullable=True, index=False)
    # JSON list of the per-rule outcomes (rule, verdict, finding id, zh and en detail).
    outcomes: str = Field(default="[]", max_length=60000)
    # Why judging failed (the record is kept; the nightly run judges it again), else "".
    error: str = Field(default="", max_length=2000)


class JobLease(SQLModel, table=True):
    """One row per scheduled job: which night it last claimed, by whom, and when it finished."""

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=40)
    night: date
    holder: str = Field(default="", max_length=120)
    claimed_at: datetime = utc_field()
    finished_at: datetime | None = utc_field(nullable=True)
    outcome: str = Field(default="", max_length=2000)


__all__ = ["JobLease", "Judgment"]
