"""The decision: amend the proposal, approve it, tell the trade union, or dismiss the case.

Proposing from the sanction engine needs pay's figures: compliance.flows.propose."""

import hashlib
import json
from typing import Any

from compliance.cases import repository as repo
from compliance.cases import sod, transition
from compliance.cases.guardrails import dismissal_gates, gate_texts
from compliance.cases.lifecycle import Action, Capacity, capacities
from compliance.cases.models import Approval, Case, CaseStatus, Proposal, UnionNotice
from compliance.cases.review import OBJECTION_NOTE, check_not_sent_back, current, union_objection
from compliance.cases.schemas import (
    AmendIn,
    ApproveIn,
    CaseRead,
    OutcomeIn,
    ReasonIn,
    UnionNoticeIn,
    UnionReplyIn,
)
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, GuardrailViolation, ValidationFailed
from compliance.i18n import N_, words
from compliance.names import coded
from compliance.usecase import use_case
from compliance.validation import parse
from policies.canonical import canonical_json
from policies.guardrails import GuardrailProfile, blocking_failures, get_profile
from policies.sanction import OutcomeKind, Severity

# Outcomes that end the employment: two approvals (HR and director) and the trade union.
ENDS_EMPLOYMENT = frozenset({OutcomeKind.DISMISSAL, OutcomeKind.TERMINATION_WITH_NOTICE})
# Outcomes that need an amount of money to be carried out.
NEEDS_AMOUNT = frozenset(
    {OutcomeKind.COMPENSATION, OutcomeKind.RESTITUTION, OutcomeKind.WAGE_DEDUCTION}
)
UNION_GATES = frozenset({"union_notified", "union_reply"})
# Separation of duties: the proposer of a revision (the one who made it: proposed or amended
# it) never approves that revision. What the refusal and the case page tell the proposer.
OWN_PROPOSAL = N_(
    "you made revision %(revision)s yourself, and whoever proposes an outcome never approves "
    "it: another HR reviewer or the office director approves it"
)
OWN_DISMISSAL = N_(
    "you made revision %(revision)s yourself, and whoever proposes an outcome never approves "
    "it: a dismissal needs two approvals, one as HR and one as the office director, neither "
    "by you; an office with a single HR reviewer asks a second HR reviewer (e.g. the "
    "company's HR) for the HR approval"
)
UNANSWERED = N_(
    "the trade union objected to this dismissal: answer its objection in writing before "
    "approving (Labour Contract Law art. 43)"
)


def own_proposal_rule(is_dismissal: bool) -> str:
    """The rule the proposer of a revision is told (a msgid taking `revision`)."""
    return OWN_DISMISSAL if is_dismissal else OWN_PROPOSAL


def proposal_fields(outcomes: list[dict[str, Any]], reasoning: dict[str, Any]) -> dict[str, Any]:
    """A proposal row's stored content: canonical JSON, digest and the flags derived from it."""
    kinds = {OutcomeKind(o["kind"]) for o in outcomes}
    outcomes_json, reasoning_json = canonical_json(outcomes), canonical_json(reasoning)
    # = digest({"outcomes": outcomes, "reasoning": reasoning}) without serialising it twice:
    # canonical JSON of a dict is its sorted members' canonical JSON, joined.
    whole = f'{{"outcomes":{outcomes_json},"reasoning":{reasoning_json}}}'
    return {
        "outcomes": outcomes_json,
        "reasoning": reasoning_json,
        "digest": hashlib.sha256(whole.encode("utf-8")).hexdigest(),
        "legal_risk": any(r.get("requires_justification") for r in reasoning["legal_risks"]),
        "is_dismissal": bool(kinds & ENDS_EMPLOYMENT),
    }


def propose_note(revision: int, kinds: list[str], severity: Severity) -> str:
    """The case step's note for a proposal from the engine."""
    return f"revision {revision}: {', '.join(kinds)} ({severity.value})"


