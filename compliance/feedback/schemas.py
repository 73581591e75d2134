"""Input and output shapes for resident feedback."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from compliance.names import NAMES, name
from compliance.validation import AwareDatetime, Input, RecordId, fen_validator
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction

TipFen = Annotated[int, BeforeValidator(fen_validator(maximum=10_000_000))]


def _category_from_chinese(value: Any) -> Any:
    """Accept a category by its Chinese name too (e.g. 不正当关系), as the pages print it."""
    if isinstance(value, str):
        by_name = {name("category", code, "zh"): code for code in NAMES["category"]}
        return by_name.get(value.strip(), value)
    return value


Category = Annotated[FeedbackCategory, BeforeValidator(_category_from_chinese)]


class FeedbackCreate(Input):
    """What a manager records when a resident gives feedback."""

    staff_id: RecordId
    unit_id: RecordId | None = None
    channel: FeedbackChannel
    category: Category
    satisfaction: Satisfaction | None = None
    text: str = Field(default="", max_length=4000)
    amount_fen: TipFen | None = None
    occurred_at: AwareDatetime
    received_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "FeedbackCreate":
        if self.received_at is not None and self.received_at < self.occurred_at:
            raise ValueError("received_at: cannot be before occurred_at")
        if self.satisfaction is not None and self.channel != FeedbackChannel.RETURN_VISIT:
            raise ValueError("satisfaction: only a return visit carries a rating")
        if self.category is FeedbackCategory.DAMAGE:
            # It opens a damage incident (R11), which names the home and what was damaged.
            if self.unit_id is None:
                raise ValueError("unit_id: a damage report names the unit of the damaged property")
            if not self.text.strip():
                raise ValueError("text: a damage report says what was damaged")
        return self


class FeedbackRead(BaseModel):
    """Feedback as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    unit_id: int | None
    channel: str
    category: str
    satisfaction: str | None
    text: str
    amount_fen: int | None
    occurred_at: datetime
    received_at: datetime
    # Where it leads: the rules it feeds (empty: kept on file only) and, for a damage report,
    # the damage incident it opened for valuation (R11).
    rules: tuple[str, ...] = ()
    damage_id: int | None = None
    note_zh: str = ""
    note_en: str = ""


class StaffChoice(BaseModel):
    """A staff member to pick in a form."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_no: str
    name: str
    team: str


class UnitChoice(BaseModel):
    """A unit to pick in a form."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    building: str
    room: str


class FeedbackRow(BaseModel):
    """Recorded feedback with the staff member's name and the unit."""

    id: int
    staff_name: str
    unit: str
    channel: str
    category: str
    text: str
    amount_fen: int | None
    occurred_at: datetime
