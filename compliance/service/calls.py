"""The front desk's call log (来电记录): a call entered by hand, or the call a work order is
opened from, or the call a reply/contact/follow-up was made on (direction "out").

Imports from the phone system's export are compliance.imports.calls (they write the same rows
with source "import" and the phone system's key).
"""

from sqlmodel import col, select

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.residents.repository import get_unit_in_office
from compliance.service.models import ServiceCall, ServiceOrder
from compliance.service.schemas import CallIn
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import not_in_future


def new_call(ctx: Ctx, data: CallIn) -> ServiceCall:
    """Insert and audit a call of the actor's office (inside the caller's use case)."""
    now = ctx.now()
    called_at = data.called_at or now
    not_in_future("called_at", called_at, now)
    office_id = ctx.actor.office_id
    if data.answered_by_staff_id is not None:
        get_in_office(ctx.session, office_id, data.answered_by_staff_id, "answered_by_staff_id")
    if data.unit_id is not None:
        get_unit_in_office(ctx.session, office_id, data.unit_id)
    if data.order_id is not None:
        found = ctx.session.execute(
            select(col(ServiceOrder.id)).where(
                col(ServiceOrder.id) == data.order_id, col(ServiceOrder.office_id) == office_id
            )
        ).scalar_one_or_none()
        if found is None:
            raise ValidationFailed.one("order_id", N_("no such service order in this office"))
    call = ServiceCall(
        office_id=office_id,
        called_at=called_at,
        direction=data.direction,
        answered=data.answered,
        rings=data.rings,
        answer_seconds=data.answer_seconds,
        duration_seconds=data.duration_seconds,
        answered_by_staff_id=data.answered_by_staff_id,
        caller_phone=data.caller_phone,
        unit_id=data.unit_id,
        purpose=data.purpose,
        order_id=data.order_id,
        source="entered",
        created_at=now,
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(call)
    ctx.session.flush()
    audit.record(
        ctx,
        "service_call.record",
        "service_call",
        call.id,
        {**data.model_dump(mode="json"), "called_at": called_at.isoformat()},
    )
    return call


@use_case
def record_call(ctx: Ctx, data: CallIn) -> ServiceCall:
    """Log a call at the front desk (rings or seconds to answer, who answered, the unit, the
    purpose, the order it opened or belongs to)."""
    ctx.require(Permission.RECEIVE_SERVICE)
    return new_call(ctx, data)


def attach_call(ctx: Ctx, order: ServiceOrder, call_id: int) -> ServiceCall:
    """The call a step names as its evidence: of the office, and of this order (a call not
    yet tied to any order is tied to it now); ValidationFailed otherwise."""
    call = ctx.session.exec(
        select(ServiceCall).where(
            col(ServiceCall.id) == call_id, col(ServiceCall.office_id) == order.office_id
        )
    ).one_or_none()
    if call is None:
        raise ValidationFailed.one("call_id", N_("no such call in this office"))
    if call.order_id is not None and call.order_id != order.id:
        raise ValidationFailed.one("call_id", N_("the call belongs to another service order"))
    if call.order_id is None:
        call.order_id = order.id
        ctx.session.add(call)
        ctx.session.flush()
    return call
