"""A staff member leaves: nothing is deducted after the last pay month; the rest is a balance.

Leaving ends the employment (status, last working day, reason), ends the member's sign-ins,
and replans their deductions up to the month of the last working day: that month takes what
the cap allows; what remains is an unrecovered balance, a civil claim (民事追偿), never
carried into months the office no longer pays.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update
from sqlmodel import col, select

from compliance.accounts.auth import revoke_user_access
from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, ValidationFailed
from compliance.i18n import N_
from compliance.pay import repository as repo
from compliance.pay.schedule import Plan, last_pay_month, plan_summary, replan_plan, replan_start
from compliance.permissions import Permission
from compliance.staff import repository as staff_repo
from compliance.staff.models import LeaveReason, Staff, StaffStatus
from compliance.staff.schemas import StaffRead
from compliance.usecase import use_case
from compliance.validation import parse


class LeaveIn(BaseModel):
    """The last working day (office time), why the employment ended, and a note."""

    model_config = ConfigDict(extra="forbid")

    left_on: date
    # A dismissal leaves through its case's execution, never by hand.
    reason: LeaveReason = Field(description="resigned, contract_ended or other")
    note: str = Field(default="", max_length=500)


class LeaveResult(BaseModel):
    """The member as left, their last pay month and what pay cannot recover."""

    staff: StaffRead
    last_pay_month: date
    unrecovered_fen: int
    notes_zh: list[str]
    notes_en: list[str]


def end_deductions(ctx: Ctx, staff_id: int) -> Plan:
    """Replan a member's deductions up to their last pay month; flushes, never commits.

    Planned instalments after that month are removed; taken ones are never touched. The plan
    returned says what is left unrecovered.
    """
    staff = staff_repo.lock_in_office(ctx.session, ctx.actor.office_id, staff_id)
    start = replan_start(ctx, repo.staff_instalments(ctx.session, staff_id))
    last = last_pay_month(staff)
    if last is not None and last != date.min:
        start = min(start, last)
    plan = replan_plan(ctx, staff_id, start)
    audit.record(
        ctx,
        "deduction.ended_by_leaving",
        "staff",
        staff_id,
        {"from_month": start.isoformat(), **plan_summary(plan)},
    )
    return plan


def end_employment(
    ctx: Ctx, staff_id: int, left_on: date, reason: LeaveReason, note: str = ""
) -> tuple[int, Plan]:
    """Mark the member as left on `left_on`, disable their accounts and end their deductions;
    flushes, never commits. Returns the accounts disabled and the plan left."""
    result = ctx.session.exec(
        update(Staff)
        .where(
            col(Staff.id) == staff_id,
            col(Staff.office_id) == ctx.actor.office_id,
            col(Staff.left_on).is_(None),
        )
        .values(
            status=StaffStatus.LEFT.value,
            left_on=left_on,
            leave_reason=reason.value,
            leave_note=note,
        )
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise Conflict(N_("staff member %(id)s has already left"), id=staff_id)
    audit.record(
        ctx,
        "staff.left",
        "staff",
        staff_id,
        {"left_on": left_on.isoformat(), "reason": reason.value, "note": note},
    )
    users = list(
        ctx.session.exec(
            select(User.id).where(col(User.staff_id) == staff_id, col(User.active).is_(True))
        )
    )
    for user_id in users:  # as when an admin disables a user: every session and token ends
        assert user_id is not None
        ctx.session.execute(update(User).where(col(User.id) == user_id).values(active=False))
        revoke_user_access(ctx.session, user_id, ctx.now(), reason.value)
        audit.record(ctx, "user.disabled", "user", user_id, {"left_on": left_on.isoformat()})
    return len(users), end_deductions(ctx, staff_id)


@use_case
def record_leaving(ctx: Ctx, staff_id: int, data: LeaveIn | dict[str, Any]) -> LeaveResult:
    """Record that a staff member left (resignation, contract end; HR or admin) and end their
    deductions after the last pay month."""
    ctx.require(Permission.RECORD_LEAVING)
    body = parse(LeaveIn, data)
    if body.reason == LeaveReason.DISMISSED:
        raise ValidationFailed.one(
            "reason", "a dismissal takes effect when its case is executed, not by hand"
        )
    staff = staff_repo.lock_in_office(ctx.session, ctx.actor.office_id, staff_id)
    if body.left_on < staff.hire_date:
        raise ValidationFailed.one(
            "left_on", f"is before the hire date {staff.hire_date.isoformat()}"
        )
    if body.left_on > local_date(ctx.now(), ctx.tz):
        raise ValidationFailed.one(
            "left_on", "is in the future: record the leaving on or after the last working day"
        )
    _, plan = end_employment(ctx, staff_id, body.left_on, body.reason, body.note)
    ctx.session.refresh(staff)
    out = LeaveResult(
        staff=StaffRead.model_validate(staff),
        last_pay_month=body.left_on.replace(day=1),
        unrecovered_fen=plan.schedule.remaining_fen,
        notes_zh=[n.text_zh for n in plan.notes()],
        notes_en=[n.text_en for n in plan.notes()],
    )
    return out
