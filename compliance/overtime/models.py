"""Overtime a resident asks for; only the office director may approve it (R09)."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class OvertimeDecision(StrEnum):
    """Where an overtime request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class OvertimeRequest(SQLModel, table=True):
    """A resident's request for work outside the rostered shift."""

    __tablename__ = "overtime_request"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    staff_id: int = fk("staff.id")
    unit_id: int = fk("unit.id")
    visit_id: int | None = fk("visit.id", nullable=True)
    reason: str = Field(default="", max_length=1000)
    requested_at: datetime = utc_field()
    decision: str = Field(default=OvertimeDecision.PENDING, max_length=16)
    # decided_at is when the director gave the decision (it may be entered later, by phone
    # then typed in); entered_at/entered_by say when and by whom it was typed in, and an
    # entry well after the decision, or after the work began, carries late_entry_reason.
    decided_by: int | None = fk("user.id", nullable=True, index=False)
    decided_at: datetime | None = utc_field(nullable=True)
    decision_note: str = Field(default="", max_length=1000)
    # Whether the approver was the office director when deciding: R09 judges the approval
    # by the capacity it was given in, so clearing the flag later changes no past judgment.
    approver_was_director: bool | None = None
    entered_by: int | None = fk("user.id", nullable=True, index=False)
    entered_at: datetime | None = utc_field(nullable=True)
    late_entry_reason: str = Field(default="", max_length=1000)
    rearranged_others: bool = False
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
