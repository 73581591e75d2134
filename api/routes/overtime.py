"""/api/overtime: residents' overtime requests and the director's decision (R09)."""

from fastapi import APIRouter

from api.deps import DIRECTOR, CtxDep, IdPath, require_role
from compliance.actors import Role
from compliance.overtime import service
from compliance.overtime.schemas import OvertimeCreate, OvertimeDecide, OvertimeRead

router = APIRouter(prefix="/api/overtime", tags=["overtime"])


@router.post("", status_code=201, dependencies=[require_role(Role.MANAGER, Role.STAFF)])
def request(body: OvertimeCreate, ctx: CtxDep) -> OvertimeRead:
    """Record a resident's request for overtime (a manager, or the staff member themself)."""
    return service.request_overtime(ctx, body)


@router.post("/{request_id}/decision", dependencies=DIRECTOR)
def decide(request_id: IdPath, body: OvertimeDecide, ctx: CtxDep) -> OvertimeRead:
    """Approve or refuse a pending request (the office director only)."""
    return service.decide_overtime(ctx, request_id, body)
