"""The clocks of the service standards, evaluated purely from a subject's timeline.

A clock starts at a fact (an order received, a call rung, an order handled, an issue
detected), is due at a target counted on the office calendar or the wall clock, and stops only
on an event that carries evidence (a reply with its call or note, a check-in, a photo, a
contact logged) — never on a typed state. The caller (compliance.flows.service_clocks) turns
the records into these facts and says, per event, whether it carries evidence.

Counting rules (rulebook 第2篇, issue 15):

- "same working day" (unit working_days_end, target 0): received on a working day → due by the
  end of that day in the office zone; received on a rest day → by the end of the next working
  day. Target n > 0 (S04 important: 2): the n-th working day after that day, at its end.
- "days" (S07, S08, S10): by the end of the n-th calendar day after the start's local day.
- "minutes" (S02, S09): start + n minutes, the stop at exactly the due time is in time.
- "rings" (S01): the rings, or the seconds to answer ÷ the seconds per ring.
- Pausing (S06 only: WAIT_RESIDENT with the contact recorded … RESUME) keeps the time already
  spent: the due moves on by the time paused before it.
- A breach names the holder of the hop (in the standard's role) at the due time, not whoever
  holds the order now. It is excused, not blamed, when the resident caused it (no access at
  an arrival or handling before the due; still waited on, with the contact recorded, at the
  due) or the office did (no holder at the due, or the holder had no shift then).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from policies.service.standards import SECONDS_PER_RING_DEFAULT, Standard, standard


class State(StrEnum):
    RUNNING = "running"
    MET = "met"
    BREACHED = "breached"
    EXCUSED = "excused"


class Excuse(StrEnum):
    NONE = ""
    RESIDENT_NO_ACCESS = "resident_no_access"
    RESIDENT_WAITING = "resident_waiting"
    NOBODY_ON_DUTY = "nobody_on_duty"
    # The one who answered was still on another call while this one rang: the office had
    # nobody free, which is not that person's fault.
    LINE_BUSY = "line_busy"


class WorkingDays(Protocol):
    """The office calendar (compliance.calendar.service.OfficeCalendar is one)."""

    def is_working_day(self, day: date) -> bool: ...


class Duty(Protocol):
    """Whether a staff member had any shift overlapping [start, end] (the clock's run)."""

    def on_duty(self, staff_id: int, start: datetime, end: datetime) -> bool: ...


@dataclass(frozen=True)
class Event:
    """One step on a work order as the clocks see it."""

    id: int
    action: str  # compliance.service.models.EventAction values
    at: datetime
    staff_id: int | None = None
    # The step carries its evidence: a reply/contact/follow-up with its call or an in-person
    # note, a check-in, a photo, a waiting with the contact recorded, an assignment naming
    # someone, a rectification with its deadline and penalty.
    evidence: bool = False
    # A handling or arrival that found nobody home (the resident gave no access).
    no_access: bool = False


@dataclass(frozen=True)
class Hop:
    """Who held the order in one role from when to when (end None: still holds it)."""

    role: str  # "manager" | "executor" | "duty"
    staff_id: int
    start_at: datetime
    end_at: datetime | None = None


@dataclass(frozen=True)
class Revisit:
    """A return visit of the order."""

    id: int
    at: datetime
    staff_id: int


@dataclass(frozen=True)
class Order:
    """A work order's timeline."""

    id: int
    kind: str  # complaint | repair | housekeeping | emergency
    channel: str
    severity: str  # normal | important | major
    complaint_class: str
    received_at: datetime
    receiver_staff_id: int | None
    events: tuple[Event, ...] = ()
    hops: tuple[Hop, ...] = ()
    revisits: tuple[Revisit, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class Call:
    """A front-desk call (only incoming calls have the ring clock)."""

    id: int
    called_at: datetime
    direction: str = "in"
    answered: bool = True
    rings: int | None = None
    answer_seconds: int | None = None
    staff_id: int | None = None
    duration_seconds: int | None = None


def busy_calls(calls: Sequence[Call], seconds_per_ring: int) -> frozenset[int]:
    """The incoming calls that rang while the one who answered them was still talking on an
    earlier call (its answer time plus its duration): late through no fault of theirs."""
    per_ring = max(1, seconds_per_ring)
    by_staff: dict[int, list[tuple[datetime, datetime, int]]] = {}
    for c in calls:
        if c.staff_id is None or not c.answered:
            continue
        wait = c.answer_seconds if c.answer_seconds is not None else (c.rings or 0) * per_ring
        start = c.called_at + timedelta(seconds=wait)
        end = start + timedelta(seconds=c.duration_seconds or 0)
        by_staff.setdefault(c.staff_id, []).append((c.called_at, end, c.id))
    busy: set[int] = set()
    for spans in by_staff.values():
        spans.sort()
        talking_until: datetime | None = None
        for rang_at, end, call_id in spans:
            if talking_until is not None and rang_at < talking_until:
                busy.add(call_id)
            talking_until = end if talking_until is None else max(talking_until, end)
    return frozenset(busy)


@dataclass(frozen=True)
class Notice:
    """A lobby notice: when the majority issue was detected, when it was posted, by whom."""

    id: int
    detected_at: datetime
    posted_at: datetime | None
    staff_id: int | None


@dataclass
class Context:
    """What every clock needs besides its subject."""

    tz: ZoneInfo
    calendar: WorkingDays
    now: datetime
    duty: Duty | None = None
    head_staff_ids: frozenset[int] = frozenset()
    seconds_per_ring: int = SECONDS_PER_RING_DEFAULT
    _due_days: dict[tuple[date, int], date] = field(default_factory=dict, repr=False)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def end_of(self, day: date) -> datetime:
        """The end of a local day (the next local midnight), in UTC."""
        return datetime.combine(day + timedelta(days=1), time(0), self.tz).astimezone(UTC)

    def working_day_due(self, day: date, n: int) -> date:
        """The day a working-day target ends: `day` (or the next working day after a rest day),
        then n working days later."""
        key = (day, n)
        found = self._due_days.get(key)
        if found is None:
            d = day
            while not self.calendar.is_working_day(d):
                d += timedelta(days=1)
            left = n
            while left:
                d += timedelta(days=1)
                if self.calendar.is_working_day(d):
                    left -= 1
            found = self._due_days[key] = d
        return found


@dataclass(frozen=True)
class ClockResult:
    """One evaluated clock, as stored in service_clock."""

    standard: str
    version: int
    subject_key: str
    order_id: int | None
    started_at: datetime
    due_at: datetime | None
    stopped_at: datetime | None
    state: State
    elapsed_seconds: int
    paused_seconds: int
    holder_staff_id: int | None
    excuse: Excuse = Excuse.NONE
    # The records behind it: the order's event ids that started, paused and stopped it.
    event_ids: tuple[int, ...] = ()
    # Due at the end of an office day (not a wall-clock count of minutes): warned of only in
    # office hours.
    on_calendar: bool = False

    @property
    def attributable(self) -> bool:
        """A breach blamed on a person: breached (not excused) with a holder named."""
        return self.state is State.BREACHED and self.holder_staff_id is not None


# --- the generic clock ---------------------------------------------------------------------


def _holder(
    hops: Iterable[Hop], roles: tuple[str, ...], at: datetime, *, up_to: bool = False
) -> int | None:
    """The staff member holding a hop in the first of `roles` that has one at `at`.

    With `up_to`, the one who held it just before `at` comes first (a hop ending exactly at
    `at` counts): the step that stops a clock closes its doer's hop at the same instant, and a
    met clock is the doer's, not the next holder's."""
    hops = tuple(hops)
    for role in roles:
        if up_to:
            for hop in hops:
                if (
                    hop.role == role
                    and hop.start_at < at
                    and (hop.end_at is None or at <= hop.end_at)
                ):
                    return hop.staff_id
        for hop in hops:
            if hop.role == role and hop.start_at <= at and (hop.end_at is None or at < hop.end_at):
                return hop.staff_id
    return None


def _pauses(
    events: Iterable[Event], start: datetime
) -> list[tuple[datetime, datetime | None, int]]:
    """The evidence-backed waits on the resident: (from, to or None, event id)."""
    out: list[tuple[datetime, datetime | None, int]] = []
    open_at: tuple[datetime, int] | None = None
    for e in events:
        if e.at < start:
            continue
        if e.action == "wait_resident" and e.evidence and open_at is None:
            open_at = (e.at, e.id)
        elif e.action in ("resume", "handle", "close", "cancel") and open_at is not None:
            out.append((open_at[0], e.at, open_at[1]))
            open_at = None
    if open_at is not None:
        out.append((open_at[0], None, open_at[1]))
    return out


def _waiting_at(events: Iterable[Event], at: datetime) -> bool:
    """Whether the order was waiting on the resident (contact recorded) at `at`."""
    return any(
        a <= at and (b is None or at < b)
        for a, b, _ in _pauses(events, datetime.min.replace(tzinfo=UTC))
    )


def run(
    std: Standard,
    ctx: Context,
    *,
    subject_key: str,
    order_id: int | None,
    start: datetime,
    due: datetime,
    stop: datetime | None,
    inclusive: bool,
    on_calendar: bool,
    pauses: Sequence[tuple[datetime, datetime | None, int]] = (),
    holder_at: Callable[[datetime], int | None],
    holder_up_to: Callable[[datetime], int | None] | None = None,
    excuse_at_due: Callable[[datetime], Excuse] = lambda _due: Excuse.NONE,
    event_ids: tuple[int, ...] = (),
) -> ClockResult:
    """One clock: moved on by pauses, stopped by evidence, breached at its due time.

    A met clock is credited to `holder_up_to(stop)` (who held it up to the stop), a running one
    to the holder now, a breached one to the holder at the due time."""
    end = stop if stop is not None else ctx.now
    paused = 0
    paused_now = False
    due_at: datetime | None = due
    for p_from, p_to, _ in sorted(pauses):
        if p_from >= end:
            break
        upto = min(p_to, end) if p_to is not None else end
        paused += max(0, int((upto - p_from).total_seconds()))
        if due_at is not None and p_from < due_at:
            if p_to is None or p_to > end:
                paused_now = stop is None and p_to is None
                due_at = None if paused_now else due_at + (upto - p_from)
            else:
                due_at = due_at + (p_to - p_from)
    elapsed = max(0, int((end - start).total_seconds()) - paused)

    def in_time(at: datetime) -> bool:
        assert due_at is not None
        return at <= due_at if inclusive else at < due_at

    if stop is not None and (due_at is None or in_time(stop)):
        state, holder, excuse = State.MET, (holder_up_to or holder_at)(stop), Excuse.NONE
    elif due_at is None or (stop is None and in_time(ctx.now)):
        state, holder, excuse = State.RUNNING, holder_at(ctx.now), Excuse.NONE
    else:
        holder = holder_at(due_at)
        excuse = excuse_at_due(due_at)
        if excuse is Excuse.NONE:
            if holder is None:
                excuse = Excuse.NOBODY_ON_DUTY
            elif ctx.duty is not None and not ctx.duty.on_duty(holder, start, due_at):
                excuse = Excuse.NOBODY_ON_DUTY
        state = State.EXCUSED if excuse is not Excuse.NONE else State.BREACHED
    ids = tuple(sorted(set(event_ids) | {p[2] for p in pauses if p[2]}))
    return ClockResult(
        standard=std.code,
        version=std.version,
        subject_key=subject_key,
        order_id=order_id,
        started_at=start,
        due_at=due_at,
        stopped_at=stop,
        state=state,
        elapsed_seconds=elapsed,
        paused_seconds=paused,
        holder_staff_id=holder,
        excuse=excuse,
        event_ids=ids,
        on_calendar=on_calendar,
    )


# --- per standard ----------------------------------------------------------------------------


def _first(
    events: Iterable[Event],
    actions: tuple[str, ...],
    after: datetime,
    ok: Callable[[Event], bool] = lambda e: True,
) -> Event | None:
    for e in events:
        if e.action in actions and e.evidence and e.at >= after and ok(e):
            return e
    return None


def _receive_id(order: Order) -> tuple[int, ...]:
    return tuple(e.id for e in order.events if e.action == "receive")


def _no_access_before(order: Order, due: datetime) -> bool:
    return any(e.no_access and e.at <= due for e in order.events)


def _calendar_due(ctx: Context, start: datetime, n: int) -> datetime:
    return ctx.end_of(ctx.working_day_due(ctx.local_day(start), n))


def _days_due(ctx: Context, start: datetime, n: int) -> datetime:
    return ctx.end_of(ctx.local_day(start) + timedelta(days=n))


def _resident_excuse(order: Order) -> Callable[[datetime], Excuse]:
    def excuse(due: datetime) -> Excuse:
        if _no_access_before(order, due):
            return Excuse.RESIDENT_NO_ACCESS
        if _waiting_at(order.events, due):
            return Excuse.RESIDENT_WAITING
        return Excuse.NONE

    return excuse


def _holder_fn(
    order: Order, roles: tuple[str, ...], fallback: int | None, *, up_to: bool = False
) -> Callable[[datetime], int | None]:
    def holder(at: datetime) -> int | None:
        found = _holder(order.hops, roles, at, up_to=up_to)
        return found if found is not None else fallback

    return holder


def _key(order: Order) -> str:
    return f"order:{order.id}"


def s01(call: Call, ctx: Context, *, line_busy: bool = False) -> ClockResult | None:
    """A call answered within 3 rings (or the seconds of 3 rings). `line_busy`: the one who
    answered was on another call while it rang (see `busy_calls`), which excuses them."""
    std = standard("S01")
    if call.direction != "in":
        return None
    per_ring = max(1, ctx.seconds_per_ring)
    due = call.called_at + timedelta(seconds=std.target * per_ring)
    if not call.answered:
        stop = None
        seconds = 0
    elif call.rings is not None:
        seconds = call.rings * per_ring
        stop = call.called_at + timedelta(seconds=seconds)
    elif call.answer_seconds is not None:
        seconds = call.answer_seconds
        stop = call.called_at + timedelta(seconds=seconds)
    else:
        return None
    if call.answered and call.rings is not None:
        state = State.MET if call.rings <= std.target else State.BREACHED
    elif call.answered:
        state = State.MET if seconds <= std.target * per_ring else State.BREACHED
    else:
        state = State.BREACHED
    excuse = Excuse.NONE
    if state is State.BREACHED and call.staff_id is None:
        excuse = Excuse.NOBODY_ON_DUTY
        state = State.EXCUSED
    elif state is State.BREACHED and line_busy:
        excuse = Excuse.LINE_BUSY
        state = State.EXCUSED
    return ClockResult(
        standard=std.code,
        version=std.version,
        subject_key=f"call:{call.id}",
        order_id=None,
        started_at=call.called_at,
        due_at=due,
        stopped_at=stop,
        state=state,
        elapsed_seconds=seconds,
        paused_seconds=0,
        holder_staff_id=call.staff_id,
        excuse=excuse,
    )


def s02(order: Order, ctx: Context) -> ClockResult | None:
    """A complaint assigned to a manager within 10 minutes (wall clock, day and night)."""
    if order.kind != "complaint":
        return None
    std = standard("S02")
    stop = _first(order.events, ("assign_manager",), order.received_at)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=order.received_at + timedelta(minutes=std.target),
        stop=stop.at if stop else None,
        inclusive=True,
        on_calendar=False,
        holder_at=lambda _at: order.receiver_staff_id,
        event_ids=_receive_id(order) + ((stop.id,) if stop else ()),
    )


def _is_written_complaint(order: Order) -> bool:
    return order.kind == "complaint" and order.channel == "written"


def _is_attitude(order: Order) -> bool:
    return order.kind == "complaint" and order.complaint_class == "attitude"


def s03(order: Order, ctx: Context) -> ClockResult | None:
    """A work order answered the same working day (written and attitude complaints have their
    own, stricter clocks, S04 and S05, and are not counted twice)."""
    if order.kind == "emergency" or _is_written_complaint(order) or _is_attitude(order):
        return None
    std = standard("S03")
    stop = _first(order.events, ("reply",), order.received_at)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=_calendar_due(ctx, order.received_at, std.target),
        stop=stop.at if stop else None,
        inclusive=False,
        on_calendar=True,
        holder_at=_holder_fn(order, ("manager", "executor"), order.receiver_staff_id),
        holder_up_to=_holder_fn(
            order, ("manager", "executor"), order.receiver_staff_id, up_to=True
        ),
        excuse_at_due=_resident_excuse(order),
        event_ids=_receive_id(order) + ((stop.id,) if stop else ()),
    )


