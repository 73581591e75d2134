"""Input and output shapes for work orders (jobs in residents' homes)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from compliance.validation import Input, aware

AwareDatetime = Annotated[datetime, AfterValidator(aware)]


class VisitKind(StrEnum):
    """What the job in the home is (SPEC §11: every request gets a work order)."""

    REPAIR = "repair"
    HOUSEKEEPING = "housekeeping"
    CLEANING = "cleaning"
    INSTALLATION = "installation"
    COMPLAINT = "complaint"
    OTHER = "other"


class VisitStep(StrEnum):
    """Progress of a work order after it is requested, in the order the steps happen."""

    ASSIGNED = "assigned"
    ARRIVED = "arrived"
    DONE = "done"
    LEFT = "left"


class VisitCreate(Input):
    """A work order as the front desk takes it."""

    staff_id: int
    unit_id: int
    kind: VisitKind = VisitKind.REPAIR
    description: str = Field(default="", max_length=1000)
    requested_at: AwareDatetime


class VisitStepCreate(Input):
    """One step of progress on a work order; `outcome` only goes with `done`."""

    step: VisitStep
    at: AwareDatetime
    outcome: str = Field(default="", max_length=500)


class NextTripCreate(Input):
    """The next trip of a job the last trip left undone: when someone arrived again."""

    at: AwareDatetime


class VisitRead(BaseModel):
    """A work order as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    unit_id: int
    kind: str
    description: str
    requested_at: datetime
    work_date: date
    assigned_at: datetime | None
    arrived_at: datetime | None
    done_at: datetime | None
    done_date: date | None
    left_at: datetime | None
    outcome: str
    follows_visit_id: int | None = None


class VisitCorrect(Input):
    """A work order as corrected on its page: every value, and why it is changed."""

    staff_id: int
    unit_id: int
    kind: VisitKind
    description: str = Field(default="", max_length=1000)
    requested_at: AwareDatetime
    assigned_at: AwareDatetime | None = None
    arrived_at: AwareDatetime | None = None
    done_at: AwareDatetime | None = None
    left_at: AwareDatetime | None = None
    outcome: str = Field(default="", max_length=500)
    reason: str = Field(min_length=1, max_length=1000)
