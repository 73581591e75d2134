"""The approver's "no": reject a proposal (驳回) or send it back for amendment (退回修改).

Whoever may approve a proposal may instead refuse it, always with a reason:

- rejected: the case goes back to HR in `under_review`; HR proposes anew (the next revision);
- sent back: the case stays `decision_proposed` but waits on HR to amend the proposal; it
  cannot be approved (or refused again) until it is.

Either way every approval given so far lapses. The reason is the step's note, so the case page,
HR's to-do list and the printed dossier read it from the case's steps.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func
from sqlmodel import Session, col, select

from compliance.cases import repository as repo
from compliance.cases import sod, transition
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, CaseStatus, CaseStep, Proposal
from compliance.cases.schemas import CaseRead, ReasonIn
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.i18n import N_
from compliance.usecase import use_case
from compliance.validation import parse

# The steps that hand the decision to the approvers, or back to HR.
RETURNING = frozenset({Action.REJECT_PROPOSAL.value, Action.SEND_BACK.value})
_DECIDING = frozenset({Action.PROPOSE.value, Action.AMEND.value, *RETURNING})
# The notes written on these steps (msgids; compliance.cases.labels reads them back).
REJECTED_NOTE = N_("revision %(revision)s rejected: %(reason)s")
SENT_BACK_NOTE = N_(
    "revision %(revision)s sent back for amendment (%(lapsed)s approval(s) lapsed): %(reason)s"
)
# The union's reply recorded as an objection (the reply as typed follows).
OBJECTION_PREFIX = "the union objects: "
OBJECTION_NOTE = N_("the union objects: %(reply)s")


class StepLike(Protocol):
    """A case step as stored or as read (CaseStep, StepRead)."""

    action: str
    note: str
    at: datetime
    actor_id: int | None


@dataclass(frozen=True)
class Returned:
    """A proposal the approvers refused: how, why, when and by whom."""

    action: str  # reject_proposal | send_back
    reason: str
    at: datetime
    by: int | None


def reason_of(note: str) -> str:
    """The approver's reason in a reject / send-back note (the words after the first ': ')."""
    return note.split(": ", 1)[1] if ": " in note else note


def returned(steps: Sequence[StepLike]) -> Returned | None:
    """The refusal HR still has to act on: the latest of propose / amend / reject / send back,
    when it is a refusal."""
    last = next((s for s in reversed(steps) if s.action in _DECIDING), None)
    if last is None or last.action not in RETURNING:
        return None
    return Returned(last.action, reason_of(last.note), last.at, last.actor_id)


def _latest_decisive_steps(office_id: int) -> Any:
    """Per case of the office awaiting a proposal or a decision: its latest propose / amend /
    reject / send-back step (a subquery of case_id, step_id)."""
    return (
        select(CaseStep.case_id, func.max(CaseStep.id).label("step_id"))
        .join(Case, col(Case.id) == col(CaseStep.case_id))
        .where(
            col(Case.office_id) == office_id,
            col(Case.status).in_([CaseStatus.UNDER_REVIEW, CaseStatus.DECISION_PROPOSED]),
            col(CaseStep.action).in_(sorted(_DECIDING)),
        )
        .group_by(col(CaseStep.case_id))
        .subquery()
    )


def returned_cases(session: Session, office_id: int) -> dict[int, Returned]:
    """Every case of the office waiting on HR after a refusal: case id → the refusal."""
    latest = _latest_decisive_steps(office_id)
    rows = session.exec(
        select(CaseStep)
        .join(latest, col(CaseStep.id) == latest.c.step_id)
        .where(col(CaseStep.action).in_(sorted(RETURNING)))
        .order_by(col(CaseStep.id))
    )
    return {s.case_id: Returned(s.action, reason_of(s.note), s.at, s.actor_id) for s in rows}


