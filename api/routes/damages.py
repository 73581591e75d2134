"""/api/damages: damage incidents (R11)."""

from fastapi import APIRouter

from api.deps import CtxDep, require
from api.judged import Judgment, judge
from compliance.damages import service
from compliance.damages.schemas import DamageCreate, DamageRead
from compliance.flows.judgments import RecordKind
from compliance.permissions import Permission

router = APIRouter(prefix="/api/damages", tags=["damages"])


class DamageSaved(DamageRead):
    """The damage as saved, and what R11 concluded."""

    judgment: Judgment


@router.post("", status_code=201, dependencies=[require(Permission.RECORD_DAMAGE)])
def record(body: DamageCreate, ctx: CtxDep) -> DamageSaved:
    """Record that a staff member damaged a resident's property, and judge it at once."""
    saved = service.record_damage(ctx, body)
    judgment = judge(ctx, RecordKind.DAMAGE, saved.id)
    return DamageSaved(**saved.model_dump(), judgment=judgment)
