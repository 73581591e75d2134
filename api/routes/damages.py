"""/api/damages: damage incidents (R11)."""

from fastapi import APIRouter

from api.deps import CtxDep, require_role
from compliance.damages import service
from compliance.damages.schemas import DamageCreate, DamageRead
from compliance.users.models import Role

router = APIRouter(prefix="/api/damages", tags=["damages"])


@router.post("", status_code=201, dependencies=[require_role(Role.MANAGER)])
def record(body: DamageCreate, ctx: CtxDep) -> DamageRead:
    """Record that a staff member damaged a resident's property."""
    return service.record_damage(ctx, body)
