"""Reading work orders: one order with everything behind it, the office's list, the
executor's own. A fixed number of queries whatever the order holds (no N+1)."""

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.errors import NotFound
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.residents.models import Unit
from compliance.service.models import (
    OrderState,
    ServiceCall,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from compliance.service.schemas import (
    CallRead,
    EventView,
    HopView,
    OrderFilters,
    OrderRow,
    OrderView,
)
from compliance.staff.models import Staff

S = OrderState
# The executor's phone: what needs them first.
MY_ORDER = (
    S.DISPATCHED,
    S.ACCEPTED,
    S.IN_PROGRESS,
    S.WAITING_RESIDENT,
    S.RECEIVED,
    S.HANDLED,
    S.AWAITING_REVISIT,
)
TERMINAL = (S.CLOSED.value, S.CANCELLED.value)
MAX_LIMIT = 500

_Manager = aliased(Staff, name="manager")
_Executor = aliased(Staff, name="executor")


def _row_select() -> Any:
    o = ServiceOrder
    return (
        select(
            o,
            col(Unit.building),
            col(Unit.room),
            col(_Manager.name).label("manager_name"),
            col(_Executor.name).label("executor_name"),
        )
        .outerjoin(Unit, col(Unit.id) == col(o.unit_id))
        .outerjoin(_Manager, col(_Manager.id) == col(o.manager_staff_id))
        .outerjoin(_Executor, col(_Executor.id) == col(o.executor_staff_id))
    )


def unit_label(building: str | None, room: str | None) -> str:
    """A unit as the office writes it: building and room (2栋 103)."""
    if building is None and room is None:
        return ""
    return f"{building or ''} {room or ''}".strip()


def _row(r: Any) -> OrderRow:
    o: ServiceOrder = r[0]
    return OrderRow(
        id=o.id or 0,
        number=o.number,
        kind=o.kind,
        channel=o.channel,
        severity=o.severity,
        complaint_class=o.complaint_class,
        state=o.state,
        unit_id=o.unit_id,
        unit_label=unit_label(r.building, r.room),
        location=o.location,
        household=o.household,
        contact_phone=o.contact_phone,
        description=o.description,
        received_at=o.received_at,
        handled_at=o.handled_at,
        closed_at=o.closed_at,
        manager_staff_id=o.manager_staff_id,
        manager_name=r.manager_name or "",
        executor_staff_id=o.executor_staff_id,
        executor_name=r.executor_name or "",
        reopen_count=o.reopen_count,
        version=o.version,
    )


def _held_by(staff_id: int, *, open_only: bool) -> Any:
    cond = [
        col(ServiceHop.order_id) == col(ServiceOrder.id),
        col(ServiceHop.staff_id) == staff_id,
    ]
    if open_only:
        cond.append(col(ServiceHop.end_at).is_(None))
    return exists().where(and_(*cond))


def get_order(
    session: Session, office_id: int, order_id: int, *, staff_id: int | None = None
) -> OrderView:
    """The order with its events, hops and calls (oldest first) and the names behind the ids.

    Another office's order is NotFound; with `staff_id` (a staff member reading), so is an
    order they never held."""
    stmt = _row_select().where(
        col(ServiceOrder.id) == order_id, col(ServiceOrder.office_id) == office_id
    )
    if staff_id is not None:
        stmt = stmt.where(_held_by(staff_id, open_only=False))
    r = session.execute(stmt).one_or_none()
    if r is None:
        raise NotFound(N_("no such service order in this office"))
    order: ServiceOrder = r[0]
    row = _row(r)
    events = [
        EventView(
            id=e.id or 0,
            action=e.action,
            at=e.at,
            from_state=e.from_state,
            to_state=e.to_state,
            staff_id=e.staff_id,
            staff_name=staff_name or "",
            note=e.note,
            reason=e.reason,
            call_id=e.call_id,
            photo_file_id=e.photo_file_id,
            checkin_method=e.checkin_method,
            checkin_ref=e.checkin_ref,
            details=_details(e.details),
            recorded_at=e.recorded_at,
            recorded_by=e.recorded_by,
            recorded_by_name=user_name or "",
        )
        for e, staff_name, user_name in session.execute(
            select(ServiceEvent, col(Staff.name), col(User.display_name))
            .outerjoin(Staff, col(Staff.id) == col(ServiceEvent.staff_id))
            .outerjoin(User, col(User.id) == col(ServiceEvent.recorded_by))
            .where(col(ServiceEvent.order_id) == order_id)
            .order_by(col(ServiceEvent.at), col(ServiceEvent.id))
        ).all()
    ]
    ending = aliased(ServiceEvent, name="ending")
    hops = [
        HopView(
            id=h.id or 0,
            role=h.role,
            staff_id=h.staff_id,
            staff_name=staff_name or "",
            start_at=h.start_at,
            end_at=h.end_at,
            start_event_id=h.start_event_id,
            end_event_id=h.end_event_id,
            end_reason=h.end_reason,
            reason=why or "",
        )
        for h, staff_name, why in session.execute(
            select(ServiceHop, col(Staff.name), col(ending.reason))
            .outerjoin(Staff, col(Staff.id) == col(ServiceHop.staff_id))
            .outerjoin(ending, col(ending.id) == col(ServiceHop.end_event_id))
            .where(col(ServiceHop.order_id) == order_id)
            .order_by(col(ServiceHop.start_at), col(ServiceHop.id))
        ).all()
    ]
    calls = [
        CallRead.model_validate(c)
        for c in session.execute(
            select(ServiceCall)
            .where(col(ServiceCall.order_id) == order_id)
            .order_by(col(ServiceCall.called_at), col(ServiceCall.id))
        ).scalars()
    ]
    return OrderView(
        **row.model_dump(),
        received_by=order.received_by,
        cancel_reason=order.cancel_reason,
        office_id=order.office_id,
        events=events,
        hops=hops,
        calls=calls,
    )


def _details(text: str) -> dict[str, object]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _zone(session: Session, office_id: int) -> ZoneInfo:
    name = session.execute(
        select(col(Office.timezone)).where(col(Office.id) == office_id)
    ).scalar_one_or_none()
    return ZoneInfo(name or "Asia/Shanghai")


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _filtered(session: Session, office_id: int, f: OrderFilters) -> list[Any]:
    o = ServiceOrder
    where: list[Any] = [col(o.office_id) == office_id]
    states = [*f.states, *([f.state] if f.state else [])]
    if states:
        where.append(col(o.state).in_(states))
    if f.kind:
        where.append(col(o.kind) == f.kind)
    if f.severity:
        where.append(col(o.severity) == f.severity)
    if f.staff_id is not None:
        where.append(_held_by(f.staff_id, open_only=False))
    if f.date_from is not None or f.date_to is not None:
        zone = _zone(session, office_id)
        if f.date_from is not None:
            where.append(col(o.received_at) >= _day_start(f.date_from, zone))
        if f.date_to is not None:
            where.append(col(o.received_at) < _day_start(f.date_to + timedelta(days=1), zone))
    text = (f.text or "").strip()
    if text:
        like = "%" + _escape_like(text) + "%"
        where.append(
            or_(
                *(
                    col(c).ilike(like, escape="\\")
                    for c in (o.number, o.household, o.contact_phone, o.location, o.description)
                )
            )
        )
    return where


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_orders(
    session: Session,
    office_id: int,
    *,
    filters: OrderFilters | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[OrderRow], int]:
    """The office's orders, newest received first, filtered and paged; and how many match."""
    where = _filtered(session, office_id, filters or OrderFilters())
    total = session.execute(
        select(func.count()).select_from(ServiceOrder).where(*where)
    ).scalar_one()
    rows = session.execute(
        _row_select()
        .where(*where)
        .order_by(col(ServiceOrder.received_at).desc(), col(ServiceOrder.id).desc())
        .offset(max(offset, 0))
        .limit(min(max(limit, 1), MAX_LIMIT))
    ).all()
    return [_row(r) for r in rows], int(total)


def my_orders(session: Session, office_id: int, staff_id: int) -> list[OrderRow]:
    """The orders a staff member holds now (any role), what needs them first: dispatched,
    accepted, in progress, waiting, then handled ones awaiting their close; oldest first."""
    rank = case(
        {state.value: i for i, state in enumerate(MY_ORDER)},
        value=col(ServiceOrder.state),
        else_=len(MY_ORDER),
    )
    rows = session.execute(
        _row_select()
        .where(
            col(ServiceOrder.office_id) == office_id,
            col(ServiceOrder.state).not_in(TERMINAL),
            _held_by(staff_id, open_only=True),
        )
        .order_by(rank, col(ServiceOrder.received_at), col(ServiceOrder.id))
        .limit(MAX_LIMIT)
    ).all()
    return [_row(r) for r in rows]
