"""The home page's to-do centre (待办): per role, what waits on the signed-in user, counted.

Each line is one SQL query, scoped to the user's office (a staff member's: to their own
cases), that counts the items and finds the first of them: with one item the line links to
it, with more to the list filtered to them. Which lines a user sees follows the permissions
they hold (compliance/permissions.py), as the menu does; a director, a manager with the flag,
sees the manager's lines and the director's.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlmodel import col

from api.i18n import N_
from compliance.actors import Role
from compliance.cases.lifecycle import Capacity
from compliance.cases.models import Approval, Case, CaseStatus, Notice, Proposal
from compliance.cases.review import sent_back_case_ids
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.findings.models import Finding, FindingStatus
from compliance.flows import service_clocks
from compliance.inspections.models import SpotCheck
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.permissions import Permission, holds
from compliance.service.models import (
    EventAction,
    HopRole,
    ServiceClock,
    ServiceEvent,
    ServiceHop,
)
from compliance.staff.models import Staff, StaffStatus


class TodoLine(BaseModel):
    """One line of the to-do centre: what waits, how many, where to go."""

    key: str
    label: str  # a msgid
    count: int
    href: str
    # The earliest deadline among the items, if they have one (office days).
    due: date | None = None
    # Past its deadline: the line reads as an alarm, not a state.
    overdue: bool = False


S = CaseStatus


def _case_stmt(ctx: Ctx, *where: Any) -> Select[Any]:
    """Count, first id and earliest statement deadline of the office's cases matching `where`
    (never the user's own case: nobody handles their own)."""
    stmt = select(func.count(), func.min(col(Case.id)), func.min(col(Case.statement_due))).where(
        col(Case.office_id) == ctx.actor.office_id, *where
    )
    if ctx.actor.staff_id is not None:
        stmt = stmt.where(col(Case.staff_id) != ctx.actor.staff_id)
    return stmt


def _case_line(ctx: Ctx, key: str, label: str, status: S, *where: Any) -> TodoLine:
    count, first, _due = ctx.session.execute(
        _case_stmt(ctx, col(Case.status) == status, *where)
    ).one()
    href = f"/cases/{first}" if count == 1 else f"/cases?status={status.value}"
    return TodoLine(key=key, label=label, count=count, href=href)


def _today(ctx: Ctx) -> date:
    return local_date(ctx.now(), ctx.tz)


def _current_proposal() -> Any:
    """The case's newest proposal revision (a correlated subquery)."""
    return (
        select(func.max(col(Proposal.id)))
        .where(col(Proposal.case_id) == col(Case.id))
        .correlate(Case)
        .scalar_subquery()
    )


def _unapproved_by(capacity: Capacity) -> Any:
    """No live approval in this capacity of the case's current proposal."""
    return ~exists(
        select(col(Approval.id)).where(
            col(Approval.proposal_id) == _current_proposal(),
            col(Approval.capacity) == capacity.value,
            col(Approval.lapsed_at).is_(None),
        )
    )


# The manager's lines ---------------------------------------------------------------------


def findings_to_triage(ctx: Ctx) -> TodoLine:
    """Open findings of the office, waiting to be confirmed or dismissed."""
    count = ctx.session.execute(
        select(func.count()).where(
            col(Finding.office_id) == ctx.actor.office_id,
            col(Finding.status) == FindingStatus.OPEN,
        )
    ).scalar_one()
    return TodoLine(key="findings", label=N_("Findings to triage"), count=count, href="/findings")


def spot_checks_due(ctx: Ctx) -> TodoLine:
    """Active staff members nobody has spot-checked yet this month (office days)."""
    today = _today(ctx)
    checked = exists(
        select(col(SpotCheck.id)).where(
            col(SpotCheck.staff_id) == col(Staff.id),
            col(SpotCheck.office_id) == ctx.actor.office_id,
            col(SpotCheck.work_date) >= today.replace(day=1),
        )
    )
    count = ctx.session.execute(
        select(func.count()).where(
            col(Staff.office_id) == ctx.actor.office_id,
            col(Staff.status) == StaffStatus.ACTIVE,
            ~checked,
        )
    ).scalar_one()
    return TodoLine(
        key="spot_checks",
        label=N_("Staff not yet spot-checked this month"),
        count=count,
        href="/spot-checks/new",
    )


# HR's lines ------------------------------------------------------------------------------


def statements_overdue(ctx: Ctx) -> TodoLine:
    """Cases whose statement deadline has passed: HR records the silence."""
    count, first, due = ctx.session.execute(
        _case_stmt(
            ctx,
            col(Case.status) == S.AWAITING_STATEMENT,
            col(Case.statement_due) < _today(ctx),
        )
    ).one()
    href = f"/cases/{first}" if count == 1 else f"/cases?status={S.AWAITING_STATEMENT.value}"
    return TodoLine(
        key="statements_overdue",
        label=N_("Statements overdue"),
        count=count,
        href=href,
        due=due,
        overdue=count > 0,
    )


def statements_to_request(ctx: Ctx) -> TodoLine:
    """Opened cases whose staff member has not yet been asked for a statement."""
    return _case_line(ctx, "statements_to_request", N_("Statements to request"), S.OPEN)


def proposals_to_make(ctx: Ctx) -> TodoLine:
    """Cases under review: the statement is in, an outcome is to be proposed."""
    return _case_line(ctx, "proposals", N_("Proposals to make"), S.UNDER_REVIEW)


def _sent_back(ctx: Ctx) -> Any:
    """Proposals sent back to HR to amend: nobody can decide on them until HR has."""
    return sent_back_case_ids(ctx.actor.office_id)


def proposals_to_amend(ctx: Ctx) -> TodoLine:
    """Proposals the approver sent back (退回修改), waiting on HR's amendment."""
    return _case_line(
        ctx,
        "amend",
        N_("Proposals sent back to amend"),
        S.DECISION_PROPOSED,
        col(Case.id).in_(_sent_back(ctx)),
    )


def _proposed_by_me(ctx: Ctx) -> Any:
    """The case's current revision is the user's own: they never approve it."""
    return exists(
        select(col(Proposal.id)).where(
            col(Proposal.id) == _current_proposal(),
            col(Proposal.created_by) == ctx.actor.user_id,
        )
    )


def hr_approvals(ctx: Ctx) -> TodoLine:
    """Proposals no HR approval covers yet (not those sent back to be amended, nor the
    user's own: whoever made a revision does not approve it)."""
    return _case_line(
        ctx,
        "approvals",
        N_("Approvals to give"),
        S.DECISION_PROPOSED,
        _unapproved_by(Capacity.HR),
        col(Case.id).not_in(_sent_back(ctx)),
        ~_proposed_by_me(ctx),
    )


def notices_to_serve(ctx: Ctx) -> TodoLine:
    """Approved decisions whose notice is to be served."""
    return _case_line(ctx, "notices_to_serve", N_("Notices to serve"), S.APPROVED)


def executions_due(ctx: Ctx) -> TodoLine:
    """Final decisions (no appeal left) waiting to be carried out."""
    return _case_line(
        ctx,
        "executions",
        N_("Executions due"),
        S.FINAL,
    )


# The director's lines --------------------------------------------------------------------


def director_approvals(ctx: Ctx) -> TodoLine:
    """Proposals no director approval covers yet."""
    return _case_line(
        ctx,
        "approvals",
        N_("Approvals to give"),
        S.DECISION_PROPOSED,
        _unapproved_by(Capacity.DIRECTOR),
        col(Case.id).not_in(_sent_back(ctx)),
    )


def appeals_to_decide(ctx: Ctx) -> TodoLine:
    """Appeals filed and not yet decided."""
    return _case_line(ctx, "appeals", N_("Appeals to decide"), S.APPEALED)


def overtime_to_decide(ctx: Ctx) -> TodoLine:
    """Residents' overtime requests waiting for the director's decision (R09)."""
    count = ctx.session.execute(
        select(func.count()).where(
            col(OvertimeRequest.office_id) == ctx.actor.office_id,
            col(OvertimeRequest.decision) == OvertimeDecision.PENDING,
        )
    ).scalar_one()
    return TodoLine(
        key="overtime", label=N_("Overtime requests to decide"), count=count, href="/overtime"
    )


# A staff member's lines ------------------------------------------------------------------


def _own(ctx: Ctx) -> Any:
    return and_(
        col(Case.office_id) == ctx.actor.office_id, col(Case.staff_id) == ctx.actor.staff_id
    )


def statement_due(ctx: Ctx) -> TodoLine:
    """The staff member's own cases waiting for their statement, with the earliest deadline."""
    count, first, due = ctx.session.execute(
        select(func.count(), func.min(col(Case.id)), func.min(col(Case.statement_due))).where(
            _own(ctx), col(Case.status) == S.AWAITING_STATEMENT
        )
    ).one()
    return TodoLine(
        key="statement",
        label=N_("Statements to write"),
        count=count,
        href=f"/me/cases/{first}" if count == 1 else "/me",
        due=due,
        overdue=due is not None and due < _today(ctx),
    )


def notices_to_sign(ctx: Ctx) -> TodoLine:
    """Notices served on the staff member that they have not signed for."""
    count, cases, first = ctx.session.execute(
        select(
            func.count(),
            func.count(func.distinct(col(Notice.case_id))),
            func.min(col(Notice.case_id)),
        )
        .select_from(Notice)
        .join(Case, col(Case.id) == col(Notice.case_id))
        .where(_own(ctx), col(Notice.acknowledged_at).is_(None), col(Notice.ack_kind).is_(None))
    ).one()
    return TodoLine(
        key="notices_to_sign",
        label=N_("Notices to sign"),
        count=count,
        href=f"/me/cases/{first}" if cases == 1 else "/me",
    )


# The service standards' lines (compliance.flows.service_clocks) -------------------------------


def _service_due(ctx: Ctx, key: str, href: str, *mine: Any) -> TodoLine:
    """Running service clocks due within their warning window (none at night for clocks due
    at the end of an office day), read from the last evaluation's service_clock rows."""
    now = ctx.now()
    count, due = ctx.session.execute(
        select(func.count(), func.min(col(ServiceClock.due_at))).where(
            service_clocks.warning_filter(ctx.actor.office_id, now, ctx.tz), *mine
        )
    ).one()
    return TodoLine(
        key=key,
        label=N_("Service deadlines coming up"),
        count=count,
        href=href,
        due=local_date(due, ctx.tz) if due is not None else None,
    )


def service_due_mine(ctx: Ctx) -> TodoLine:
    """A staff member's own: the clocks of the orders they hold."""
    return _service_due(
        ctx, "service_due", "/service/my", col(ServiceClock.holder_staff_id) == ctx.actor.staff_id
    )


def service_due_office(ctx: Ctx) -> TodoLine:
    """A manager's: the clocks they hold or of the orders they are the responsible manager of
    (every one of the office's for a manager with no staff record); the front desk's: all."""
    staff_id = ctx.actor.staff_id
    if staff_id is None or ctx.actor.role == Role.FRONT_DESK.value:
        return _service_due(ctx, "service_due", "/service/orders")
    managed = select(col(ServiceHop.order_id)).where(
        col(ServiceHop.office_id) == ctx.actor.office_id,
        col(ServiceHop.role) == "manager",
        col(ServiceHop.staff_id) == staff_id,
        col(ServiceHop.end_at).is_(None),
    )
    return _service_due(
        ctx,
        "service_due",
        "/service/orders",
        or_(col(ServiceClock.holder_staff_id) == staff_id, col(ServiceClock.order_id).in_(managed)),
    )


def emergencies_mine(ctx: Ctx) -> TodoLine:
    """A duty staff member's: the emergencies they are dispatched to (an open duty hop) and
    have not yet checked in at (no arrival by them)."""
    arrived = exists().where(
        col(ServiceEvent.order_id) == col(ServiceHop.order_id),
        col(ServiceEvent.action) == EventAction.ARRIVE,
        col(ServiceEvent.staff_id) == ctx.actor.staff_id,
    )
    count, first = ctx.session.execute(
        select(func.count(), func.min(col(ServiceHop.order_id))).where(
            col(ServiceHop.office_id) == ctx.actor.office_id,
            col(ServiceHop.staff_id) == ctx.actor.staff_id,
            col(ServiceHop.role) == HopRole.DUTY,
            col(ServiceHop.end_at).is_(None),
            ~arrived,
        )
    ).one()
    return TodoLine(
        key="emergency_duty",
        label=N_("Emergency: you are sent to the scene"),
        count=count,
        href=f"/service/emergencies/{first}" if count == 1 else "/service/emergencies/duty",
    )


Line = Callable[[Ctx], TodoLine]

# In the order a user works through them; each shown to those who hold its permission.
LINES: tuple[tuple[Permission, Line], ...] = (
    (Permission.TRIAGE_FINDINGS, findings_to_triage),
    (Permission.RECORD_SPOT_CHECK, spot_checks_due),
    (Permission.REQUEST_STATEMENT, statements_to_request),
    (Permission.RECORD_SILENCE, statements_overdue),
    (Permission.PROPOSE, proposals_to_make),
    (Permission.PROPOSE, proposals_to_amend),
    (Permission.SERVE_NOTICE, notices_to_serve),
    (Permission.MARK_EXECUTED, executions_due),
    (Permission.DECIDE_OVERTIME, overtime_to_decide),
    (Permission.DISPATCH_SERVICE, service_due_office),
)


def todo(ctx: Ctx) -> list[TodoLine]:
    """The signed-in user's to-do lines, in working order (none for a role with no queue)."""
    actor = ctx.actor
    if actor.staff_id is not None and holds(actor, Permission.VIEW_OWN_RECORD):
        own = [statement_due(ctx), notices_to_sign(ctx)]
        if holds(actor, Permission.WORK_SERVICE_ORDER):
            # An alarm, not a standing queue: shown only while an emergency waits on them.
            duty = emergencies_mine(ctx)
            own[:0] = [duty] if duty.count else []
            own.append(service_due_mine(ctx))
        return own
    lines = [line(ctx) for permission, line in LINES if holds(actor, permission)]
    # Approvals and appeals: HR in its capacity; the director in theirs.
    if holds(actor, Permission.APPROVE):
        approvals = director_approvals if actor.is_director else hr_approvals
        keys = {line.key for line in lines}
        lines.insert(_after(lines, "amend" if "amend" in keys else "proposals"), approvals(ctx))
    if holds(actor, Permission.DECIDE_APPEAL):
        lines.insert(_after(lines, "approvals"), appeals_to_decide(ctx))
    return lines


def _after(lines: list[TodoLine], key: str) -> int:
    """Where a line goes: after the line `key` if shown, else after everything."""
    keys = [line.key for line in lines]
    return keys.index(key) + 1 if key in keys else len(lines)
