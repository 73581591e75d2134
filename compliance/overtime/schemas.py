"""Input and output shapes for overtime requests (R09)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.overtime.models import OvertimeDecision
from compliance.validation import AwareDatetime, Flag, Input, RecordId


class OvertimeCreate(Input):
    """A resident's request for a staff member to work outside the rostered shift."""

    staff_id: RecordId
    unit_id: RecordId
    visit_id: RecordId | None = None
    reason: str = Field(default="", max_length=1000)
    requested_at: AwareDatetime


class OvertimeDecide(Input):
    """The director's decision on an overtime request.

    decided_at is when the director gave it (by phone, say), if not now; typed in well
    after that, or after the work began, the entry needs late_entry_reason.
    """

    decision: Literal[OvertimeDecision.APPROVED, OvertimeDecision.REFUSED]
    rearranged_others: Flag = False
    note: str = Field(default="", max_length=1000)
    decided_at: AwareDatetime | None = None
    late_entry_reason: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _others_rearranged(self) -> "OvertimeDecide":
        # R09: approval only once other residents' appointments have been rearranged.
        if self.decision == OvertimeDecision.APPROVED and not self.rearranged_others:
            raise ValueError(
                "rearranged_others: other residents' appointments must be rearranged "
                "before overtime is approved (R09)"
            )
        return self


class OvertimeRead(BaseModel):
    """An overtime request as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    unit_id: int
    visit_id: int | None
    reason: str
    requested_at: datetime
    decision: str
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str
    rearranged_others: bool
    approver_was_director: bool | None = None
    entered_by: int | None = None
    entered_at: datetime | None = None
    late_entry_reason: str = ""
