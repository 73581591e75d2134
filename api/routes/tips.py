"""/api/tips: declaring tips, handing them over to the cashier, receipts."""

from fastapi import APIRouter

from api.deps import CtxDep, IdPath, require
from api.judged import Judgment, judge
from compliance.flows.judgments import RecordKind
from compliance.permissions import Permission
from compliance.tips import service
from compliance.tips.schemas import HandOver, TipDeclare, TipRead, TipReceipt

router = APIRouter(prefix="/api/tips", tags=["tips"])


class TipSaved(TipRead):
    """The tip line as saved, and what R12 concluded."""

    judgment: Judgment


@router.post("", status_code=201, dependencies=[require(Permission.DECLARE_TIP)])
def declare(body: TipDeclare, ctx: CtxDep) -> TipSaved:
    """Declare a tip received from a resident (staff declare only their own); judged at once."""
    saved = service.declare_tip(ctx, body)
    return TipSaved(**saved.model_dump(), judgment=judge(ctx, RecordKind.TIP, saved.id))


@router.post("/{tip_id}/handover", dependencies=[require(Permission.KEEP_TIP_DESK)])
def hand_over(tip_id: IdPath, body: HandOver, ctx: CtxDep) -> TipSaved:
    """Receive a declared tip with a countersignature; returns the gap-free receipt number
    and what R12 concluded."""
    saved = service.hand_over(
        ctx, tip_id, body.countersigned_by, body.handed_over_at, body.feedback_id
    )
    return TipSaved(**saved.model_dump(), judgment=judge(ctx, RecordKind.TIP, saved.id))


@router.get(
    "/{tip_id}/receipt",
    dependencies=[require(Permission.VIEW_TIP_DESK)],
)
def receipt(tip_id: IdPath, ctx: CtxDep) -> TipReceipt:
    """What the printed receipt shows."""
    return service.get_receipt(ctx, tip_id)