def _head_fallback(order: Order, ctx: Context) -> int | None:
    heads = sorted(ctx.head_staff_ids)
    return heads[0] if len(heads) == 1 else None


def s04(order: Order, ctx: Context) -> ClockResult | None:
    """A written complaint answered the same day; an important (or major) one within 2
    working days, by the office head (a reply by anyone else does not stop it)."""
    if not _is_written_complaint(order):
        return None
    std = standard("S04")
    important = order.severity in ("important", "major")
    target = std.target_important if important and std.target_important is not None else 0
    if important:
        stop = _first(
            order.events, ("reply",), order.received_at, lambda e: e.staff_id in ctx.head_staff_ids
        )
        head = _head_fallback(order, ctx)
        holder = _holder_fn(order, ("manager",), order.receiver_staff_id)
        holder_at = (lambda _at: head) if head is not None else holder
        up_to = (
            holder_at
            if head is not None
            else _holder_fn(order, ("manager",), order.receiver_staff_id, up_to=True)
        )
    else:
        stop = _first(order.events, ("reply",), order.received_at)
        holder_at = _holder_fn(order, ("manager", "executor"), order.receiver_staff_id)
        up_to = _holder_fn(order, ("manager", "executor"), order.receiver_staff_id, up_to=True)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=_calendar_due(ctx, order.received_at, target),
        stop=stop.at if stop else None,
        inclusive=False,
        on_calendar=True,
        holder_at=holder_at,
        holder_up_to=up_to,
        excuse_at_due=_resident_excuse(order),
        event_ids=_receive_id(order) + ((stop.id,) if stop else ()),
    )


