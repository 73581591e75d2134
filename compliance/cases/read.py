"""Read models: one case in full, and the case list, filtered by who is asking."""

from dataclasses import dataclass, replace
from typing import Any, cast

from pydantic import TypeAdapter

from compliance.actors import Role
from compliance.cases import attachments, review, sod, transition
from compliance.cases import repository as repo
from compliance.cases.guardrails import dismissal_gates, wrongful_dismissal_cost
from compliance.cases.lifecycle import (
    NOTICE_STATES,
    Action,
    Capacity,
    allowed_actions,
    capacities,
    may,
)
from compliance.cases.models import Case, CaseStatus
from compliance.cases.schemas import (
    AnnotationRead,
    AppealRead,
    ApprovalRead,
    CaseDetail,
    CaseRead,
    CaseRow,
    GateRead,
    NoticeRead,
    ProposalRead,
    ReturnedRead,
    StatementRead,
    StepRead,
    UnionNoticeRead,
)
from compliance.context import Ctx
from compliance.findings.schemas import FindingRead
from compliance.permissions import Permission

# The approver's decision on a proposal: yes, no, or back for amendment.
DECIDING = frozenset({Action.APPROVE, Action.REJECT_PROPOSAL, Action.SEND_BACK})
# The case list comes in pages: an office has thousands of cases.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# A decision has been served on the staff member in these states (and once closed).
DECIDED = frozenset(st.value for st in (*NOTICE_STATES, CaseStatus.CLOSED))
# A page of cases, validated in one call rather than per case.
CASE_PAGE = TypeAdapter(list[CaseRead])
# A page of case rows, serialized by the API as it comes from the database.
CASE_ROWS: TypeAdapter[list[CaseRow]] = TypeAdapter(list[CaseRow])


def _blocked(
    ctx: Ctx,
    case: Case,
    latest: ProposalRead | None,
    approvals: list[ApprovalRead],
    union_sent: bool,
    union_replied: bool,
    notice_signed: bool,
    sent_back: bool = False,
) -> set[Action]:
    """Actions the table allows but the case's data rules out for this actor now."""
    me = ctx.actor.user_id
    out: set[Action] = set()
    if notice_signed:
        out |= {Action.ACKNOWLEDGE, Action.RECORD_ACK_REFUSAL}
    if latest is None or not latest.is_dismissal or union_sent:
        out.add(Action.RECORD_UNION_NOTICE)
    if not union_sent or union_replied:
        out.add(Action.RECORD_UNION_REPLY)
    if any(a.approver_id == me for a in approvals):
        out.add(Action.DECIDE_APPEAL)
    if case.status == CaseStatus.DECISION_PROPOSED.value and latest is not None:
        active = [a for a in approvals if a.proposal_id == latest.id and a.lapsed_at is None]
        mine = Capacity.HR if ctx.actor.role == Role.HR else Capacity.DIRECTOR
        if any(a.approver_id == me or a.capacity == mine.value for a in active):
            out |= DECIDING
        elif may(ctx.actor, case.staff_id, Action.APPROVE):
            findings = repo.findings_of(ctx.session, case.id or 0)
            if me in sod.recorders(ctx.session, findings):
                out |= DECIDING
        if sent_back:  # HR amends first; nobody decides the revision sent back
            out |= DECIDING
        if latest.created_by == me:  # nobody decides on their own proposal: they amend it
            out |= DECIDING
    return out


def _deliberating(ctx: Ctx, case: Case) -> bool:
    """Whether the actor is the staff member while the decision is still being made.

    Proposals, approvals and the union's involvement are the office's deliberation until a
    decision is served: the staff member sees the outcome in the notice, not a draft that may
    still be amended or refused.
    """
    served = case.status in DECIDED
    return not served and Capacity.SUBJECT in capacities(ctx.actor, case.staff_id)


def _without_deliberation(rec: repo.CaseRecords) -> repo.CaseRecords:
    return replace(rec, proposals=[], approvals=[], union_notice=None)


# The steps whose notes a staff member may read about their own case: what was asked of
# them, what they said and signed, and what was decided and served on them. Every other
# step's note (a proposal's or an amendment's reasons, an approval, the union's
# correspondence, a dismissal's reasons) is the office's own deliberation.
_STAFF_STEP_NOTES = frozenset(
    a.value
    for a in (
        Action.REQUEST_STATEMENT,
        Action.SUBMIT_STATEMENT,
        Action.RECORD_REFUSAL,
        Action.RECORD_SILENCE,
        Action.SERVE_NOTICE,
        Action.ACKNOWLEDGE,
        Action.RECORD_ACK_REFUSAL,
        Action.APPEAL,
        Action.DECIDE_APPEAL,
        Action.FINALIZE,
        Action.CLOSE,
    )
)


def is_staff_reader(ctx: Ctx) -> bool:
    """Whether the reader is a staff member (who sees only their own cases, without the
    office's internal notes)."""
    return ctx.actor.role == Role.STAFF


