"""/api/service: work orders (服务工作单) and the front desk's call log.

The desk (front desk, managers) works on /api/service/orders/…; the executor's phone on
/api/service/my/… (only orders they hold: compliance.service.lifecycle decides). Each step is
a POST naming the order's version; it answers the order as it now stands.
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CtxDep, IdPath, IdQuery, require
from compliance.actors import Role
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.permissions import Permission
from compliance.service import calls, orders
from compliance.service.models import OrderKind, OrderState, Severity
from compliance.service.schemas import (
    ArriveIn,
    AssignIn,
    CallIn,
    CallRead,
    CloseIn,
    ContactIn,
    DispatchIn,
    HandleIn,
    OrderFilters,
    OrderIn,
    OrderRow,
    OrderView,
    ReasonIn,
    RectifyIn,
    ReplyIn,
    Step,
    TransferIn,
    WaitIn,
)

router = APIRouter(prefix="/api/service", tags=["service"])
VIEW = require(Permission.VIEW_SERVICE)
RECEIVE = require(Permission.RECEIVE_SERVICE)
DISPATCH = require(Permission.DISPATCH_SERVICE)
REPLY = require(Permission.REPLY_SERVICE)
WORK = require(Permission.WORK_SERVICE_ORDER)
DAY = r"^\d{4}-\d{2}-\d{2}$"


def _day(name: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.one(name, "not a date (YYYY-MM-DD)") from None


def _view(ctx: Ctx, order_id: int) -> OrderView:
    staff_id = ctx.actor.staff_id if not _is_desk(ctx) else None
    return orders.get_order(ctx.session, ctx.actor.office_id, order_id, staff_id=staff_id)


def _is_desk(ctx: Ctx) -> bool:
    return ctx.actor.role != Role.STAFF


def _own(ctx: Ctx) -> int:
    """The staff record of a staff user (-1 when the account has none: nothing is theirs)."""
    return ctx.actor.staff_id if ctx.actor.staff_id is not None else -1


# --- the desk -----------------------------------------------------------------------------


@router.get("/orders", dependencies=[VIEW])
def list_orders(
    ctx: CtxDep,
    response: Response,
    state: OrderState | None = None,
    kind: OrderKind | None = None,
    severity: Severity | None = None,
    staff_id: IdQuery = None,
    date_from: Annotated[str | None, Query(pattern=DAY, description="first office day")] = None,
    date_to: Annotated[str | None, Query(pattern=DAY, description="last office day")] = None,
    text: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OrderRow]:
    """The office's work orders, newest received first, filtered and paged; the
    X-Total-Count header says how many match in all."""
    filters = OrderFilters(
        state=state.value if state else None,
        kind=kind.value if kind else None,
        severity=severity.value if severity else None,
        staff_id=staff_id,
        date_from=_day("date_from", date_from),
        date_to=_day("date_to", date_to),
        text=text,
    )
    rows, total = orders.list_orders(
        ctx.session, ctx.actor.office_id, filters=filters, offset=offset, limit=limit
    )
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.post("/orders", status_code=201, dependencies=[RECEIVE])
def receive(body: OrderIn, ctx: CtxDep) -> OrderView:
    """Receive a work order (受理), with the phone call it came in on if any."""
    order = orders.receive(ctx, body)
    return _view(ctx, order.id or 0)


@router.get("/orders/{order_id}", dependencies=[VIEW])
def get_order(order_id: IdPath, ctx: CtxDep) -> OrderView:
    """One work order with its events, hops and calls."""
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/assign-manager", dependencies=[DISPATCH])
def assign_manager(order_id: IdPath, body: AssignIn, ctx: CtxDep) -> OrderView:
    """Make a manager responsible (a complaint: within 10 minutes)."""
    orders.assign_manager(ctx, order_id, body.staff_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/dispatch", dependencies=[DISPATCH])
def dispatch(order_id: IdPath, body: DispatchIn, ctx: CtxDep) -> OrderView:
    """派单: send an executor (or duty staff to an emergency)."""
    orders.dispatch(ctx, order_id, body.staff_id, role=body.role, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/transfer", dependencies=[DISPATCH])
def transfer(order_id: IdPath, body: TransferIn, ctx: CtxDep) -> OrderView:
    """转单: hand the order to another manager or executor, saying why."""
    orders.transfer(
        ctx, order_id, body.staff_id, role=body.role.value, reason=body.reason,
        version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/give-back", dependencies=[DISPATCH])
def give_back(order_id: IdPath, body: ReasonIn, ctx: CtxDep) -> OrderView:
    """退单 recorded at the desk for the executor, with their reason."""
    orders.give_back(ctx, order_id, reason=body.reason, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/wait-resident", dependencies=[DISPATCH])
def wait_resident(order_id: IdPath, body: WaitIn, ctx: CtxDep) -> OrderView:
    """Pause: waiting on the resident, with the contact (and its call) recorded."""
    orders.wait_resident(ctx, order_id, note=body.note, call_id=body.call_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/resume", dependencies=[DISPATCH])
def resume(order_id: IdPath, body: Step, ctx: CtxDep) -> OrderView:
    """End the wait on the resident."""
    orders.resume(ctx, order_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/handle", dependencies=[DISPATCH])
def handle(order_id: IdPath, body: HandleIn, ctx: CtxDep) -> OrderView:
    """已处理 (a complaint settled at the office; work on site needs the executor's check-in)."""
    orders.handle(
        ctx, order_id, note=body.note, photo_file_id=body.photo_file_id,
        no_access=body.no_access, version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/reply", dependencies=[REPLY])
def reply(order_id: IdPath, body: ReplyIn, ctx: CtxDep) -> OrderView:
    """The reply to the resident (当日回复): how, and what was said."""
    orders.reply(
        ctx, order_id, note=body.note, method=body.method, call_id=body.call_id,
        version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/contact", dependencies=[REPLY])
def contact(order_id: IdPath, body: ContactIn, ctx: CtxDep) -> OrderView:
    """A contact with the resident while the order runs long (每星期一次)."""
    orders.contact(
        ctx, order_id, note=body.note, call_id=body.call_id, method=body.method,
        version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/follow-up", dependencies=[REPLY])
def follow_up(order_id: IdPath, body: ContactIn, ctx: CtxDep) -> OrderView:
    """The follow-up within 3 days of handling."""
    orders.follow_up(
        ctx, order_id, note=body.note, call_id=body.call_id, method=body.method,
        version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/rectify", dependencies=[DISPATCH])
def rectify(order_id: IdPath, body: RectifyIn, ctx: CtxDep) -> OrderView:
    """The office director's rectification deadline and penalty on a complaint."""
    orders.rectify(
        ctx, order_id, deadline=body.deadline, penalty=body.penalty, note=body.note,
        version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/close", dependencies=[DISPATCH])
def close(order_id: IdPath, body: CloseIn, ctx: CtxDep) -> OrderView:
    """已关闭."""
    orders.close(ctx, order_id, note=body.note, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/reopen", dependencies=[DISPATCH])
def reopen(order_id: IdPath, body: ReasonIn, ctx: CtxDep) -> OrderView:
    """Reopen a handled or closed order (counted), saying why."""
    orders.reopen(ctx, order_id, reason=body.reason, version=body.version)
    return _view(ctx, order_id)


@router.post("/orders/{order_id}/cancel", dependencies=[DISPATCH])
def cancel(order_id: IdPath, body: ReasonIn, ctx: CtxDep) -> OrderView:
    """Cancel an order not yet handled, saying why."""
    orders.cancel(ctx, order_id, reason=body.reason, version=body.version)
    return _view(ctx, order_id)


@router.post("/calls", status_code=201, dependencies=[RECEIVE])
def record_call(body: CallIn, ctx: CtxDep) -> CallRead:
    """Log a call (rings or seconds to answer, who answered, the unit, the purpose)."""
    return CallRead.model_validate(calls.record_call(ctx, body))


# --- the executor's phone -----------------------------------------------------------------


@router.get("/my", dependencies=[WORK])
def my_orders(ctx: CtxDep) -> list[OrderRow]:
    """The orders I hold now, what needs me first."""
    return orders.my_orders(ctx.session, ctx.actor.office_id, _own(ctx))


@router.get("/my/{order_id}", dependencies=[WORK])
def my_order(order_id: IdPath, ctx: CtxDep) -> OrderView:
    """One of my orders (held now or before)."""
    return orders.get_order(ctx.session, ctx.actor.office_id, order_id, staff_id=_own(ctx))


@router.post("/my/{order_id}/accept", dependencies=[WORK])
def accept(order_id: IdPath, body: Step, ctx: CtxDep) -> OrderView:
    """接单."""
    orders.accept(ctx, order_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/my/{order_id}/arrive", dependencies=[WORK])
def arrive(order_id: IdPath, body: ArriveIn, ctx: CtxDep) -> OrderView:
    """On site: a check-in (the unit's QR code, a position, the counter) at the server's time."""
    orders.arrive(ctx, order_id, method=body.method, ref=body.ref, version=body.version)
    return _view(ctx, order_id)


@router.post("/my/{order_id}/wait-resident", dependencies=[WORK])
def my_wait_resident(order_id: IdPath, body: WaitIn, ctx: CtxDep) -> OrderView:
    """Waiting on the resident, with the contact recorded."""
    orders.wait_resident(ctx, order_id, note=body.note, call_id=body.call_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/my/{order_id}/resume", dependencies=[WORK])
def my_resume(order_id: IdPath, body: Step, ctx: CtxDep) -> OrderView:
    """Back to work after the wait."""
    orders.resume(ctx, order_id, version=body.version)
    return _view(ctx, order_id)


@router.post("/my/{order_id}/handle", dependencies=[WORK])
def my_handle(order_id: IdPath, body: HandleIn, ctx: CtxDep) -> OrderView:
    """Done: with a photo of the work (or no access, saying what happened)."""
    orders.handle(
        ctx, order_id, note=body.note, photo_file_id=body.photo_file_id,
        no_access=body.no_access, version=body.version,
    )  # fmt: skip
    return _view(ctx, order_id)


@router.post("/my/{order_id}/give-back", dependencies=[WORK])
def my_give_back(order_id: IdPath, body: ReasonIn, ctx: CtxDep) -> OrderView:
    """退单: give the order back, saying why."""
    orders.give_back(ctx, order_id, reason=body.reason, version=body.version)
    return _view(ctx, order_id)
