"""Input and output shapes for damage incidents (R11)."""

from datetime import datetime
from typing import Annotated

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from compliance.damages.models import Settlement, SettlementKind, ValuationBasis
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
    """An amount of the compensation settled outside the payroll: how, when, how much.

    Without an amount, everything still owed is settled. `settlement` is the old name of
    `kind`; "deducted" is not a settlement (pay recovers what is owed when a case executes).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: SettlementKind = Field(validation_alias=AliasChoices("kind", "settlement"))
    settled_at: AwareDatetime
    amount_fen: ValueFen | None = None
    note: str = Field(default="", max_length=500)

    @field_validator("kind", mode="before")
    @classmethod
    def _not_deducted(cls, value: object) -> object:
        if value == Settlement.DEDUCTED.value:
            raise ValueError(
                "deducted is not a settlement: what is still owed is deducted from pay when "
                "the case is executed; record only what was paid to the resident, paid by "
                "insurance or waived"
            )
        return value


class SettlementRead(BaseModel):
    """One settlement of a damage's compensation."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    amount_fen: int
    at: datetime
    note: str
    cancelled_fen: int


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
    settled_fen: int = 0
    settlements: list[SettlementRead] = []
    photo_file_ids: list[int] = []

    @property
    def owed_fen(self) -> int | None:
        """Assessed less what was settled outside the payroll (None until valued)."""
        if self.assessed_value_fen is None:
            return None
        return self.assessed_value_fen - self.settled_fen