def for_staff(detail: CaseDetail) -> CaseDetail:
    """A case as its staff member may read it: without HR's annotations, the approvers'
    justifications, the proposal's reasoning and amendment reasons, the severity's
    reasons, the union correspondence, or the notes of the office's internal steps (as the
    self-service page never showed them). The outcomes decided and the
    notices served stay: they are what was decided about them."""
    case = detail.case.model_copy(update={"severity_reason": ""})
    if detail.case.status not in DECIDED:
        case.severity = None
    return detail.model_copy(
        update={
            "case": case,
            # A rule's suggested severity is the reviewer's starting point, not a decision.
            "findings": [
                f.model_copy(update={"suggested_severity": None}) for f in detail.findings
            ],
            "proposals": [
                p.model_copy(update={"reasoning": {}, "amend_reason": ""}) for p in detail.proposals
            ],
            # Who approved, in which capacity and when stays (once served); not why.
            "approvals": [a.model_copy(update={"justification": ""}) for a in detail.approvals],
            "annotations": [],
            # The letters between the office and the trade union are not addressed to them.
            "union_notice": None,
            "steps": [
                s if s.action in _STAFF_STEP_NOTES else s.model_copy(update={"note": ""})
                for s in detail.steps
            ],
            "dismissal_gates": None,
            "wrongful_dismissal_cost": None,
            "returned": None,
            "union_objection": None,
        }
    )


def row_for_staff(row: CaseRow) -> CaseRow:
    """A listed case as its staff member may read it (see `for_staff`)."""
    out: dict[str, Any] = {**row, "severity_reason": ""}
    if out["status"] not in DECIDED:
        out["severity"] = None
    return cast(CaseRow, out)


def get_case(ctx: Ctx, case_id: int) -> CaseDetail:
    """Everything about one case; staff see only their own (others: NotFound)."""
    ctx.require(Permission.READ_CASES)
    case = repo.read_visible(ctx.session, ctx.actor, case_id)
    s = ctx.session
    rec = repo.records(s, case.id or 0)
    if _deliberating(ctx, case):
        rec = _without_deliberation(rec)
    proposals = [ProposalRead.model_validate(p) for p in rec.proposals]
    latest = proposals[-1] if proposals else None
    approvals = [ApprovalRead.model_validate(a) for a in rec.approvals]
    notices = [NoticeRead.model_validate(n) for n in rec.notices]
    union = UnionNoticeRead.model_validate(rec.union_notice) if rec.union_notice else None
    steps = [StepRead.model_validate(st) for st in rec.steps]
    back = review.returned(steps)
    blocked = _blocked(
        ctx,
        case,
        latest,
        approvals,
        union_sent=union is not None,
        union_replied=union is not None and union.reply_at is not None,
        # Served (signed, or refused before a witness); a refusal recorded before witnesses
        # were required did not serve the notice and can be recorded again.
        notice_signed=case.service_completed_at is not None,
        sent_back=back is not None,
    )
    detail = CaseDetail(
        case=CaseRead.model_validate(case),
        findings=[FindingRead.model_validate(f) for f in rec.findings],
        statement=StatementRead.model_validate(rec.statement) if rec.statement else None,
        proposals=proposals,
        approvals=approvals,
        notices=notices,
        union_notice=union,
        appeal=AppealRead.model_validate(rec.appeal) if rec.appeal else None,
        steps=steps,
        annotations=[AnnotationRead.model_validate(a) for a in rec.annotations],
        allowed_actions=allowed_actions(
            case, ctx.actor, today=transition.today(ctx), blocked=blocked
        ),
        returned=ReturnedRead.model_validate(back, from_attributes=True) if back else None,
        union_objection=review.union_objection(steps) if union else None,
        attachments=attachments.of_case(s, case.id or 0),
    )
    # Approvers see what a dismissal must pass and what getting it wrong would cost.
    if latest is not None and latest.is_dismissal and may(ctx.actor, case.staff_id, Action.APPROVE):
        gates = dismissal_gates(s, ctx.settings, case)
        detail.dismissal_gates = [GateRead.model_validate(g) for g in gates]
        detail.wrongful_dismissal_cost = wrongful_dismissal_cost(
            s, ctx.settings, case, transition.today(ctx)
        )
    return for_staff(detail) if is_staff_reader(ctx) else detail


def case_rows(
    ctx: Ctx,
    status: str | None = None,
    staff_id: int | None = None,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[CaseRow]:
    """One page of cases, newest first, as rows: staff see their own, everyone else the
    office's. The columns are typed by the database layer, so no model is built per case."""
    ctx.require(Permission.READ_CASES)
    rows = cast(
        list[CaseRow],
        repo.list_cases(
            ctx.session, ctx.actor, status=status, staff_id=staff_id, limit=limit, offset=offset
        ),
    )
    return [row_for_staff(r) for r in rows] if is_staff_reader(ctx) else rows


@dataclass(frozen=True)
class ListStamp:
    """Whose view of the case list this is, and how many times the office's cases have
    changed: one page read twice under equal stamps is the same page."""

    office_id: int
    own_staff_id: int | None  # staff see only their own cases (-1: none); None: the office's
    version: int


def list_stamp(ctx: Ctx) -> ListStamp:
    """The caller's stamp on the case list. The count is kept by the database in the same
    transaction as each change (migration 0003), so while it stays, so does
    every page; read it before the page, so a page is never taken for a newer count."""
    ctx.require(Permission.READ_CASES)
    office_id = ctx.actor.office_id
    own = repo.own_cases_of(ctx.actor)  # the same scope as the page's query
    return ListStamp(office_id, own, repo.list_version(ctx.session, office_id))


def list_cases(
    ctx: Ctx,
    status: str | None = None,
    staff_id: int | None = None,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[CaseRead]:
    """One page of cases, newest first: staff see their own, everyone else the office's."""
    return CASE_PAGE.validate_python(case_rows(ctx, status, staff_id, limit=limit, offset=offset))
