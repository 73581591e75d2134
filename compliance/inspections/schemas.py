"""Input and output shapes for spot checks (unannounced inspections)."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from compliance.validation import AwareDatetime, Input, RecordId
from policies.vocab import ItemResult

# A day in seconds: no ring, gap or wait an inspector measures on a doorstep is longer.
MAX_OBSERVED = 86_400


def _no_bool(value: Any) -> Any:
    # True would otherwise pass as 1 second; a tick box is not a measurement.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    return value


Observed = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_OBSERVED)]


class SpotCheckItemIn(Input):
    """One checklist answer; `observed` is the measurement the item asks for (e.g. seconds)."""

    item_key: str = Field(min_length=1, max_length=40)
    result: ItemResult
    observed: Observed | None = None
    note: str = Field(default="", max_length=500)


class SpotCheckPhotoIn(Input):
    """A stored photo attached to the check, optionally to one of its items."""

    file_id: RecordId
    item_key: str | None = None


class SpotCheckCreate(Input):
    """What an inspector records after an unannounced check."""

    staff_id: RecordId
    unit_id: RecordId | None = None
    area: str = Field(default="", max_length=100)
    checked_at: AwareDatetime
    notes: str = Field(default="", max_length=2000)
    items: list[SpotCheckItemIn] = Field(min_length=1, max_length=100)
    photos: list[SpotCheckPhotoIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> "SpotCheckCreate":
        if self.unit_id is None and not self.area:
            raise ValueError("unit_id: give the unit or the area that was inspected")
        return self


class SpotCheckItemRead(BaseModel):
    """A stored checklist answer."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_code: str
    item_key: str
    result: str
    observed: int | None
    note: str


class SpotCheckPhotoRead(BaseModel):
    """A stored photo link."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    file_id: int
    item_id: int | None


class SpotCheckRead(BaseModel):
    """A spot check as shown back, with the findings its failed items raised."""

    id: int
    staff_id: int
    inspector_id: int
    unit_id: int | None
    area: str
    checked_at: datetime
    work_date: date
    notes: str
    items: list[SpotCheckItemRead]
    photos: list[SpotCheckPhotoRead]
    finding_ids: list[int]
