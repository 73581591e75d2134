"""Input and output shapes for resident feedback."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from compliance.validation import AwareDatetime, Input, RecordId, fen_validator
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction

TipFen = Annotated[int, BeforeValidator(fen_validator(maximum=10_000_000))]


class FeedbackCreate(Input):
    """What a manager records when a resident gives feedback."""

    staff_id: RecordId
    unit_id: RecordId | None = None
    channel: FeedbackChannel
    category: FeedbackCategory
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
