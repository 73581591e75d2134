"""Input and output shapes for the tip ledger."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from compliance.validation import AwareDatetime, RecordId, fen_validator

# ¥10,000 is far beyond any real tip; more is a typing error.
TipFen = Annotated[int, BeforeValidator(fen_validator(maximum=1_000_000))]


class TipDeclare(BaseModel):
    """A tip a staff member received from a resident and declares."""

    model_config = ConfigDict(extra="forbid")

    staff_id: RecordId
    unit_id: RecordId
    amount_fen: TipFen
    received_at: AwareDatetime


class HandOver(BaseModel):
    """The cashier receiving a declared tip, with a countersignature.

    feedback_id names the resident's tip report this handover settles, when there is one:
    R12 then matches this line to that report and to no other.
    """

    model_config = ConfigDict(extra="forbid")

    countersigned_by: RecordId
    handed_over_at: AwareDatetime
    feedback_id: RecordId | None = None


class TipWithHandover(TipDeclare):
    """A tip declared and handed over at the cashier's desk in one go."""

    countersigned_by: RecordId
    handed_over_at: AwareDatetime
    feedback_id: RecordId | None = None

    @model_validator(mode="after")
    def _order(self) -> "TipWithHandover":
        if self.handed_over_at < self.received_at:
            raise ValueError("handed_over_at: cannot be before the tip was received")
        return self


class TipQuery(BaseModel):
    """Which tips to list: one staff member and/or a period of received_at [start, end)."""

    model_config = ConfigDict(extra="forbid")

    staff_id: RecordId | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _period(self) -> "TipQuery":
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end: must be after start")
        return self


class TipRead(BaseModel):
    """A ledger line as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    unit_id: int
    amount_fen: int
    received_at: datetime
    declared_at: datetime
    handed_over_at: datetime | None
    receipt_no: str | None
    cashier_id: int | None
    countersigned_by: int | None
    feedback_id: int | None = None


class TipLedgerRow(TipRead):
    """A ledger line with the staff member's name and the unit, for the cashier's desk."""

    staff_name: str
    employee_no: str
    unit: str


class TipReceipt(TipLedgerRow):
    """Everything a printed receipt shows."""

    office_name: str
    cashier_name: str
    countersigner_name: str


class Countersigner(BaseModel):
    """A user who may countersign a receipt."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    display_name: str
    role: str


class TipReportChoice(BaseModel):
    """A resident's tip report a handover may name as the one it settles."""

    id: int
    staff_name: str
    amount_fen: int | None
    occurred_at: datetime
