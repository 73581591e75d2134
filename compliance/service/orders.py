"""The service work order (服务工作单) as use cases: receive, assign, dispatch, 转单/退单, accept,
arrive, wait on the resident, handle, reply, contact, follow up, rectify, close, reopen, cancel.

Every step is one transaction that
- loads the order of the actor's office (another office's: NotFound) and refuses a form opened
  on an older version (Conflict), checks the table in compliance.service.lifecycle (who may,
  from which state, to which state);
- moves the order with a conditional update (UPDATE … WHERE version = :v, version + 1);
- appends exactly one service_event with its evidence (events are never updated or deleted),
  ends and starts hops in the same transaction (one service_hop row per holder per role);
- audits the step (compliance.audit).

Times are the server's (ctx's clock): only `received_at` is ever typed, at creation, not in
the future, and more than RECEIVED_LATE_AFTER back only with a reason (kept on the RECEIVE
event). The check-in of an arrival is evidence (the unit's QR code, a phone position, or the
counter for an order received there), never a typed time.

The reads (get_order, list_orders, my_orders) live in compliance.service.reads and are
re-exported here.
"""

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.counters.service import next_number
from compliance.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from compliance.files.models import StoredFile
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.residents.repository import get_unit_in_office
from compliance.service import lifecycle
from compliance.service.calls import attach_call, new_call
from compliance.service.models import (
    Channel,
    EventAction,
    HopRole,
    OrderState,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from compliance.service.reads import get_order, list_orders, my_orders
from compliance.service.schemas import OrderIn
from compliance.staff.models import Staff, StaffStatus
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import not_in_future

# A received time typed further back than this needs a reason (a paper order entered late).
RECEIVED_LATE_AFTER = timedelta(hours=24)
COUNTER_NAME = "service_order"
NUMBER_PREFIX = "FW"
WORK_ROLES = (HopRole.EXECUTOR.value, HopRole.DUTY.value)
REPLY_METHODS = ("phone", "in_person", "written")
CHECKIN_METHODS = ("qr", "position", "counter")

STALE = N_("someone else changed this service order first; reload it and try again")


# --- small helpers ------------------------------------------------------------------------


def office_zone(ctx: Ctx) -> ZoneInfo:
    """The office's own time zone (office.timezone)."""
    name = ctx.session.execute(
        select(col(Office.timezone)).where(col(Office.id) == ctx.actor.office_id)
    ).scalar_one_or_none()
    return ZoneInfo(name or ctx.settings.timezone)


def number_for(session: Any, office_id: int, year: int) -> str:
    """The next order number of the year, gap-free (taken in the caller's transaction)."""
    n = next_number(session, office_id, COUNTER_NAME, year)
    return f"{NUMBER_PREFIX}-{year}-{n:06d}"


def unit_qr_text(unit_id: int) -> str:
    """What the QR code posted at a unit reads (an arrival's check-in must read this)."""
    return f"unit:{unit_id}"


def _load(ctx: Ctx, order_id: int) -> ServiceOrder:
    order = ctx.session.exec(
        select(ServiceOrder).where(
            col(ServiceOrder.id) == order_id,
            col(ServiceOrder.office_id) == ctx.actor.office_id,
        )
    ).one_or_none()
    if order is None:
        raise NotFound(N_("no such service order in this office"))
    return order


def _open_hops(ctx: Ctx, order_id: int) -> list[ServiceHop]:
    return list(
        ctx.session.exec(
            select(ServiceHop)
            .where(col(ServiceHop.order_id) == order_id, col(ServiceHop.end_at).is_(None))
            .order_by(col(ServiceHop.id))
        ).all()
    )


def _work_hop(hops: list[ServiceHop]) -> ServiceHop | None:
    return next((h for h in hops if h.role in WORK_ROLES), None)


def _manager_hop(hops: list[ServiceHop]) -> ServiceHop | None:
    return next((h for h in hops if h.role == HopRole.MANAGER), None)


class _Step:
    """An order loaded for one step: checked, with its open hops."""

    def __init__(self, ctx: Ctx, order_id: int, step: str, version: int) -> None:
        self.ctx = ctx
        self.step = step
        self.order = _load(ctx, order_id)
        if self.order.version != version:
            raise Conflict(STALE)
        self.hops = _open_hops(ctx, order_id)
        work = _work_hop(self.hops)
        self.work = work
        holds_work = (
            work is not None
            and ctx.actor.staff_id is not None
            and work.staff_id == ctx.actor.staff_id
        )
        lifecycle.check_may(ctx.actor, step, holds_work=holds_work)
        self.before = self.order.state
        self.rule = lifecycle.RULES[step]

    def to(self, before_wait: str | None = None) -> OrderState:
        return lifecycle.target(self.order.number, self.order.state, self.step, before_wait)

    def move(self, to: OrderState, **values: Any) -> None:
        """Conditionally move the order: only if nobody changed it since it was read."""
        order = self.order
        result = self.ctx.session.execute(
            update(ServiceOrder)
            .where(
                col(ServiceOrder.id) == order.id,
                col(ServiceOrder.version) == order.version,
            )
            .values(state=to.value, version=col(ServiceOrder.version) + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(STALE)
        set_committed_value(order, "state", to.value)
        set_committed_value(order, "version", order.version + 1)
        for name, value in values.items():
            set_committed_value(order, name, value)

    def event(
        self,
        *,
        staff_id: int | None = None,
        note: str = "",
        reason: str = "",
        call_id: int | None = None,
        photo_file_id: int | None = None,
        checkin_method: str = "",
        checkin_ref: str = "",
        details: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> ServiceEvent:
        """Append the step's one event (after the move: it records from → to)."""
        now = self.ctx.now()
        ev = ServiceEvent(
            office_id=self.order.office_id,
            order_id=self.order.id or 0,
            action=self.rule.action.value,
            at=at or now,
            from_state=self.before,
            to_state=self.order.state,
            staff_id=staff_id,
            note=note,
            reason=reason,
            call_id=call_id,
            photo_file_id=photo_file_id,
            checkin_method=checkin_method,
            checkin_ref=checkin_ref,
            details=_json(details or {}),
            recorded_at=now,
            recorded_by=self.ctx.actor.user_id,
        )
        self.ctx.session.add(ev)
        self.ctx.session.flush()
        self.audit(ev, details)
        return ev

    def audit(self, ev: ServiceEvent, details: dict[str, Any] | None) -> None:
        payload: dict[str, Any] = {
            "number": self.order.number,
            "event_id": ev.id,
            "from": self.before,
            "to": self.order.state,
        }
        for key in ("staff_id", "call_id", "photo_file_id", "checkin_method", "checkin_ref"):
            value = getattr(ev, key)
            if value not in (None, ""):
                payload[key] = value
        if ev.note:
            payload["note"] = ev.note
        if ev.reason:
            payload["reason"] = ev.reason
        if details:
            payload["details"] = details
        audit.record(
            self.ctx, f"service_order.{self.step}", "service_order", self.order.id, payload
        )

    def start_hop(self, role: str, staff_id: int, ev: ServiceEvent) -> ServiceHop:
        hop = ServiceHop(
            office_id=self.order.office_id,
            order_id=self.order.id or 0,
            role=role,
            staff_id=staff_id,
            start_at=ev.at,
            start_event_id=ev.id or 0,
        )
        self.ctx.session.add(hop)
        self.ctx.session.flush()
        return hop

    def end_hop(self, hop: ServiceHop, ev: ServiceEvent, why: str) -> None:
        hop.end_at = ev.at
        hop.end_event_id = ev.id
        hop.end_reason = why
        self.ctx.session.add(hop)
        self.ctx.session.flush()


def _json(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)


def _active_staff(ctx: Ctx, staff_id: int) -> Staff:
    staff = get_in_office(ctx.session, ctx.actor.office_id, staff_id)
    if staff.status != StaffStatus.ACTIVE:
        raise ValidationFailed.one("staff_id", N_("is not on active duty"))
    return staff


def _need(field: str, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.one(field, N_("is required"))
    return text


def _method(method: str | None, call_id: int | None) -> str:
    chosen = method or ("phone" if call_id is not None else "in_person")
    if chosen not in REPLY_METHODS:
        raise ValidationFailed.one("method", N_("must be phone, in person or written"))
    if chosen == "phone" and call_id is None:
        raise ValidationFailed.one("call_id", N_("a reply by phone names the call it was made on"))
    return chosen


def _staff_acting(st: _Step) -> int | None:
    """The staff member a worker's step is about: the holder of the work hop (the actor when
    staff; the desk records on their behalf), else the actor's own staff record."""
    if st.work is not None:
        return st.work.staff_id
    return st.ctx.actor.staff_id


# --- creating -----------------------------------------------------------------------------


@use_case
def receive(ctx: Ctx, data: OrderIn) -> ServiceOrder:
    """Open a work order at the front desk (受理), with the call it came in on if any."""
    ctx.require(Permission.RECEIVE_SERVICE)
    now = ctx.now()
    received_at = data.received_at
    if received_at is None and data.call is not None:
        received_at = data.call.called_at
    received_at = received_at or now
    not_in_future("received_at", received_at, now)
    late_reason = data.late_reason.strip()
    if now - received_at > RECEIVED_LATE_AFTER and not late_reason:
        raise ValidationFailed.one(
            "late_reason", N_("say why the order is entered more than 24 hours after it came in")
        )
    if data.unit_id is not None:
        get_unit_in_office(ctx.session, ctx.actor.office_id, data.unit_id)
    zone = office_zone(ctx)
    year = received_at.astimezone(zone).year
    order = ServiceOrder(
        office_id=ctx.actor.office_id,
        number=number_for(ctx.session, ctx.actor.office_id, year),
        kind=data.kind.value,
        channel=data.channel.value,
        severity=data.severity.value,
        complaint_class=data.complaint_class.value,
        unit_id=data.unit_id,
        household=data.household,
        contact_phone=data.contact_phone,
        location=data.location,
        description=data.description,
        received_at=received_at,
        received_by=ctx.actor.user_id,
        state=OrderState.RECEIVED.value,
        created_at=now,
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(order)
    ctx.session.flush()
    call_id: int | None = None
    if data.call is not None:
        call_in = data.call.model_copy(
            update={
                "called_at": data.call.called_at or received_at,
                "unit_id": data.call.unit_id or data.unit_id,
                "order_id": order.id,
            }
        )
        call = new_call(ctx, call_in)
        call_id = call.id
    ev = ServiceEvent(
        office_id=order.office_id,
        order_id=order.id or 0,
        action=EventAction.RECEIVE.value,
        at=received_at,
        from_state="",
        to_state=OrderState.RECEIVED.value,
        staff_id=ctx.actor.staff_id,
        note=data.description,
        reason=late_reason,
        call_id=call_id,
        details=_json({"channel": order.channel}),
        recorded_at=now,
        recorded_by=ctx.actor.user_id,
    )
    ctx.session.add(ev)
    ctx.session.flush()
    audit.record(
        ctx,
        "service_order.receive",
        "service_order",
        order.id,
        {
            "number": order.number,
            "event_id": ev.id,
            **data.model_dump(mode="json", exclude={"call"}),
            "received_at": received_at.isoformat(),
            "call_id": call_id,
        },
    )
    return order


# --- holders: manager, executor, duty ------------------------------------------------------


@use_case
def assign_manager(ctx: Ctx, order_id: int, staff_id: int, *, version: int) -> ServiceOrder:
    """Make a manager responsible (the 10-minute clock of a complaint stops here)."""
    st = _Step(ctx, order_id, "assign_manager", version)
    if _manager_hop(st.hops) is not None:
        raise Conflict(
            N_("service order %(number)s already has a responsible manager; transfer it instead"),
            number=st.order.number,
        )
    _active_staff(ctx, staff_id)
    st.move(st.to(), manager_staff_id=staff_id)
    ev = st.event(staff_id=staff_id, details={"role": HopRole.MANAGER.value})
    st.start_hop(HopRole.MANAGER.value, staff_id, ev)
    return st.order


@use_case
def dispatch(
    ctx: Ctx, order_id: int, staff_id: int, *, role: str = "executor", version: int
) -> ServiceOrder:
    """Send an executor (or, for an emergency, duty staff) to the job (派单)."""
    if role not in WORK_ROLES:
        raise ValidationFailed.one("role", N_("must be executor or duty"))
    st = _Step(ctx, order_id, "dispatch", version)
    if st.work is not None:
        raise Conflict(
            N_("service order %(number)s is already with someone; transfer it instead"),
            number=st.order.number,
        )
    _active_staff(ctx, staff_id)
    st.move(st.to(), executor_staff_id=staff_id)
    ev = st.event(staff_id=staff_id, details={"role": role})
    st.start_hop(role, staff_id, ev)
    return st.order


@use_case
def transfer(
    ctx: Ctx, order_id: int, staff_id: int, *, role: str, reason: str, version: int
) -> ServiceOrder:
    """转单: hand the order to another holder in a role, saying why. The current hop ends and
    the next starts at the same instant; a new executor must accept it again."""
    reason = _need("reason", reason)
    if role not in (HopRole.MANAGER.value, *WORK_ROLES):
        raise ValidationFailed.one("role", N_("must be manager, executor or duty"))
    is_manager = role == HopRole.MANAGER.value
    st = _Step(ctx, order_id, "transfer_manager" if is_manager else "transfer", version)
    current = _manager_hop(st.hops) if is_manager else st.work
    if current is None:
        raise InvalidTransition(
            N_("service order %(number)s has nobody in that role to transfer from"),
            number=st.order.number,
        )
    if current.staff_id == staff_id:
        raise ValidationFailed.one("staff_id", N_("already holds this service order"))
    _active_staff(ctx, staff_id)
    field = "manager_staff_id" if is_manager else "executor_staff_id"
    st.move(st.to(), **{field: staff_id})
    ev = st.event(
        staff_id=staff_id,
        reason=reason,
        details={"role": role, "from_staff_id": current.staff_id},
    )
    st.end_hop(current, ev, "transfer")
    st.start_hop(role, staff_id, ev)
    return st.order


@use_case
def give_back(ctx: Ctx, order_id: int, *, reason: str, version: int) -> ServiceOrder:
    """退单: the executor gives the order back with a reason; the desk dispatches it anew."""
    reason = _need("reason", reason)
    st = _Step(ctx, order_id, "return", version)
    hop = st.work
    if hop is None:
        raise InvalidTransition(
            N_("service order %(number)s has nobody in that role to transfer from"),
            number=st.order.number,
        )
    st.move(st.to(), executor_staff_id=None)
    ev = st.event(staff_id=hop.staff_id, reason=reason, details={"role": hop.role})
    st.end_hop(hop, ev, "return")
    return st.order


# --- the executor's steps ----------------------------------------------------------------


@use_case
def accept(ctx: Ctx, order_id: int, *, version: int) -> ServiceOrder:
    """接单: the executor takes the job."""
    st = _Step(ctx, order_id, "accept", version)
    st.move(st.to())
    st.event(staff_id=_staff_acting(st))
    return st.order


def check_in(order: ServiceOrder, method: str, ref: str) -> str:
    """The check-in's reference as stored, or ValidationFailed if it does not place the
    executor at this job."""
    ref = (ref or "").strip()
    if method not in CHECKIN_METHODS:
        raise ValidationFailed.one(
            "method", N_("check in with the unit's QR code, a position or at the counter")
        )
    if method == "qr":
        if order.unit_id is None:
            raise ValidationFailed.one(
                "method", N_("this order has no unit to scan; check in by position")
            )
        wanted = unit_qr_text(order.unit_id)
        if ref not in (wanted, str(order.unit_id)):
            raise ValidationFailed.one("ref", N_("the QR code scanned is not this order's unit"))
        return wanted
    if method == "position":
        try:
            lat_s, lng_s = ref.split(",")
            lat, lng = float(lat_s), float(lng_s)
        except ValueError:
            raise ValidationFailed.one("ref", N_("a position is latitude,longitude")) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationFailed.one("ref", N_("a position is latitude,longitude"))
        return f"{lat:.6f},{lng:.6f}"
    if order.channel != Channel.COUNTER:
        raise ValidationFailed.one(
            "method", N_("a check-in at the counter is only for an order received there")
        )
    return ref[:200]


# The old private name (compliance.service.emergency reads it).
_check_in = check_in


@use_case
def arrive(ctx: Ctx, order_id: int, *, method: str, ref: str = "", version: int) -> ServiceOrder:
    """On site: a check-in at the server's time (the unit's QR code, a position, the counter)."""
    st = _Step(ctx, order_id, "arrive", version)
    stored = check_in(st.order, method, ref)
    st.move(st.to())
    st.event(staff_id=_staff_acting(st), checkin_method=method, checkin_ref=stored)
    return st.order


@use_case
def wait_resident(
    ctx: Ctx, order_id: int, *, note: str, call_id: int | None = None, version: int
) -> ServiceOrder:
    """Pause: waiting on the resident, with the contact recorded (what was agreed, the call)."""
    note = _need("note", note)
    st = _Step(ctx, order_id, "wait_resident", version)
    if call_id is not None:
        attach_call(ctx, st.order, call_id)
    st.move(st.to())
    st.event(staff_id=_staff_acting(st), note=note, call_id=call_id)
    return st.order


@use_case
def resume(ctx: Ctx, order_id: int, *, version: int, note: str = "") -> ServiceOrder:
    """End the wait: back to where the order was when the wait began."""
    st = _Step(ctx, order_id, "resume", version)
    paused_from = ctx.session.execute(
        select(col(ServiceEvent.from_state))
        .where(
            col(ServiceEvent.order_id) == order_id,
            col(ServiceEvent.action) == EventAction.WAIT_RESIDENT.value,
        )
        .order_by(col(ServiceEvent.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    st.move(st.to(paused_from))
    st.event(staff_id=_staff_acting(st), note=note)
    return st.order


def _photo(ctx: Ctx, order: ServiceOrder, file_id: int) -> None:
    row = ctx.session.exec(
        select(StoredFile).where(
            col(StoredFile.id) == file_id, col(StoredFile.office_id) == order.office_id
        )
    ).one_or_none()
    if row is None:
        raise ValidationFailed.one("photo_file_id", N_("no such photo in this office"))
    if row.created_at < order.received_at:
        raise ValidationFailed.one(
            "photo_file_id", N_("the photo was stored before the order was received")
        )
    used = ctx.session.execute(
        select(col(ServiceEvent.id)).where(col(ServiceEvent.photo_file_id) == file_id).limit(1)
    ).scalar_one_or_none()
    if used is not None:
        raise ValidationFailed.one(
            "photo_file_id", N_("the photo is already the evidence of another step")
        )


@use_case
def handle(
    ctx: Ctx,
    order_id: int,
    *,
    note: str = "",
    photo_file_id: int | None = None,
    no_access: bool = False,
    version: int,
) -> ServiceOrder:
    """已处理: the work is done. A repair or housekeeping job shows a photo of it, unless
    there was no access (then the note says what happened); on-site kinds need a check-in."""
    st = _Step(ctx, order_id, "handle", version)
    order = st.order
    to = st.to()
    if order.kind in lifecycle.ON_SITE_KINDS and order.state != OrderState.IN_PROGRESS:
        raise InvalidTransition(
            N_("service order %(number)s: nobody has checked in on site yet; arrive first"),
            number=order.number,
        )
    if no_access:
        note = _need("note", note)
    elif order.kind in lifecycle.PHOTO_KINDS and photo_file_id is None:
        raise ValidationFailed.one(
            "photo_file_id", N_("a photo of the work is required (or mark: no access)")
        )
    if photo_file_id is not None:
        _photo(ctx, order, photo_file_id)
    now = ctx.now()
    st.move(to, handled_at=now)
    st.event(
        staff_id=_staff_acting(st),
        note=note,
        photo_file_id=photo_file_id,
        details={"no_access": True} if no_access else None,
    )
    return order


# --- with the resident --------------------------------------------------------------------


def _talk(
    ctx: Ctx,
    step: str,
    order_id: int,
    *,
    note: str,
    method: str | None,
    call_id: int | None,
    version: int,
) -> ServiceOrder:
    note = _need("note", note)
    chosen = _method(method, call_id)
    st = _Step(ctx, order_id, step, version)
    if call_id is not None:
        attach_call(ctx, st.order, call_id)
    st.move(st.to())
    st.event(
        staff_id=ctx.actor.staff_id,
        note=note,
        call_id=call_id,
        details={"method": chosen, "by_director": ctx.actor.is_director},
    )
    return st.order


@use_case
def reply(
    ctx: Ctx,
    order_id: int,
    *,
    note: str,
    method: str = "phone",
    call_id: int | None = None,
    version: int,
) -> ServiceOrder:
    """The resident answered (当日回复): how (phone with the call, in person, written), what."""
    return _talk(ctx, "reply", order_id, note=note, method=method, call_id=call_id, version=version)


@use_case
def contact(
    ctx: Ctx,
    order_id: int,
    *,
    note: str,
    call_id: int | None = None,
    method: str | None = None,
    version: int,
) -> ServiceOrder:
    """A contact with the resident on a long-running order (每星期去电一次)."""
    return _talk(
        ctx, "contact", order_id, note=note, method=method, call_id=call_id, version=version
    )


@use_case
def follow_up(
    ctx: Ctx,
    order_id: int,
    *,
    note: str,
    call_id: int | None = None,
    method: str | None = None,
    version: int,
) -> ServiceOrder:
    """The follow-up after handling (三天内跟踪); the order then awaits its return visit."""
    return _talk(
        ctx, "follow_up", order_id, note=note, method=method, call_id=call_id, version=version
    )


@use_case
def rectify(
    ctx: Ctx,
    order_id: int,
    *,
    deadline: date,
    penalty: str,
    note: str = "",
    version: int,
) -> ServiceOrder:
    """The office director's rectification deadline and penalty on a complaint (article 2.2(3))."""
    penalty = _need("penalty", penalty)
    st = _Step(ctx, order_id, "rectify", version)
    if st.order.kind != "complaint":
        raise ValidationFailed.one("order_id", N_("only a complaint is rectified"))
    today = ctx.now().astimezone(office_zone(ctx)).date()
    if deadline < today:
        raise ValidationFailed.one("deadline", N_("the rectification deadline has passed"))
    st.move(st.to())
    st.event(
        staff_id=ctx.actor.staff_id,
        note=note,
        details={"deadline": deadline.isoformat(), "penalty": penalty},
    )
    return st.order


# --- ending -------------------------------------------------------------------------------


@use_case
def close(ctx: Ctx, order_id: int, *, version: int, note: str = "") -> ServiceOrder:
    """已关闭: every hop still open ends with the order."""
    st = _Step(ctx, order_id, "close", version)
    now = ctx.now()
    st.move(st.to(), closed_at=now)
    ev = st.event(note=note)
    for hop in st.hops:
        st.end_hop(hop, ev, "closed")
    return st.order


@use_case
def reopen(ctx: Ctx, order_id: int, *, reason: str, version: int) -> ServiceOrder:
    """Reopen a handled or closed order (counted): back to received, to be dispatched anew;
    the responsible manager holds it again from now."""
    reason = _need("reason", reason)
    st = _Step(ctx, order_id, "reopen", version)
    order = st.order
    st.move(
        st.to(),
        reopen_count=order.reopen_count + 1,
        closed_at=None,
        handled_at=None,
        executor_staff_id=None,
    )
    ev = st.event(reason=reason, details={"reopen_count": order.reopen_count})
    for hop in st.hops:
        if hop.role in WORK_ROLES:
            st.end_hop(hop, ev, "reopened")
    if order.manager_staff_id is not None and _manager_hop(st.hops) is None:
        st.start_hop(HopRole.MANAGER.value, order.manager_staff_id, ev)
    return order


@use_case
def cancel(ctx: Ctx, order_id: int, *, reason: str, version: int) -> ServiceOrder:
    """已取消, with the reason (a duplicate, withdrawn by the resident); hops end."""
    reason = _need("reason", reason)
    st = _Step(ctx, order_id, "cancel", version)
    st.move(st.to(), cancel_reason=reason)
    ev = st.event(reason=reason)
    for hop in st.hops:
        st.end_hop(hop, ev, "cancelled")
    return st.order


__all__ = [
    "RECEIVED_LATE_AFTER",
    "accept",
    "arrive",
    "assign_manager",
    "cancel",
    "check_in",
    "close",
    "contact",
    "dispatch",
    "follow_up",
    "get_order",
    "give_back",
    "handle",
    "list_orders",
    "my_orders",
    "office_zone",
    "receive",
    "rectify",
    "reopen",
    "reply",
    "resume",
    "transfer",
    "unit_qr_text",
    "wait_resident",
]