def s05(order: Order, ctx: Context) -> ClockResult | None:
    """An attitude complaint answered the same day by the office head, with a rectification
    (deadline and penalty) recorded: the clock stops when both are there."""
    if not _is_attitude(order):
        return None
    std = standard("S05")
    by_head = (
        (lambda e: e.staff_id in ctx.head_staff_ids) if ctx.head_staff_ids else (lambda e: True)
    )
    reply = _first(order.events, ("reply",), order.received_at, by_head)
    rectify = _first(order.events, ("rectify",), order.received_at, by_head)
    stop = max(reply.at, rectify.at) if reply and rectify else None
    head = _head_fallback(order, ctx)
    holder = _holder_fn(order, ("manager",), order.receiver_staff_id)
    up_to = _holder_fn(order, ("manager",), order.receiver_staff_id, up_to=True)
    ids = tuple(e.id for e in (reply, rectify) if e is not None)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=_calendar_due(ctx, order.received_at, std.target),
        stop=stop,
        inclusive=False,
        on_calendar=True,
        holder_at=(lambda _at: head) if head is not None else holder,
        holder_up_to=(lambda _at: head) if head is not None else up_to,
        excuse_at_due=_resident_excuse(order),
        event_ids=_receive_id(order) + ids,
    )


def s06(order: Order, ctx: Context) -> ClockResult | None:
    """A repair or housekeeping request done the same working day (a handling with its photo),
    paused while waiting on the resident with the contact recorded."""
    if order.kind not in ("repair", "housekeeping"):
        return None
    std = standard("S06")
    stop = _first(order.events, ("handle",), order.received_at, lambda e: not e.no_access)
    pauses = _pauses(order.events, order.received_at)

    def excuse(due: datetime) -> Excuse:
        return Excuse.RESIDENT_NO_ACCESS if _no_access_before(order, due) else Excuse.NONE

    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=_calendar_due(ctx, order.received_at, std.target),
        stop=stop.at if stop else None,
        inclusive=False,
        on_calendar=True,
        pauses=pauses,
        holder_at=_holder_fn(order, ("executor", "manager"), None),
        holder_up_to=_holder_fn(order, ("executor", "manager"), None, up_to=True),
        excuse_at_due=excuse,
        event_ids=_receive_id(order) + ((stop.id,) if stop else ()),
    )


