"""Input and output shapes for damage incidents (R11)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from compliance.damages.models import Settlement, ValuationBasis
from compliance.money import ABSURD_FEN
from compliance.validation import AwareDatetime, Input, RecordId, fen_validator

ValueFen = Annotated[int, BeforeValidator(fen_validator(maximum=ABSURD_FEN))]


class DamageCreate(Input):
    """What a manager records when a staff member damaged a resident's property."""

    staff_id: RecordId
    unit_id: RecordId
    item: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=4000)
    occurred_at: AwareDatetime


class ValuationSet(Input):
    """The assessed value in fen and what it rests on."""

    assessed_value_fen: ValueFen
    basis: ValuationBasis
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _assessment_explained(self) -> "ValuationSet":
        # Without a receipt or a quote, the figure is only as good as the reasoning written down.
        if self.basis == ValuationBasis.ASSESSMENT and not self.note:
            raise ValueError("note: required when the value is the office's own assessment")
        return self


class SignOff(BaseModel):
    """When the resident signed off the incident and its valuation."""

    model_config = ConfigDict(extra="forbid")

    signed_off_at: AwareDatetime


class Settle(BaseModel):
    """How and when the compensation was settled."""

    model_config = ConfigDict(extra="forbid")

    settlement: Literal[Settlement.PAID_DIRECTLY, Settlement.DEDUCTED]
    settled_at: AwareDatetime


class PhotoAttach(BaseModel):
    """A stored photo of the damage."""

    model_config = ConfigDict(extra="forbid")

    file_id: RecordId


class DamageRead(BaseModel):
    """A damage incident as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    unit_id: int
    item: str
    description: str
    occurred_at: datetime
    assessed_value_fen: int | None
    valuation_basis: str | None
    valuation_note: str
    resident_signed_off_at: datetime | None
    settlement: str
    settled_at: datetime | None
    photo_file_ids: list[int] = []
