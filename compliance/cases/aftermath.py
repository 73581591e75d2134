"""After approval: the notice, its acknowledgement, the appeal, finality, execution, closing."""

from typing import Any

from compliance.cases import repository as repo
from compliance.cases import steps
from compliance.cases.deadlines import appeal_deadline
from compliance.cases.decision import amend_on_appeal, check_complete
from compliance.cases.guard import dismissal_gates
from compliance.cases.lifecycle import Action
from compliance.cases.models import Appeal, Case, CaseStatus, Notice, NoticeKind
from compliance.cases.schemas import AppealDecisionIn, AppealIn, CaseRead, NoticeIn, OutcomeIn
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, GuardrailViolation, ValidationFailed
from compliance.pay import leaving, plans
from compliance.pay import service as pay
from compliance.staff import repository as staff_repo
from compliance.staff.models import LeaveReason
from compliance.validation import parse
from policies.guardrails import blocking_failures


@steps.use_case
def serve_notice(ctx: Ctx, case_id: int, content: str) -> CaseRead:
    """Serve the written decision notice; the appeal window opens (HR)."""
    case = steps.begin(ctx, case_id, Action.SERVE_NOTICE)
    body = parse(NoticeIn, {"content": content})
    now = ctx.now()
    deadline = appeal_deadline(steps.today(ctx))
    steps.step(
        ctx,
        case,
        Action.SERVE_NOTICE,
        note=f"appeal possible until {deadline.isoformat()}",
        payload={"content": body.content, "appeal_deadline": deadline},
        notified_at=now,
        appeal_deadline=deadline,
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
    return steps.finish(ctx, case)


def _ack(ctx: Ctx, case_id: int, action: Action, kind: str) -> CaseRead:
    case = steps.begin(ctx, case_id, action)
    notice = repo.decision_notice(ctx.session, case.id or 0)
    if notice is None:  # pragma: no cover - every notified state has a notice
        raise ValidationFailed.one("notice", f"case {case.number} has no decision notice")
    if notice.ack_kind is not None:
        raise Conflict(f"the notice was already marked {notice.ack_kind}")
    steps.step(ctx, case, action, note=kind, payload={"notice_id": notice.id, "ack_kind": kind})
    notice.acknowledged_at = ctx.now()
    notice.ack_kind = kind
    notice.ack_recorded_by = ctx.actor.user_id
    ctx.session.add(notice)
    ctx.session.flush()
    return steps.finish(ctx, case)


@steps.use_case
def acknowledge(ctx: Ctx, case_id: int) -> CaseRead:
    """The staff member signs for the decision notice."""
    return _ack(ctx, case_id, Action.ACKNOWLEDGE, "signed")


@steps.use_case
def record_ack_refusal(ctx: Ctx, case_id: int) -> CaseRead:
    """HR records that the staff member refused to sign for the notice."""
    return _ack(ctx, case_id, Action.RECORD_ACK_REFUSAL, "refused_to_sign")


@steps.use_case
def appeal(ctx: Ctx, case_id: int, grounds: str) -> CaseRead:
    """The staff member appeals, while the window is open (up to and including its last day)."""
    case = steps.begin(ctx, case_id, Action.APPEAL)
    body = parse(AppealIn, {"grounds": grounds})
    steps.check_date(ctx, case, Action.APPEAL, "appeal_deadline")
    steps.step(ctx, case, Action.APPEAL, note=body.grounds)
    ctx.session.add(
        Appeal(
            case_id=case.id or 0,
            grounds=body.grounds,
            filed_at=ctx.now(),
            filed_by=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    return steps.finish(ctx, case)


@steps.use_case
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
    case = steps.begin(ctx, case_id, Action.DECIDE_APPEAL)
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
    before, _ = steps.move(ctx, case, Action.DECIDE_APPEAL, to, **values)
    revision = None
    if outcomes is not None:
        revision = amend_on_appeal(ctx, case, outcomes, body.reasoning)
    row.outcome = body.outcome
    row.reasoning = body.reasoning
    row.decided_at = ctx.now()
    row.decided_by = ctx.actor.user_id
    ctx.session.add(row)
    steps.record(
        ctx,
        case,
        Action.DECIDE_APPEAL,
        before,
        f"{body.outcome}: {body.reasoning}",
        {"outcome": body.outcome, "revision": revision},
    )
    return steps.finish(ctx, case)


@steps.use_case
def finalize(ctx: Ctx, case_id: int) -> CaseRead:
    """The decision becomes final: after the appeal window, or once the appeal is decided."""
    case = steps.begin(ctx, case_id, Action.FINALIZE)
    steps.check_date(ctx, case, Action.FINALIZE, "appeal_deadline")
    steps.step(ctx, case, Action.FINALIZE)
    return steps.finish(ctx, case)


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


@steps.use_case
def mark_executed(ctx: Ctx, case_id: int) -> CaseRead:
    """Apply the outcomes (HR): money outcomes become deductions; a dismissal takes effect,
    the staff member leaves and their accounts are disabled."""
    case = steps.begin(ctx, case_id, Action.MARK_EXECUTED)
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
    before, _ = steps.move(ctx, case, Action.MARK_EXECUTED, **values)
    disabled = _end_employment(ctx, case) if ends else 0
    deductions = pay.create_deductions_for_case(ctx, case, proposal)
    note = f"revision {proposal.revision} executed"
    if deductions:
        note += f"; {len(deductions)} deduction(s) scheduled"
    if ends:
        note += f"; employment ended, {disabled} account(s) disabled"
    steps.record(
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
    return steps.finish(ctx, case)


@steps.use_case
def close(ctx: Ctx, case_id: int, *, acknowledge_unrecoverable: bool = False) -> CaseRead:
    """Close an executed case; from now on it can only be annotated (HR).

    When pay cannot take the case's money (a zero cap, a plan beyond 12 months, a balance
    left after the member's last pay month), closing needs that acknowledged, in words.
    """
    case = steps.begin(ctx, case_id, Action.CLOSE)
    money = plans.case_pay(ctx, case, repo.latest_proposal(ctx.session, case.id or 0))
    unrecoverable = money is not None and money.needs_ack
    if unrecoverable and not acknowledge_unrecoverable and money is not None:
        raise GuardrailViolation(
            f"case {case.number} cannot be closed without acknowledging that pay cannot take "
            "its money: " + " ".join(money.notes_en),
            zh=f"案件 {case.number} 须确认以下情况后方可结案:" + "".join(money.notes_zh),
        )
    payload = {"acknowledged": money.notes_zh} if unrecoverable and money is not None else None
    steps.step(ctx, case, Action.CLOSE, payload=payload, closed_at=ctx.now())
    return steps.finish(ctx, case)
