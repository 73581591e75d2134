"""/api/cases: the case list, one case, and every life-cycle step."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from api.case_list_cache import kept_page
from api.deps import CtxDep, IdPath, IdQuery, require, require_case_step
from api.responses import JSONBytes
from compliance.cases import annotations
from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import read as case_read
from compliance.cases import review as case_review
from compliance.cases import statement as case_statement
from compliance.cases.models import CaseStatus
from compliance.cases.read import CASE_ROWS, MAX_PAGE_SIZE, PAGE_SIZE
from compliance.cases.schemas import (
    AmendIn,
    AnnotationIn,
    AnnotationRead,
    AppealDecisionIn,
    AppealIn,
    ApproveIn,
    CaseDetail,
    CaseRead,
    NoteIn,
    NoticeIn,
    ProposeIn,
    ReasonIn,
    ServiceRefusalIn,
    StatementIn,
    StatementRequest,
    UnionNoticeIn,
    UnionReplyIn,
)
from compliance.flows import execute, open_case
from compliance.flows import propose as case_propose
from compliance.permissions import Permission
from compliance.validation import RecordId

step = require_case_step
router = APIRouter(prefix="/api/cases", tags=["cases"])
MAX_OFFSET = 1_000_000  # far past any office's cases; keeps the number a database integer
READERS = require(Permission.READ_CASES)


class EvidenceAdd(BaseModel):
    """A confirmed finding of the same staff member to add to the case."""

    model_config = ConfigDict(extra="forbid")

    finding_id: RecordId


# Plain functions, so they run on a worker thread: no database call on the event loop (a
# loop waiting on the pool cannot run the requests that would give a connection back).
@router.get(
    "",
    dependencies=[READERS],
    response_model=list[CaseRead],
    responses={304: {"description": "The page has not changed since the ETag sent"}},
)
def list_cases(
    request: Request,
    ctx: CtxDep,
    status: CaseStatus | None = None,
    staff_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """One page of cases, newest first: staff see their own, everyone else the office's.

    Pages hold `limit` cases (50 unless given); a page shorter than that is the last. The
    ETag changes whenever any of the office's cases does: send it back in If-None-Match to
    get 304 Not Modified instead of the same page again.
    """
    stamp = case_read.list_stamp(ctx)  # first: a page is never kept under a newer count

    def read() -> bytes:
        by_status = status.value if status else None
        rows = case_read.case_rows(ctx, by_status, staff_id, limit=limit, offset=offset)
        return CASE_ROWS.dump_json(rows)

    return kept_page(request, stamp, (status, staff_id, limit, offset), read)


@router.get("/{case_id}", dependencies=[READERS], response_model=CaseDetail)
def get_case(case_id: IdPath, ctx: CtxDep) -> Response:
    """One case in full, with the actions the caller may take now."""
    return JSONBytes(case_read.get_case(ctx, case_id).model_dump_json())


@router.post("/{case_id}/add_evidence", dependencies=[step("add_evidence")])
def add_evidence(case_id: IdPath, body: EvidenceAdd, ctx: CtxDep) -> CaseRead:
    """Add a confirmed finding; an approval already given lapses."""
    return open_case.add_evidence(ctx, case_id, body.finding_id)


@router.post("/{case_id}/request_statement", dependencies=[step("request_statement")])
def request_statement(
    case_id: IdPath, ctx: CtxDep, body: Annotated[StatementRequest | None, Body()] = None
) -> CaseRead:
    """Ask for the staff member's statement (due in 3 working days unless given)."""
    return case_statement.request_statement(ctx, case_id, body.due if body else None)


@router.post("/{case_id}/submit_statement", dependencies=[step("submit_statement")])
def submit_statement(case_id: IdPath, body: StatementIn, ctx: CtxDep) -> CaseRead:
    """The staff member's statement (by them, or taken down by HR)."""
    return case_statement.submit_statement(ctx, case_id, body.text)


@router.post("/{case_id}/record_refusal", dependencies=[step("record_refusal")])
def record_refusal(
    case_id: IdPath, ctx: CtxDep, body: Annotated[NoteIn | None, Body()] = None
) -> CaseRead:
    """The staff member refused to make a statement."""
    return case_statement.record_refusal(ctx, case_id, body.note if body else "")


@router.post("/{case_id}/record_silence", dependencies=[step("record_silence")])
def record_silence(case_id: IdPath, ctx: CtxDep) -> CaseRead:
    """No statement came by the deadline."""
    return case_statement.record_silence(ctx, case_id)


@router.post("/{case_id}/propose", dependencies=[step("propose")])
def propose(case_id: IdPath, body: ProposeIn, ctx: CtxDep) -> CaseRead:
    """Set the severity with its reason; the rule's schedule proposes the outcome."""
    return case_propose.propose(ctx, case_id, body.severity, body.severity_reason)


@router.post("/{case_id}/amend", dependencies=[step("amend")])
def amend(case_id: IdPath, body: AmendIn, ctx: CtxDep) -> CaseRead:
    """A new revision with other outcomes; approvals given lapse."""
    return case_decision.amend(ctx, case_id, list(body.outcomes), body.reason)


