"""/api/feedback: record resident feedback."""

from fastapi import APIRouter

from api.deps import CtxDep, require_role
from compliance.feedback import service
from compliance.feedback.schemas import FeedbackCreate, FeedbackRead
from compliance.users.models import Role

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


@router.post("", status_code=201, dependencies=[require_role(Role.MANAGER, Role.HR)])
def record(body: FeedbackCreate, ctx: CtxDep) -> FeedbackRead:
    """Record one piece of resident feedback."""
    return service.record_feedback(ctx, body)