def store_proposal(
    ctx: Ctx,
    case: Case,
    outcomes: list[dict[str, Any]],
    reasoning: dict[str, Any],
    amend_reason: str = "",
) -> Proposal:
    """Store a new revision of the case's proposal (flushed) and return it."""
    latest = repo.latest_proposal(ctx.session, case.id or 0)
    row = Proposal(
        case_id=case.id or 0,
        revision=(latest.revision + 1) if latest else 1,
        **proposal_fields(outcomes, reasoning),
        amend_reason=amend_reason,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _amended(outcomes: list[OutcomeIn], guardrails: GuardrailProfile) -> list[dict[str, Any]]:
    return [
        {
            "kind": o.kind.value,
            "amount_fen": o.amount_fen,
            "legal_risk": any(r.requires_justification for r in guardrails.legal_risks([o.kind])),
            "note_zh": o.note,
            "note_en": o.note,
        }
        for o in outcomes
    ]


def _revision_from(ctx: Ctx, case: Case, outcomes: list[OutcomeIn], reason: str) -> Proposal:
    """Store outcomes set by hand as the next revision, with what they replaced and why."""
    previous = current(ctx, case)
    guardrails = get_profile(ctx.settings.guardrail_profile)
    risks = guardrails.legal_risks(o.kind for o in outcomes)
    issues = [
        {
            "key": f"outcomes.{i}.amount_fen",
            "text_zh": "须填写金额。",
            "text_en": f"{o.kind.value} needs an amount.",
        }
        for i, o in enumerate(outcomes)
        if o.kind in NEEDS_AMOUNT and o.amount_fen is None
    ]
    reasoning = {
        "amended_from": previous.revision,
        "base_digest": previous.digest,
        "reason": reason,
        "outcomes_before": json.loads(previous.outcomes),
        "legal_risks": [json.loads(canonical_json(r)) for r in risks],
        "issues": issues,
        "explanation_zh": [f"第 {previous.revision} 版建议经人工修改:{reason}"],
        "explanation_en": [f"Revision {previous.revision} amended by hand: {reason}"],
    }
    return store_proposal(ctx, case, _amended(outcomes, guardrails), reasoning, amend_reason=reason)


@use_case
def amend(
    ctx: Ctx, case_id: int, outcomes: list[OutcomeIn | dict[str, Any]], reason: str
) -> CaseRead:
    """A new revision with other outcomes and the reason; approvals given lapse (HR)."""
    case = transition.begin(ctx, case_id, Action.AMEND)
    body = parse(AmendIn, {"outcomes": outcomes, "reason": reason})
    current(ctx, case)
    before, _ = transition.move(ctx, case, Action.AMEND)
    lapsed = repo.lapse_approvals(ctx.session, case.id or 0, ctx.now())
    row = _revision_from(ctx, case, body.outcomes, body.reason)
    transition.record(
        ctx,
        case,
        Action.AMEND,
        before,
        f"revision {row.revision}: {body.reason}"
        + (f"; {lapsed} approval(s) lapsed" if lapsed else ""),
        {"revision": row.revision, "outcomes": json.loads(row.outcomes), "lapsed": lapsed},
    )
    return transition.finish(ctx, case)


def amend_on_appeal(
    ctx: Ctx, case: Case, outcomes: list[OutcomeIn | dict[str, Any]], reasoning: str
) -> int:
    """A varied appeal decision's outcomes as a new revision; returns its number (no commit)."""
    reason = f"varied on appeal: {reasoning}"[:2000]
    body = parse(AmendIn, {"outcomes": outcomes, "reason": reason})
    return _revision_from(ctx, case, body.outcomes, body.reason).revision


def _capacity(ctx: Ctx, case: Case) -> Capacity:
    held = capacities(ctx.actor, case.staff_id)
    return Capacity.HR if Capacity.HR in held else Capacity.DIRECTOR


def _check_dismissal(ctx: Ctx, case: Case, completes: bool) -> None:
    # The guardrail profile decides which gates apply, the trade union's among them.
    failed = blocking_failures(dismissal_gates(ctx.session, ctx.settings, case))
    if not completes:  # the union is told once the first approver has agreed
        failed = tuple(g for g in failed if g.key not in UNION_GATES)
    elif any(g.key in UNION_GATES for g in failed):
        union = repo.union_notice_of(ctx.session, case.id or 0)
        if union is None or union.reply_at is None:  # say which record is still missing
            missing = (
                N_("the notice to the trade union") if union is None else N_("the union's reply")
            )
            raise GuardrailViolation(
                N_(
                    "the second approval of a dismissal needs %(missing)s recorded first "
                    "(Labour Contract Law art. 43)"
                ),
                missing=words(missing),
            )
    if failed:
        raise GuardrailViolation(
            N_("the dismissal cannot be approved: %(gates)s"), gates=gate_texts(failed)
        )


def check_complete(proposal: Proposal) -> None:
    """Refuse a revision that still has open issues (e.g. an outcome without its amount)."""
    issues = json.loads(proposal.reasoning).get("issues") or []
    if issues:
        texts = "; ".join(str(i.get("text_en", i.get("key"))) for i in issues)
        raise ValidationFailed.one(
            "proposal", f"revision {proposal.revision} is incomplete: {texts}"
        )


@use_case
def approve(ctx: Ctx, case_id: int, justification: str = "", union_answer: str = "") -> CaseRead:
    """Approve the current proposal (HR or director); a dismissal needs both, distinct.

    A dismissal the trade union objected to needs the union's objection answered in writing
    (`union_answer`), kept with the step and printed in the dossier."""
    case = transition.begin(ctx, case_id, Action.APPROVE)
    body = parse(ApproveIn, {"justification": justification, "union_answer": union_answer})
    sod.check_separation(ctx, case)
    proposal = current(ctx, case)
    if proposal.created_by == ctx.actor.user_id:
        # Separation of duties: whoever drafted an outcome does not sign it off.
        raise Forbidden(own_proposal_rule(proposal.is_dismissal), revision=proposal.revision)
    check_not_sent_back(ctx.session, case, proposal.revision)
    check_complete(proposal)
    answer = body.union_answer.strip()
    if proposal.is_dismissal and not answer:
        if union_objection(repo.steps(ctx.session, case.id or 0)) is not None:
            raise ValidationFailed.one("union_answer", UNANSWERED)
    if proposal.legal_risk and not body.justification:
        raise ValidationFailed.one(
            "justification",
            "the proposal has a legal-risk outcome (disciplinary wage deduction): "
            "record why you approve it",
        )
    capacity = _capacity(ctx, case)
    active = repo.active_approvals(ctx.session, proposal.id or 0)
    if any(a.approver_id == ctx.actor.user_id for a in active):
        raise Conflict(
            N_("you have already approved revision %(revision)s"), revision=proposal.revision
        )
    completes = True
    if proposal.is_dismissal:
        if any(a.capacity == capacity.value for a in active):
            raise Conflict(
                N_(
                    "the %(capacity)s approval is already given; a dismissal needs one HR "
                    "and one director approval"
                ),
                capacity=coded("capacity", capacity.value),
            )
        completes = len(active) + 1 >= 2
        _check_dismissal(ctx, case, completes)
    to = CaseStatus.APPROVED if completes else CaseStatus.DECISION_PROPOSED
    before, _ = transition.move(ctx, case, Action.APPROVE, to)
    ctx.session.add(
        Approval(
            case_id=case.id or 0,
            proposal_id=proposal.id or 0,
            approver_id=ctx.actor.user_id,
            capacity=capacity.value,
            justification=body.justification,
            approved_at=ctx.now(),
        )
    )
    ctx.session.flush()
    note = f"revision {proposal.revision} approved as {capacity.value}"
    if not completes:
        note += "; a second approval is needed"
    if answer:
        note += f"; answer to the union's objection: {answer}"
    transition.record(
        ctx,
        case,
        Action.APPROVE,
        before,
        note,
        {
            "revision": proposal.revision,
            "capacity": capacity.value,
            "justification": body.justification,
            "complete": completes,
            "union_answer": answer,
        },
    )
    return transition.finish(ctx, case)


def _dismissal_proposal(ctx: Ctx, case: Case) -> Proposal:
    proposal = current(ctx, case)
    if not proposal.is_dismissal:
        raise ValidationFailed.one(
            "proposal", "only a proposal that ends the employment goes to the trade union"
        )
    return proposal


@use_case
def record_union_notice(ctx: Ctx, case_id: int, reasons: str) -> CaseRead:
    """Record that the trade union was told the reasons for the dismissal (HR)."""
    case = transition.begin(ctx, case_id, Action.RECORD_UNION_NOTICE)
    body = parse(UnionNoticeIn, {"reasons": reasons})
    _dismissal_proposal(ctx, case)
    existing = repo.union_notice_of(ctx.session, case.id or 0)
    if existing is not None:
        raise Conflict(
            N_("the trade union was already notified on %(day)s"),
            day=f"{existing.notified_at:%Y-%m-%d}",
        )
    before, _ = transition.move(ctx, case, Action.RECORD_UNION_NOTICE)
    ctx.session.add(
        UnionNotice(
            case_id=case.id or 0,
            reasons=body.reasons,
            notified_at=ctx.now(),
            notified_by=ctx.actor.user_id,
        )
    )
    transition.record(ctx, case, Action.RECORD_UNION_NOTICE, before, body.reasons)
    return transition.finish(ctx, case)


@use_case
def record_union_reply(ctx: Ctx, case_id: int, reply: str, objection: bool = False) -> CaseRead:
    """Record the trade union's reply (HR); `objection`: the union objects to the dismissal,
    which then cannot be approved without answering the objection in writing."""
    case = transition.begin(ctx, case_id, Action.RECORD_UNION_REPLY)
    body = parse(UnionReplyIn, {"reply": reply})
    notice = repo.union_notice_of(ctx.session, case.id or 0)
    if notice is None:
        raise ValidationFailed.one("reply", "the trade union has not been notified yet")
    if notice.reply_at is not None:
        raise Conflict(
            N_("the union's reply was already recorded on %(day)s"),
            day=f"{notice.reply_at:%Y-%m-%d}",
        )
    before, _ = transition.move(ctx, case, Action.RECORD_UNION_REPLY)
    notice.reply = body.reply
    notice.reply_at = ctx.now()
    ctx.session.add(notice)
    note = OBJECTION_NOTE % {"reply": body.reply} if objection else body.reply
    transition.record(ctx, case, Action.RECORD_UNION_REPLY, before, note, {"objection": objection})
    return transition.finish(ctx, case)


@use_case
def dismiss(ctx: Ctx, case_id: int, reason: str) -> CaseRead:
    """Close the case as no breach, with the reason (HR; any state before approval)."""
    case = transition.begin(ctx, case_id, Action.DISMISS)
    body = parse(ReasonIn, {"reason": reason})
    transition.step(ctx, case, Action.DISMISS, note=body.reason, closed_at=ctx.now())
    return transition.finish(ctx, case)
