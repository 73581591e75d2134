"""Input and output shapes for office punches and the shift roster."""

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.attendance.models import PunchKind
from compliance.validation import AwareDatetime, Input, RecordId

# A rostered shift longer than a day is a typing error (a wrong date), not a real shift.
MAX_SHIFT = timedelta(hours=24)


class PunchCreate(Input):
    """A check-in or sign-back a manager records by hand (the clock was down, say)."""

    staff_id: RecordId
    kind: PunchKind
    at: AwareDatetime


class PunchRead(BaseModel):
    """A punch as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    kind: str
    at: datetime
    work_date: date
    source: str


class ShiftCreate(Input):
    """One rostered shift; start and end are instants, the shift may end after midnight."""

    staff_id: RecordId
    work_date: date
    start_at: AwareDatetime
    end_at: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> "ShiftCreate":
        if self.end_at <= self.start_at:
            raise ValueError("end_at: must be after start_at")
        if self.end_at - self.start_at > MAX_SHIFT:
            raise ValueError("end_at: a shift cannot last more than 24 hours")
        return self


class ShiftRead(BaseModel):
    """A rostered shift as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    work_date: date
    start_at: datetime
    end_at: datetime


class PunchCorrect(Input):
    """A punch as corrected on its page, and why."""

    staff_id: RecordId
    kind: PunchKind
    at: AwareDatetime
    reason: str = Field(min_length=1, max_length=1000)


class ShiftCorrect(ShiftCreate):
    """A rostered shift as corrected on its page, and why."""

    reason: str = Field(min_length=1, max_length=1000)
