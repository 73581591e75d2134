"""/api/overtime: residents' overtime requests and the director's decision (R09)."""

from fastapi import APIRouter

from api.deps import CtxDep, IdPath, require
from compliance.overtime import service
from compliance.overtime.schemas import OvertimeCreate, OvertimeDecide, OvertimeRead
from compliance.permissions import Permission

router = APIRouter(prefix="/api/overtime", tags=["overtime"])


@router.post("", status_code=201, dependencies=[require(Permission.REQUEST_OVERTIME)])
def request(body: OvertimeCreate, ctx: CtxDep) -> OvertimeRead:
    """Record a resident's request for overtime (a manager, or the staff member themself)."""
    return service.request_overtime(ctx, body)


@router.post("/{request_id}/decision", dependencies=[require(Permission.DECIDE_OVERTIME)])
def decide(request_id: IdPath, body: OvertimeDecide, ctx: CtxDep) -> OvertimeRead:
    """Approve or refuse a pending request (the office director only)."""
    return service.decide_overtime(ctx, request_id, body)