def _handled(order: Order) -> Event | None:
    for e in order.events:
        if e.action == "handle":
            return e
    return None


def s07(order: Order, ctx: Context) -> ClockResult | None:
    """A complaint followed up with the resident within 3 days of its handling (a follow-up
    with its call, or an in-person note)."""
    if order.kind != "complaint":
        return None
    handled = _handled(order)
    if handled is None:
        return None
    std = standard("S07")
    stop = _first(order.events, ("follow_up",), handled.at)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=handled.at,
        due=_days_due(ctx, handled.at, std.target),
        stop=stop.at if stop else None,
        inclusive=False,
        on_calendar=True,
        holder_at=_holder_fn(order, ("manager",), order.receiver_staff_id),
        holder_up_to=_holder_fn(order, ("manager",), order.receiver_staff_id, up_to=True),
        excuse_at_due=_resident_excuse(order),
        event_ids=(handled.id,) + ((stop.id,) if stop else ()),
    )


def s08(order: Order, ctx: Context) -> list[ClockResult]:
    """A complaint not handled within 7 days: the resident contacted at least every 7 days
    until it is; each gap longer than that is one breach (one clock per gap)."""
    if order.kind != "complaint":
        return []
    std = standard("S08")
    handled = _handled(order)
    first_due = _days_due(ctx, order.received_at, std.target)
    if handled is not None and handled.at < first_due:
        return []
    until = handled.at if handled is not None else None
    contacts = [
        e
        for e in order.events
        if e.action in ("contact", "reply", "follow_up")
        and e.evidence
        and e.at >= order.received_at
        and (until is None or e.at <= until)
    ]
    out: list[ClockResult] = []
    start, start_id = order.received_at, (_receive_id(order) or (0,))[0]
    n = 0
    while True:
        due = _days_due(ctx, start, std.target)
        nxt = next((c for c in contacts if c.at > start), None)
        stop_at = nxt.at if nxt is not None else until
        n += 1
        out.append(
            run(
                std,
                ctx,
                subject_key=f"order:{order.id}:{n}",
                order_id=order.id,
                start=start,
                due=due,
                stop=stop_at,
                inclusive=False,
                on_calendar=True,
                holder_at=lambda _at: order.receiver_staff_id,
                excuse_at_due=_resident_excuse(order),
                event_ids=tuple(i for i in (start_id, nxt.id if nxt else 0) if i),
            )
        )
        if nxt is None:
            break
        start, start_id = nxt.at, nxt.id
    return out


