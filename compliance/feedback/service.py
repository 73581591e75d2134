"""Use cases for resident feedback: record it, and say where it leads.

Every category leads somewhere (policies.conduct.feedback.RULES_FED): to the rules that judge
it, or for "damage" to a damage incident opened for valuation (R11) in the same transaction;
a category that feeds no rule is kept on file only, and the result says so.
"""

from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import col

from compliance.clock import local_date
from compliance.context import Ctx
from compliance.damages import service as damages
from compliance.damages.models import DamageIncident
from compliance.errors import Conflict, ValidationFailed
from compliance.feedback.models import Feedback
from compliance.feedback.schemas import FeedbackCreate, FeedbackRead
from compliance.permissions import Permission, holds
from compliance.recording import record_new
from compliance.usecase import use_case
from compliance.validation import parse
from policies.conduct.feedback import rules_fed
from policies.vocab import FeedbackCategory

ARCHIVED_ZH = "此类反馈不对应任何条款,仅存档"
ARCHIVED_EN = "This kind of feedback matches no rule; it is kept on file only."


@use_case
def record_feedback(ctx: Ctx, data: FeedbackCreate | dict[str, Any]) -> FeedbackRead:
    """Record one piece of resident feedback (manager or HR); a damage report (manager)
    also opens a damage incident to value, linked to it, in the same transaction."""
    ctx.require(Permission.RECORD_FEEDBACK)
    body = parse(FeedbackCreate, data)
    damage = body.category is FeedbackCategory.DAMAGE
    if damage and not holds(ctx.actor, Permission.RECORD_DAMAGE):
        raise ValidationFailed.one(
            "category", "only a manager can record a damage report: it opens a damage incident"
        )
    now = ctx.now()
    rules = rules_fed(body.category, body.channel, body.satisfaction)
    row = record_new(
        ctx,
        Feedback,
        body,
        staff_id=body.staff_id,
        unit_id=body.unit_id,
        not_future={"occurred_at": body.occurred_at, "received_at": body.received_at},
        update={
            "work_date": local_date(body.occurred_at, ctx.tz),
            "received_at": body.received_at or now,
            "created_at": now,
            "created_by": ctx.actor.user_id,
        },
        audit_action="feedback.recorded",
        audit_payload={**body.model_dump(mode="json"), "rules": list(rules)},
    )
    out = FeedbackRead.model_validate(row).model_copy(update={"rules": rules})
    if damage:
        damage_id = _open_damage(ctx, row, body)  # the incident and link, in this use case
        return out.model_copy(
            update={
                "damage_id": damage_id,
                "note_zh": f"已开立损坏事件 #{damage_id},待评估价值(第十一条)。",
                "note_en": f"Damage incident #{damage_id} opened for valuation (R11).",
            }
        )
    if not rules:
        return out.model_copy(update={"note_zh": ARCHIVED_ZH, "note_en": ARCHIVED_EN})
    return out


def _open_damage(ctx: Ctx, feedback: Feedback, body: FeedbackCreate) -> int:
    """Open the damage incident a damage report leads to, through the damages service.

    That use case joins this one: it inserts the incident, and the link back to the
    feedback is written by the very flush that inserts it; without the link nothing is
    committed, so the feedback, the incident and the link are kept together or not at all.
    """
    assert body.unit_id is not None and feedback.id is not None  # checked by the schema
    session, feedback_id = ctx.session, feedback.id
    linked: list[int] = []

    def link(sess: OrmSession, _context: object) -> None:
        for obj in sess.new:
            if isinstance(obj, DamageIncident) and obj.id is not None and not linked:
                sess.connection().execute(
                    update(Feedback).where(col(Feedback.id) == feedback_id).values(damage_id=obj.id)
                )
                linked.append(obj.id)

    text = body.text.strip()
    event.listen(session, "after_flush", link)
    try:
        opened = damages.record_damage(
            ctx,
            {
                "staff_id": body.staff_id,
                "unit_id": body.unit_id,
                "item": text.splitlines()[0][:100],
                "description": f"由住户反馈 #{feedback_id} 开立:{text}"[:4000],
                "occurred_at": body.occurred_at,
            },
        )
    finally:
        event.remove(session, "after_flush", link)
    if not linked:
        raise Conflict(f"feedback {feedback_id}: its damage incident was not opened")
    if linked != [opened.id]:  # pragma: no cover - the damages service changed under us
        raise Conflict(f"feedback {feedback_id} was linked to the wrong damage incident")
    return opened.id
