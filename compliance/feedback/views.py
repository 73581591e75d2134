"""Read-only lists for the feedback pages, permission filters in the queries."""

from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.feedback.schemas import FeedbackRow, StaffChoice, UnitChoice
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.staff.models import Staff, StaffStatus


def feedback_choices(ctx: Ctx) -> tuple[list[StaffChoice], list[UnitChoice]]:
    """Active staff and the units of the office, for the feedback form."""
    ctx.require(Permission.RECORD_FEEDBACK)
    office_id = ctx.actor.office_id
    staff = ctx.session.execute(
        select(Staff)
        .where(col(Staff.office_id) == office_id, col(Staff.status) == StaffStatus.ACTIVE.value)
        .order_by(col(Staff.employee_no))
    ).scalars()
    units = ctx.session.execute(
        select(Unit)
        .where(col(Unit.office_id) == office_id)
        .order_by(col(Unit.building), col(Unit.room))
    ).scalars()
    return (
        [StaffChoice.model_validate(s) for s in staff],
        [UnitChoice.model_validate(u) for u in units],
    )


def recent_feedback(ctx: Ctx, limit: int = 10) -> list[FeedbackRow]:
    """The office's latest recorded feedback, newest first."""
    ctx.require(Permission.RECORD_FEEDBACK)
    stmt = (
        select(Feedback, col(Staff.name), col(Unit.building), col(Unit.room))
        .join(Staff, col(Staff.id) == col(Feedback.staff_id))
        .outerjoin(Unit, col(Unit.id) == col(Feedback.unit_id))
        .where(col(Feedback.office_id) == ctx.actor.office_id)
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
        .limit(limit)
    )
    return [
        FeedbackRow(
            id=f.id or 0,
            staff_name=name,
            unit=f"{building} {room}" if building else "",
            channel=f.channel,
            category=f.category,
            text=f.text,
            amount_fen=f.amount_fen,
            occurred_at=f.occurred_at,
        )
        for f, name, building, room in ctx.session.execute(stmt)
    ]