def s09(order: Order, ctx: Context) -> ClockResult | None:
    """An emergency: duty staff on site within 5 minutes (a check-in of a duty hop holder)."""
    if order.kind != "emergency":
        return None
    std = standard("S09")
    duty = {h.staff_id for h in order.hops if h.role == "duty"}
    stop = _first(order.events, ("arrive",), order.received_at, lambda e: e.staff_id in duty)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=order.received_at,
        due=order.received_at + timedelta(minutes=std.target),
        stop=stop.at if stop else None,
        inclusive=True,
        on_calendar=False,
        holder_at=_holder_fn(order, ("duty",), None),
        holder_up_to=_holder_fn(order, ("duty",), None, up_to=True),
        event_ids=_receive_id(order) + ((stop.id,) if stop else ()),
    )


def s10(notice: Notice, ctx: Context) -> ClockResult:
    """A lobby notice posted within a week of the majority issue being detected."""
    std = standard("S10")
    return run(
        std,
        ctx,
        subject_key=f"notice:{notice.id}",
        order_id=None,
        start=notice.detected_at,
        due=_days_due(ctx, notice.detected_at, std.target),
        stop=notice.posted_at,
        inclusive=False,
        on_calendar=True,
        holder_at=lambda _at: notice.staff_id,
    )


