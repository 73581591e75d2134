"""Use cases for resident feedback."""

from typing import Any

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.feedback.schemas import FeedbackCreate, FeedbackRead
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.users.models import Role
from compliance.validation import not_in_future, parse


def record_feedback(ctx: Ctx, data: FeedbackCreate | dict[str, Any]) -> FeedbackRead:
    """Record one piece of resident feedback (manager or HR)."""
    ctx.require(Role.MANAGER, Role.HR)
    body = parse(FeedbackCreate, data)
    office_id = ctx.actor.office_id
    get_in_office(ctx.session, office_id, body.staff_id)
    if body.unit_id is not None:
        get_unit_in_office(ctx.session, office_id, body.unit_id)
    now = ctx.now()
    not_in_future("occurred_at", body.occurred_at, now)
    not_in_future("received_at", body.received_at, now)
    row = Feedback(
        office_id=office_id,
        staff_id=body.staff_id,
        unit_id=body.unit_id,
        channel=body.channel.value,
        category=body.category.value,
        satisfaction=body.satisfaction.value if body.satisfaction else None,
        text=body.text,
        amount_fen=body.amount_fen,
        occurred_at=body.occurred_at,
        work_date=local_date(body.occurred_at, ctx.tz),
        received_at=body.received_at or now,
        created_at=now,
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, "feedback.recorded", "feedback", row.id, body.model_dump(mode="json"))
    ctx.session.commit()
    return FeedbackRead.model_validate(row)
