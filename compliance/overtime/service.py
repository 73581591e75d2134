"""Use cases for overtime requests: recorded by a manager or the staff member, decided by the
office director (R09)."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from compliance.actors import Role
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.i18n import N_
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.overtime.schemas import OvertimeCreate, OvertimeDecide, OvertimeRead
from compliance.permissions import Permission, holds
from compliance.recording import record_new
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import not_in_future, parse
from compliance.visits.models import Visit

# An approval typed in more than this long after the director gave it is entered late.
LATE_ENTRY = timedelta(hours=2)
# Typed in within this long, an approval counts as entered when given (minutes on a form).
SAME_MOMENT = timedelta(minutes=5)


def _own_only(ctx: Ctx, staff_id: int | None) -> None:
    # A staff user records and sees only their own requests (SPEC §9).
    if ctx.actor.role == Role.STAFF and (
        ctx.actor.staff_id is None or staff_id != ctx.actor.staff_id
    ):
        raise Forbidden("staff may only act on their own overtime requests")


def _check_visit(ctx: Ctx, body: OvertimeCreate) -> None:
    if body.visit_id is None:
        return
    visit = ctx.session.exec(
        select(Visit).where(
            col(Visit.id) == body.visit_id, col(Visit.office_id) == ctx.actor.office_id
        )
    ).one_or_none()
    if visit is None:
        raise ValidationFailed.one("visit_id", "no such work order in this office")
    if (visit.staff_id, visit.unit_id) != (body.staff_id, body.unit_id):
        raise ValidationFailed.one("visit_id", "the visit is for another staff member or unit")


@use_case
def request_overtime(ctx: Ctx, data: OvertimeCreate | dict[str, Any]) -> OvertimeRead:
    """Record that a resident asked for overtime (a manager, or the staff member themself)."""
    ctx.require(Permission.REQUEST_OVERTIME)
    body = parse(OvertimeCreate, data)
    _own_only(ctx, body.staff_id)
    office_id = ctx.actor.office_id
    get_in_office(ctx.session, office_id, body.staff_id)
    get_unit_in_office(ctx.session, office_id, body.unit_id)
    _check_visit(ctx, body)
    row = record_new(
        ctx,
        OvertimeRequest,
        body,
        not_future={"requested_at": body.requested_at},
        update={"created_at": ctx.now(), "created_by": ctx.actor.user_id},
        audit_action="overtime.requested",
    )
    return OvertimeRead.model_validate(row)


@use_case
def decide_overtime(
    ctx: Ctx, request_id: int, data: OvertimeDecide | dict[str, Any]
) -> OvertimeRead:
    """Approve or refuse a pending request (the office director only)."""
    if not holds(ctx.actor, Permission.DECIDE_OVERTIME):
        raise Forbidden(N_("only the office director may decide on overtime (R09)"))
    body = parse(OvertimeDecide, data)
    row = ctx.session.exec(
        select(OvertimeRequest).where(
            col(OvertimeRequest.id) == request_id,
            col(OvertimeRequest.office_id) == ctx.actor.office_id,
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"overtime request {request_id} not found")
    if row.decision != OvertimeDecision.PENDING:
        raise Conflict(f"overtime request {request_id} was already {row.decision}")
    now = ctx.now()
    given = _when_given(ctx, row, body, now)
    # R09 compares when the approval was given with when the overtime began; a decision
    # typed in later keeps who typed it and when beside it, and why it came late.
    result = ctx.session.exec(
        update(OvertimeRequest)
        .where(
            col(OvertimeRequest.id) == request_id,
            col(OvertimeRequest.decision) == OvertimeDecision.PENDING,
        )
        .values(
            decision=body.decision.value,
            decided_by=ctx.actor.user_id,
            decided_at=given,
            decision_note=body.note,
            rearranged_others=body.rearranged_others,
            # The capacity the approval was given in: clearing the director flag later
            # does not turn the jobs it covered into breaches.
            approver_was_director=ctx.actor.is_director,
            entered_by=ctx.actor.user_id,
            entered_at=now,
            late_entry_reason=body.late_entry_reason.strip(),
        )
        # Refreshed below on success; syncing here would dress a lost race up as a win.
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(f"overtime request {request_id} was decided by someone else just now")
    audit.record(
        ctx, "overtime.decided", "overtime_request", request_id, body.model_dump(mode="json")
    )
    ctx.session.refresh(row)
    return OvertimeRead.model_validate(row)


def _when_given(ctx: Ctx, row: OvertimeRequest, body: OvertimeDecide, now: datetime) -> datetime:
    """When the director gave the decision; refuses a late entry that gives no reason."""
    not_in_future("decided_at", body.decided_at, now)
    given = min(body.decided_at or now, now)  # a clock a little ahead is taken as now
    if given < row.requested_at:
        raise ValidationFailed.one("decided_at", "cannot be before the request was made")
    if body.decision != OvertimeDecision.APPROVED or body.late_entry_reason.strip():
        return given
    late = now - given > LATE_ENTRY
    if not late and now - given > SAME_MOMENT and row.visit_id is not None:
        arrived = ctx.session.exec(
            select(Visit.arrived_at).where(col(Visit.id) == row.visit_id)
        ).one_or_none()
        late = arrived is not None and arrived <= now
    if late:
        raise ValidationFailed.one(
            "late_entry_reason",
            "an approval entered more than 2 hours after it was given, or after the work "
            "began, needs the reason it is entered late",
        )
    return given


def list_overtime(
    ctx: Ctx, *, staff_id: int | None = None, decision: OvertimeDecision | None = None
) -> list[OvertimeRead]:
    """Overtime requests of the office, newest first; staff see only their own."""
    ctx.require(Permission.LIST_OVERTIME)
    if ctx.actor.role == Role.STAFF:
        staff_id = ctx.actor.staff_id if staff_id is None else staff_id
        _own_only(ctx, staff_id)
    stmt = select(OvertimeRequest).where(col(OvertimeRequest.office_id) == ctx.actor.office_id)
    if staff_id is not None:
        stmt = stmt.where(col(OvertimeRequest.staff_id) == staff_id)
    if decision is not None:
        stmt = stmt.where(col(OvertimeRequest.decision) == decision)
    stmt = stmt.order_by(col(OvertimeRequest.requested_at).desc(), col(OvertimeRequest.id).desc())
    return [OvertimeRead.model_validate(r) for r in ctx.session.exec(stmt)]
