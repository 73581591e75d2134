"""The appeal against a served decision, its outcome, and the decision becoming final."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

from compliance.calendar.service import CalendarNotCovered
from compliance.cases import attachments, transition
from compliance.cases import repository as repo
from compliance.cases.attachments import AttachedTo, Upload
from compliance.cases.deadlines import APPEAL_WINDOW_DAYS, appeal_deadline
from compliance.cases.decision import amend_on_appeal
from compliance.cases.lifecycle import Action
from compliance.cases.models import Appeal, Case, CaseStatus
from compliance.cases.schemas import (
    AppealDecisionIn,
    AppealIn,
    CaseRead,
    OutcomeIn,
)
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Forbidden, GuardrailViolation, ValidationFailed
from compliance.i18n import N_
from compliance.usecase import use_case
from compliance.validation import parse


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


@use_case
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


@use_case
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
            N_(
                "you approved the decision in case %(number)s; an appeal is decided by "
                "someone who did not approve it"
            ),
            number=case.number,
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


@use_case
def finalize(ctx: Ctx, case_id: int) -> CaseRead:
    """The decision becomes final: after the appeal window, or once the appeal is decided."""
    case = transition.begin(ctx, case_id, Action.FINALIZE)
    if case.service_completed_at is None:
        raise GuardrailViolation(
            N_(
                "case %(number)s: the decision notice has not been served. It is served when "
                "the staff member signs for it or when a refusal to sign is recorded with a "
                "witness (留置送达); the appeal window counts from then"
            ),
            number=case.number,
        )
    notified = case.status == CaseStatus.NOTIFIED.value
    values = _count_window(ctx, case, for_appeal=False) if notified else {}
    transition.check_date(ctx, case, Action.FINALIZE, "appeal_deadline")
    transition.step(ctx, case, Action.FINALIZE, **values)
    return transition.finish(ctx, case)


def appeal_with_files(
    ctx: Ctx, case_id: int, grounds: str, uploads: Sequence[Upload] = ()
) -> CaseRead:
    """The appeal with the photos or documents the staff member hands in with it."""
    return attachments.with_files(
        ctx, case_id, AttachedTo.APPEAL, uploads, lambda: appeal(ctx, case_id, grounds)
    )