# A complaint is revisited within this many days of its handling (the monthly revisit round).
REVISIT_DAYS = 30


def s14(order: Order, ctx: Context) -> ClockResult | None:
    """A complaint revisited (a major one by the office head) within the month after its
    handling."""
    if order.kind != "complaint":
        return None
    handled = _handled(order)
    if handled is None:
        return None
    std = standard("S14")
    major = order.severity == "major" and bool(ctx.head_staff_ids)
    visit = next(
        (
            v
            for v in sorted(order.revisits, key=lambda v: v.at)
            if v.at >= handled.at and (not major or v.staff_id in ctx.head_staff_ids)
        ),
        None,
    )
    head = _head_fallback(order, ctx) if major else None
    holder = _holder_fn(order, ("manager",), order.receiver_staff_id)
    up_to = _holder_fn(order, ("manager",), order.receiver_staff_id, up_to=True)
    return run(
        std,
        ctx,
        subject_key=_key(order),
        order_id=order.id,
        start=handled.at,
        due=_days_due(ctx, handled.at, REVISIT_DAYS),
        stop=visit.at if visit else None,
        inclusive=False,
        on_calendar=True,
        holder_at=(lambda _at: head) if head is not None else holder,
        holder_up_to=(lambda _at: head) if head is not None else up_to,
        event_ids=(handled.id,),
    )