@router.post("/{case_id}/record_union_notice", dependencies=[step("record_union_notice")])
def record_union_notice(case_id: IdPath, body: UnionNoticeIn, ctx: CtxDep) -> CaseRead:
    """The trade union was told the reasons for the dismissal."""
    return case_decision.record_union_notice(ctx, case_id, body.reasons)


@router.post("/{case_id}/record_union_reply", dependencies=[step("record_union_reply")])
def record_union_reply(case_id: IdPath, body: UnionReplyIn, ctx: CtxDep) -> CaseRead:
    """The trade union's reply; `objection: true` when the union objects to the dismissal."""
    return case_decision.record_union_reply(ctx, case_id, body.reply, body.objection)


@router.post("/{case_id}/approve", dependencies=[step("approve")])
def approve(
    case_id: IdPath, ctx: CtxDep, body: Annotated[ApproveIn | None, Body()] = None
) -> CaseRead:
    """Approve the current proposal (HR or the office director). A dismissal the trade union
    objected to needs `union_answer`: the written answer to the union's objection."""
    b = body or ApproveIn.model_construct(justification="", union_answer="")
    return case_decision.approve(ctx, case_id, b.justification, b.union_answer)


@router.post("/{case_id}/reject_proposal", dependencies=[step("reject_proposal")])
def reject_proposal(case_id: IdPath, body: ReasonIn, ctx: CtxDep) -> CaseRead:
    """Reject the current proposal (驳回), with the reason: the case goes back to HR under
    review, and HR proposes anew. Approvals given lapse."""
    return case_review.reject_proposal(ctx, case_id, body.reason)


@router.post("/{case_id}/send_back", dependencies=[step("send_back")])
def send_back(case_id: IdPath, body: ReasonIn, ctx: CtxDep) -> CaseRead:
    """Send the current proposal back to HR to amend (退回修改), with the reason; approvals
    given lapse, and it is decided again only once amended."""
    return case_review.send_back(ctx, case_id, body.reason)


@router.post("/{case_id}/dismiss", dependencies=[step("dismiss")])
def dismiss(case_id: IdPath, body: ReasonIn, ctx: CtxDep) -> CaseRead:
    """Close the case as no breach, with the reason."""
    return case_decision.dismiss(ctx, case_id, body.reason)


@router.post("/{case_id}/serve_notice", dependencies=[step("serve_notice")])
def serve_notice(case_id: IdPath, body: NoticeIn, ctx: CtxDep) -> CaseRead:
    """Serve the written decision notice; the appeal window opens."""
    return case_notice.serve_notice(ctx, case_id, body.content)


@router.post("/{case_id}/acknowledge", dependencies=[step("acknowledge")])
def acknowledge(case_id: IdPath, ctx: CtxDep) -> CaseRead:
    """The staff member signs for the decision notice."""
    return case_notice.acknowledge(ctx, case_id)


@router.post("/{case_id}/record_ack_refusal", dependencies=[step("record_ack_refusal")])
def record_ack_refusal(
    case_id: IdPath, ctx: CtxDep, body: ServiceRefusalIn | None = None
) -> CaseRead:
    """The staff member refused to sign for the notice before a witness (留置送达): the
    notice is served at `at` (default now); without a witness it is refused (422)."""
    b = body or ServiceRefusalIn.model_construct(witnesses=[], at=None, place="", note="")
    return case_notice.record_ack_refusal(
        ctx, case_id, b.witnesses, at=b.at, place=b.place, note=b.note
    )


@router.post("/{case_id}/appeal", dependencies=[step("appeal")])
def appeal(case_id: IdPath, body: AppealIn, ctx: CtxDep) -> CaseRead:
    """The staff member appeals while the window is open."""
    return case_appeal.appeal(ctx, case_id, body.grounds)


@router.post("/{case_id}/decide_appeal", dependencies=[step("decide_appeal")])
def decide_appeal(case_id: IdPath, body: AppealDecisionIn, ctx: CtxDep) -> CaseRead:
    """Decide the appeal (someone who did not approve the decision)."""
    return case_appeal.decide_appeal(ctx, case_id, body.outcome, body.reasoning)


@router.post("/{case_id}/finalize", dependencies=[step("finalize")])
def finalize(case_id: IdPath, ctx: CtxDep) -> CaseRead:
    """The decision becomes final."""
    return case_appeal.finalize(ctx, case_id)


@router.post("/{case_id}/mark_executed", dependencies=[step("mark_executed")])
def mark_executed(case_id: IdPath, ctx: CtxDep) -> CaseRead:
    """Apply the outcome (deductions scheduled, dismissal takes effect)."""
    return execute.mark_executed(ctx, case_id)


@router.post("/{case_id}/close", dependencies=[step("close")])
def close(case_id: IdPath, ctx: CtxDep, acknowledge_unrecoverable: bool = False) -> CaseRead:
    """Close an executed case; `acknowledge_unrecoverable=true` is required when pay cannot
    take its money (zero cap, a plan over 12 months, a balance after leaving)."""
    return execute.close(ctx, case_id, acknowledge_unrecoverable=acknowledge_unrecoverable)


@router.post("/{case_id}/annotate", dependencies=[step("annotate")])
def annotate(case_id: IdPath, body: AnnotationIn, ctx: CtxDep) -> AnnotationRead:
    """Add a note to the case (any state, closed included)."""
    return annotations.annotate(ctx, case_id, body.text)
