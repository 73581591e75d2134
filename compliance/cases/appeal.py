"""After approval: the notice, its acknowledgement, the appeal, finality, execution, closing."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

from compliance.calendar.service import CalendarNotCovered
from compliance.cases import repository as repo
from compliance.cases import transition
from compliance.cases.deadlines import APPEAL_WINDOW_DAYS, appeal_deadline
from compliance.cases.decision import amend_on_appeal, check_complete
from compliance.cases.guardrails import dismissal_gates
from compliance.cases.lifecycle import Action
from compliance.cases.models import Appeal, Case, CaseStatus, Notice, NoticeKind, ServiceKind
from compliance.cases.schemas import (
    AppealDecisionIn,
    AppealIn,
    CaseRead,
    NoticeIn,
    OutcomeIn,
    ServiceRefusalIn,
)
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, GuardrailViolation, ValidationFailed
from compliance.pay import leaving, plans
from compliance.pay import service as pay
from compliance.staff import repository as staff_repo
from compliance.staff.models import LeaveReason, Staff
from compliance.validation import not_in_future, parse
from policies.guardrails import blocking_failures


@transition.use_case
def serve_notice(ctx: Ctx, case_id: int, content: str) -> CaseRead:
    """Hand over the written decision notice (HR). The notice is served, and the appeal
    window opens, only when the staff member signs for it or refuses before a witness."""
    case = transition.begin(ctx, case_id, Action.SERVE_NOTICE)
    body = parse(NoticeIn, {"content": content})
    now = ctx.now()
    transition.step(
        ctx,
        case,
        Action.SERVE_NOTICE,
        note="notice handed over; the appeal window opens once it is served",
        payload={"content": body.content},
        notified_at=now,
        appeal_deadline=None,
    )
    ctx.session.add(
        Notice(
            case_id=case.id or 0,
            kind=NoticeKind.DECISION.value,
            content=body.content,
            served_at=now,
            served_by=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    return transition.finish(ctx, case)


def _window(ctx: Ctx, case: Case, served_at: datetime) -> date | None:
    """The appeal deadline counted from service; None while the calendar lacks the year."""
    try:
        return appeal_deadline(ctx.session, case.office_id, local_date(served_at, ctx.tz))
    except CalendarNotCovered:
        return None


def _decision_notice(ctx: Ctx, case: Case) -> Notice:
    notice = repo.decision_notice(ctx.session, case.id or 0)
    if notice is None:  # pragma: no cover - every notified state has a notice
        raise ValidationFailed.one("notice", f"case {case.number} has no decision notice")
    # A refusal recorded without a witness (before witnesses were required) served nothing:
    # it may be recorded again, properly.
    if notice.ack_kind is not None and case.service_completed_at is not None:
        when = notice.acknowledged_at.astimezone(ctx.tz) if notice.acknowledged_at else None
        how = "签收" if notice.ack_kind == ServiceKind.SIGNED.value else "拒签(留置送达)"
        raise Conflict(
            f"the notice was already served ({notice.ack_kind})",
            zh=f"处理决定通知书已于 {when:%Y-%m-%d %H:%M} 送达({how})" if when else "已送达",
        )
    return notice


def _serve(
    ctx: Ctx,
    case: Case,
    notice: Notice,
    action: Action,
    kind: ServiceKind,
    at: datetime,
    refusal: ServiceRefusalIn | None = None,
) -> None:
    deadline = _window(ctx, case, at)
    served_on = local_date(at, ctx.tz).isoformat()
    how = "signed" if refusal is None else f"refused to sign before {'、'.join(refusal.witnesses)}"
    tail = (
        f"appeal possible until {deadline.isoformat()}"
        if deadline
        else "appeal deadline not counted yet (the office calendar lacks the year)"
    )
    note = f"served {served_on} ({how}); {tail}"
    payload: dict[str, Any] = {
        "notice_id": notice.id,
        "ack_kind": kind.value,
        "served_at": at,
        "appeal_deadline": deadline,
    }
    if refusal is not None:
        payload |= {"witnesses": refusal.witnesses, "place": refusal.place, "note": refusal.note}
    transition.step(
        ctx,
        case,
        action,
        note=note,
        payload=payload,
        service_completed_at=at,
        appeal_deadline=deadline,
    )
    notice.acknowledged_at = at
    notice.ack_kind = kind.value
    notice.ack_recorded_by = ctx.actor.user_id
    notice.ack_recorded_at = ctx.now()
    if refusal is not None:
        notice.witnesses = "、".join(refusal.witnesses)
        notice.service_place = refusal.place
        notice.service_note = refusal.note
    ctx.session.add(notice)
    ctx.session.flush()


@transition.use_case
def acknowledge(ctx: Ctx, case_id: int) -> CaseRead:
    """The staff member signs for the decision notice: it is served now."""
    case = transition.begin(ctx, case_id, Action.ACKNOWLEDGE)
    notice = _decision_notice(ctx, case)
    _serve(ctx, case, notice, Action.ACKNOWLEDGE, ServiceKind.SIGNED, ctx.now())
    return transition.finish(ctx, case)


@transition.use_case
def record_ack_refusal(
    ctx: Ctx,
    case_id: int,
    witnesses: list[str] | str | None = None,
    *,
    at: datetime | None = None,
    place: str = "",
    note: str = "",
) -> CaseRead:
    """HR records that the staff member refused to sign, before a witness (留置送达): the
    notice is served at the time of the refusal."""
    case = transition.begin(ctx, case_id, Action.RECORD_ACK_REFUSAL)
    body = parse(ServiceRefusalIn, {"witnesses": witnesses, "at": at, "place": place, "note": note})
    notice = _decision_notice(ctx, case)
    when = body.at or ctx.now()
    not_in_future("at", when, ctx.now())
    if when < notice.served_at:
        raise ValidationFailed.one("at", "is before the notice was handed over")
    staff = ctx.session.get(Staff, case.staff_id)
    if staff is not None and staff.name in body.witnesses:
        raise ValidationFailed.one("witnesses", "the staff member cannot witness their own refusal")
    _serve(ctx, case, notice, Action.RECORD_ACK_REFUSAL, ServiceKind.REFUSED_TO_SIGN, when, body)
    return transition.finish(ctx, case)


def _count_window(ctx: Ctx, case: Case, *, for_appeal: bool) -> dict[str, Any]:
    """Count the appeal deadline now if it could not be counted at service (the calendar
    lacked the year). Refused while it still cannot be counted, except for an appeal
    that is surely inside the window (within 7 days of service)."""
    if case.service_completed_at is None or case.appeal_deadline is not None:
        return {}
    served_on = local_date(case.service_completed_at, ctx.tz)
    try:
        deadline = appeal_deadline(ctx.session, case.office_id, served_on)
    except CalendarNotCovered:
        if for_appeal and transition.today(ctx) <= served_on + timedelta(days=APPEAL_WINDOW_DAYS):
            return {}
        raise
    set_committed_value(case, "appeal_deadline", deadline)
    return {"appeal_deadline": deadline}


@transition.use_case
def appeal(ctx: Ctx, case_id: int, grounds: str) -> CaseRead:
    """The staff member appeals, while the window is open (up to and including its last day)."""
    case = transition.begin(ctx, case_id, Action.APPEAL)
    body = parse(AppealIn, {"grounds": grounds})
    values = _count_window(ctx, case, for_appeal=True)
    transition.check_date(ctx, case, Action.APPEAL, "appeal_deadline")
    transition.step(ctx, case, Action.APPEAL, note=body.grounds, **values)
    ctx.session.add(
        Appeal(
            case_id=case.id or 0,
            grounds=body.grounds,
            filed_at=ctx.now(),
            filed_by=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    return transition.finish(ctx, case)


@transition.use_case
def decide_appeal(
    ctx: Ctx,
    case_id: int,
    outcome: str,
    reasoning: str,
    *,
    outcomes: list[OutcomeIn | dict[str, Any]] | None = None,
) -> CaseRead:
    """Decide the appeal (HR or director who did not approve the decision).

    Upheld or varied → appeal decided; overturned → dismissed. A varied decision may give
    the new outcomes, which become a new proposal revision.
    """
    case = transition.begin(ctx, case_id, Action.DECIDE_APPEAL)
    body = parse(AppealDecisionIn, {"outcome": outcome, "reasoning": reasoning})
    if outcomes is not None and body.outcome != "varied":
        raise ValidationFailed.one("outcomes", "only a varied decision changes the outcomes")
    if ctx.actor.user_id in repo.approver_ids(ctx.session, case.id or 0):
        raise Forbidden(
            f"you approved the decision in case {case.number}; an appeal is decided by "
            "someone who did not approve it",
            zh=f"你批准了案件 {case.number} 的处理决定;申诉须由未参与批准的人决定",
        )
    row = repo.appeal_of(ctx.session, case.id or 0)
    if row is None:  # pragma: no cover - the appealed state always has an appeal
        raise ValidationFailed.one("appeal", f"case {case.number} has no appeal")
    overturned = body.outcome == "overturned"
    to = CaseStatus.DISMISSED if overturned else CaseStatus.APPEAL_DECIDED
    values: dict[str, Any] = {"closed_at": ctx.now()} if overturned else {}
    before, _ = transition.move(ctx, case, Action.DECIDE_APPEAL, to, **values)
    revision = None
    if outcomes is not None:
        revision = amend_on_appeal(ctx, case, outcomes, body.reasoning)
    row.outcome = body.outcome
    row.reasoning = body.reasoning
    row.decided_at = ctx.now()
    row.decided_by = ctx.actor.user_id
    ctx.session.add(row)
    transition.record(
        ctx,
        case,
        Action.DECIDE_APPEAL,
        before,
        f"{body.outcome}: {body.reasoning}",
        {"outcome": body.outcome, "revision": revision},
    )
    return transition.finish(ctx, case)


@transition.use_case
def finalize(ctx: Ctx, case_id: int) -> CaseRead:
    """The decision becomes final: after the appeal window, or once the appeal is decided."""
    case = transition.begin(ctx, case_id, Action.FINALIZE)
    if case.service_completed_at is None:
        raise GuardrailViolation(
            f"case {case.number}: the decision notice has not been served. It is served when "
            "the staff member signs for it or when a refusal to sign is recorded with a "
            "witness (留置送达); the appeal window counts from then",
            zh=(
                f"案件 {case.number} 的处理决定通知书尚未送达:员工签收,或拒绝签收时由见证人"
                "在场并记录(留置送达),才算送达;申诉期自送达之日起计算,送达前处理决定不能生效"
            ),
        )
    notified = case.status == CaseStatus.NOTIFIED.value
    values = _count_window(ctx, case, for_appeal=False) if notified else {}
    transition.check_date(ctx, case, Action.FINALIZE, "appeal_deadline")
    transition.step(ctx, case, Action.FINALIZE, **values)
    return transition.finish(ctx, case)


def _check_gates(ctx: Ctx, case: Case) -> None:
    gates = dismissal_gates(ctx.session, ctx.settings, case, effective_at=ctx.now())
    failed = blocking_failures(gates)
    if failed:
        raise GuardrailViolation(
            "the dismissal cannot take effect: " + "; ".join(g.text_en for g in failed),
            zh="解除劳动合同不能生效:" + ";".join(g.text_zh for g in failed),
        )


def _end_employment(ctx: Ctx, case: Case) -> int:
    # The dismissal's day is the last working day: nothing is deducted after that month.
    disabled, _ = leaving.end_employment(
        ctx,
        case.staff_id,
        local_date(ctx.now(), ctx.tz),
        LeaveReason.DISMISSED,
        f"案件 {case.number} 辞退执行",
    )
    return disabled


@transition.use_case
def mark_executed(ctx: Ctx, case_id: int) -> CaseRead:
    """Apply the outcomes (HR): money outcomes become deductions; a dismissal takes effect,
    the staff member leaves and their accounts are disabled."""
    case = transition.begin(ctx, case_id, Action.MARK_EXECUTED)
    proposal = repo.latest_proposal(ctx.session, case.id or 0)
    if proposal is None:  # pragma: no cover - a final case always has a proposal
        raise ValidationFailed.one("proposal", f"case {case.number} has no proposal")
    # An appeal that varied the outcome leaves a revision nobody approved: it must be
    # complete before it is applied, or an outcome without its amount would vanish.
    check_complete(proposal)
    ends = proposal.is_dismissal
    if ends:
        _check_gates(ctx, case)
    # Staff row before case row, as when a case is opened: the two never wait on each other.
    staff_repo.lock_in_office(ctx.session, case.office_id, case.staff_id)
    values: dict[str, Any] = {"effective_at": ctx.now()} if ends else {}
    before, _ = transition.move(ctx, case, Action.MARK_EXECUTED, **values)
    disabled = _end_employment(ctx, case) if ends else 0
    deductions = pay.create_deductions_for_case(ctx, case, proposal)
    note = f"revision {proposal.revision} executed"
    if deductions:
        note += f"; {len(deductions)} deduction(s) scheduled"
    if ends:
        note += f"; employment ended, {disabled} account(s) disabled"
    transition.record(
        ctx,
        case,
        Action.MARK_EXECUTED,
        before,
        note,
        {
            "revision": proposal.revision,
            "deductions": [d.id for d in deductions],
            "ends_employment": ends,
            "accounts_disabled": disabled,
        },
    )
    return transition.finish(ctx, case)


@transition.use_case
def close(ctx: Ctx, case_id: int, *, acknowledge_unrecoverable: bool = False) -> CaseRead:
    """Close an executed case; from now on it can only be annotated (HR).

    When pay cannot take the case's money (a zero cap, a plan beyond 12 months, a balance
    left after the member's last pay month), closing needs that acknowledged, in words.
    """
    case = transition.begin(ctx, case_id, Action.CLOSE)
    money = plans.case_pay(ctx, case, repo.latest_proposal(ctx.session, case.id or 0))
    unrecoverable = money is not None and money.needs_ack
    if unrecoverable and not acknowledge_unrecoverable and money is not None:
        raise GuardrailViolation(
            f"case {case.number} cannot be closed without acknowledging that pay cannot take "
            "its money: " + " ".join(money.notes_en),
            zh=f"案件 {case.number} 须确认以下情况后方可结案:" + "".join(money.notes_zh),
        )
    payload = {"acknowledged": money.notes_zh} if unrecoverable and money is not None else None
    transition.step(ctx, case, Action.CLOSE, payload=payload, closed_at=ctx.now())
    return transition.finish(ctx, case)