ORDER_CLOCKS: dict[str, Callable[[Order, Context], ClockResult | None]] = {
    "S02": s02,
    "S03": s03,
    "S04": s04,
    "S05": s05,
    "S06": s06,
    "S07": s07,
    "S09": s09,
    "S14": s14,
}


def evaluate(std: Standard, order: Order, ctx: Context) -> list[ClockResult]:
    """The clocks of one standard on one work order (S08 has one per gap)."""
    if order.cancelled:
        return []
    if std.code == "S08":
        return s08(order, ctx)
    fn = ORDER_CLOCKS.get(std.code)
    if fn is None:
        return []
    found = fn(order, ctx)
    return [found] if found is not None else []


def order_clocks(order: Order, ctx: Context) -> list[ClockResult]:
    """Every clock a work order has."""
    if order.cancelled:
        return []
    out: list[ClockResult] = []
    for fn in ORDER_CLOCKS.values():
        found = fn(order, ctx)
        if found is not None:
            out.append(found)
    out.extend(s08(order, ctx))
    return out


__all__ = [
    "Call",
    "ClockResult",
    "Context",
    "Duty",
    "Event",
    "Excuse",
    "Hop",
    "Notice",
    "Order",
    "Revisit",
    "State",
    "WorkingDays",
    "busy_calls",
    "evaluate",
    "order_clocks",
    "s01",
    "s10",
]
