"""/api/feedback: record resident feedback."""

from fastapi import APIRouter

from api.deps import CtxDep, require
from api.judged import Judgment, judge
from compliance.feedback import service
from compliance.feedback.schemas import FeedbackCreate, FeedbackRead
from compliance.flows.judgments import RecordKind
from compliance.permissions import Permission

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


class FeedbackSaved(FeedbackRead):
    """The feedback as saved, and what the rules it feeds concluded."""

    judgment: Judgment


@router.post("", status_code=201, dependencies=[require(Permission.RECORD_FEEDBACK)])
def record(body: FeedbackCreate, ctx: CtxDep) -> FeedbackSaved:
    """Record one piece of resident feedback and judge it at once."""
    saved = service.record_feedback(ctx, body)
    judgment = judge(ctx, RecordKind.FEEDBACK, saved.id)
    return FeedbackSaved(**saved.model_dump(), judgment=judgment)