def sent_back_case_ids(office_id: int) -> Any:
    """The ids of the office's proposals sent back to HR to amend, as a subquery (for counts
    that must leave them out or count them, in the same query)."""
    latest = _latest_decisive_steps(office_id)
    return (
        select(CaseStep.case_id)
        .join(latest, col(CaseStep.id) == latest.c.step_id)
        .where(col(CaseStep.action) == Action.SEND_BACK.value)
    )


def union_objection(steps: Iterable[StepLike]) -> str | None:
    """The union's objection as recorded (None: no reply, or a reply that does not object)."""
    replies = [s for s in steps if s.action == Action.RECORD_UNION_REPLY.value]
    if not replies or not replies[-1].note.startswith(OBJECTION_PREFIX):
        return None
    return replies[-1].note.removeprefix(OBJECTION_PREFIX)


def current(ctx: Ctx, case: Case) -> Proposal:
    """The case's current proposal revision (ValidationFailed if it has none)."""
    proposal = repo.latest_proposal(ctx.session, case.id or 0)
    if proposal is None:
        raise ValidationFailed.one("proposal", f"case {case.number} has no proposal yet")
    return proposal


def check_not_sent_back(session: Session, case: Case, revision: int) -> None:
    """Conflict while the current revision waits on HR's amendment."""
    if returned(repo.steps(session, case.id or 0)) is not None:
        raise Conflict(
            N_(
                "revision %(revision)s was sent back to HR for amendment: it can be decided "
                "again once HR has amended it"
            ),
            revision=revision,
        )


def _check_decider(ctx: Ctx, case: Case, action: Action) -> int:
    """The checks an approver's "no" shares with an approval; returns the revision refused."""
    sod.check_separation(ctx, case)
    proposal = current(ctx, case)
    if proposal.created_by == ctx.actor.user_id:
        raise Forbidden(
            N_(
                "you made revision %(revision)s yourself: amend it or dismiss the case instead; "
                "refusing a proposal is for its approvers"
            ),
            revision=proposal.revision,
        )
    check_not_sent_back(ctx.session, case, proposal.revision)
    return proposal.revision


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed.one("reason", N_("give the reason: HR reads it on the case page"))
    return parse(ReasonIn, {"reason": text}).reason


@use_case
def reject_proposal(ctx: Ctx, case_id: int, reason: str) -> CaseRead:
    """Reject the current proposal (HR or the director): the case goes back to HR under
    review, with the reason; HR must propose anew. Approvals given lapse."""
    case = transition.begin(ctx, case_id, Action.REJECT_PROPOSAL)
    text = _reason(reason)
    revision = _check_decider(ctx, case, Action.REJECT_PROPOSAL)
    before, _ = transition.move(ctx, case, Action.REJECT_PROPOSAL)
    lapsed = repo.lapse_approvals(ctx.session, case.id or 0, ctx.now())
    note = REJECTED_NOTE % {"revision": revision, "reason": text}
    payload = {"revision": revision, "reason": text, "lapsed": lapsed}
    transition.record(ctx, case, Action.REJECT_PROPOSAL, before, note, payload)
    return transition.finish(ctx, case)


@use_case
def send_back(ctx: Ctx, case_id: int, reason: str) -> CaseRead:
    """Send the current proposal back to HR to amend (HR or the director), with the reason;
    approvals given so far lapse, and nobody decides it again until HR has amended it."""
    case = transition.begin(ctx, case_id, Action.SEND_BACK)
    text = _reason(reason)
    revision = _check_decider(ctx, case, Action.SEND_BACK)
    before, _ = transition.move(ctx, case, Action.SEND_BACK)
    lapsed = repo.lapse_approvals(ctx.session, case.id or 0, ctx.now())
    note = SENT_BACK_NOTE % {"revision": revision, "lapsed": lapsed, "reason": text}
    payload = {"revision": revision, "reason": text, "lapsed": lapsed}
    transition.record(ctx, case, Action.SEND_BACK, before, note, payload)
    return transition.finish(ctx, case)
