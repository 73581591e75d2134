"""Service standards data (rulebook articles 2–3) for the demo office and the benchmark.

Work orders are simulated one by one through their life cycle - 受理 → 派单 → 接单 → 处理中
⇄ 等待住户 → 已处理 → 待回访 → 已关闭, with transfers (转单) and give-backs (退单) - as the
append-only events a front desk would have recorded, with the hops (who held the order in
which role, from which event to which) and the calls each contact was made on. The order row's
state, holders and times are derived from its events, as the service writes them. Everything
after `now` is cut off, so the last days' orders are still open and their clocks running.

Next to plain orders the plan injects the ways each standard is missed (labels below), at the
rates of `ServiceRates` and at least `min_each` of each: a late assignment (S02), a reply the
next working day (S03), a written complaint answered late or by someone other than the office
head (S04), an attitude complaint without a rectification (S05), a repair done the next day
(S06, the holder being the executor at the end of the day even when it was transferred after),
a late follow-up (S07), a long-running complaint with a gap of more than seven days between
contacts (S08), a duty guard on site after more than five minutes (S09), a lobby notice posted
late (S10), a month short of return visits (S11), months of poor ratings (S12, S13), a
complaint never revisited or a major one revisited by someone else than the office head (S14),
a quarter's fees collected under 99% (S15) and calls answered after more than three rings or
not at all (S01). Some breaches are the resident's (no access, waiting on the resident) or the
office's (a call at night when no one is on the desk): those are excused, the others are the
holder's.

Rows go in with the demo builder's bulk inserts (compliance.demo.builder); the sealed tables
are sealed when the caller's transaction commits. One random.Random drives everything.
"""

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlmodel import col

from compliance.attendance.models import RosterShift
from compliance.calendar.service import CalendarNotCovered, OfficeCalendar
from compliance.demo import names as N
from compliance.demo.builder import HOUR, MIN, Builder, Row, pick_labels
from compliance.residents.models import Unit
from compliance.service.models import (
    Channel,
    ComplaintClass,
    EventAction,
    FeeBill,
    FeeContact,
    FeeItem,
    FeePayment,
    HopRole,
    LobbyNotice,
    OrderKind,
    OrderState,
    ReturnVisit,
    ServiceCall,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
    Severity,
)
from compliance.service.orders import COUNTER_NAME, NUMBER_PREFIX

A = EventAction
S = OrderState
DAY = 86_400
COUNTER = COUNTER_NAME  # the work orders' gap-free number sequence, per office and year


@dataclass(frozen=True)
class ServiceRates:
    """How many orders and calls, and how often each standard is missed."""

    orders_per_day: float = 4.0
    # Calls that open no order (questions, bookings), per day.
    enquiry_calls_per_day: float = 9.0
    complaint: float = 0.13
    housekeeping: float = 0.25  # the rest are repairs
    min_each: int = 2
    # Complaints: shares of complaints.
    written: float = 0.25
    attitude: float = 0.15
    important: float = 0.15
    major: float = 0.04
    late_assign: float = 0.07  # S02
    late_reply: float = 0.03  # S03
    late_written: float = 0.2  # S04, of written complaints
    not_by_head: float = 0.2  # S04, of important written complaints
    no_rectify: float = 0.25  # S05, of attitude complaints
    late_follow_up: float = 0.07  # S07
    follow_up_no_call: float = 0.03  # a follow-up "made" with no call on record (gaming flag)
    long_running: float = 0.08  # S08, handled after weeks
    long_gap: float = 0.5  # S08, of the long-running ones: a gap of more than 7 days
    no_revisit: float = 0.05  # S14
    # Repairs and housekeeping: shares of those orders.
    late_handle: float = 0.03  # S06, the executor's
    late_after_transfer: float = 0.02  # S06, late, then transferred: the first holder's
    waiting: float = 0.06  # paused overnight waiting on the resident (excused)
    no_access: float = 0.03  # done the next day, the resident gave no access (excused)
    transfer: float = 0.05
    give_back: float = 0.04
    reopen: float = 0.01
    cancel: float = 0.01
    # Calls: shares of incoming calls during desk hours.
    rings: tuple[float, ...] = (0.33, 0.38, 0.257, 0.02, 0.008, 0.005)  # 1..6 rings
    seconds_only: float = 0.15  # the phone system gave seconds, not rings
    unanswered: float = 0.02
    night_calls: float = 0.06  # calls after hours (nobody on the desk)
    # Return visits: households a month besides the complaints' revisits.
    households_per_month: int = 24
    # Fees: the last quarter's share collected (per mille); earlier ones are collected in full
    # but for a household or two.
    last_quarter_collected: int = 983


@dataclass
class People:
    """Who does what in the office's service work."""

    desk: list[int]  # front-desk staff (客服)
    managers: list[int]  # responsible managers
    head: int  # the office head's staff record
    head_user: int
    manager_user: int
    desk_user: int
    by_team: dict[str, list[int]]
    user_of: dict[int, int]  # staff id → user id, for staff who sign in
    favourites: list[int] = field(default_factory=list)  # staff with sign-ins get more orders


@dataclass(slots=True)
class _Order:
    kind: str
    channel: str
    severity: str
    cls: str
    unit_id: int | None
    label: str
    received: datetime
    receiver: int
    number: str = ""
    events: list[Row] = field(default_factory=list)
    hops: list[list[Any]] = field(default_factory=list)  # [role, staff, start ev, end ev, why]
    flow_last: datetime | None = None
    id: int = 0


class ServiceGenerator:
    """Generates one office's service records over `days` days from the builder's start."""

    def __init__(
        self,
        b: Builder,
        people: People,
        rates: ServiceRates,
        rng: random.Random,
        *,
        photos: Sequence[int] = (),
    ) -> None:
        self.b, self.p, self.r, self.rng = b, people, rates, rng
        self.cal = OfficeCalendar(b.session, b.office_id)
        self.photos = list(photos)
        self.orders: list[_Order] = []
        self.calls: list[Row] = []
        self.visits: list[Row] = []
        self.shifts: dict[int, set[int]] = defaultdict(set)  # day → staff rostered
        first = b.local.day(0)
        for staff_id, work_date in b.session.execute(
            select(col(RosterShift.staff_id), col(RosterShift.work_date)).where(
                col(RosterShift.office_id) == b.office_id,
                col(RosterShift.work_date) >= first,
            )
        ):
            self.shifts[(work_date - first).days].add(staff_id)
        rows = b.session.execute(
            select(col(Unit.id), col(Unit.building))
            .where(col(Unit.office_id) == b.office_id)
            .order_by(col(Unit.id))
        ).all()
        self.units = [uid for uid, _ in rows]
        self.building: dict[int, str] = {uid: bld for uid, bld in rows}
        self.numbers: dict[int, int] = defaultdict(int)
        self._working: dict[int, bool] = {}

    # -- time ---------------------------------------------------------------------------

    def at(self, d: int, seconds: int) -> datetime:
        return self.b.local.at(d, seconds)

    def day_of(self, t: datetime) -> int:
        return (t.astimezone(self.b.local.tz).date() - self.b.local.start).days

    def working(self, d: int) -> bool:
        """Whether day d is a working day of the office (public holidays, 调休)."""
        known = self._working.get(d)
        if known is None:
            day = self.b.local.day(d)
            try:
                known = self.cal.is_working_day(day)
            except CalendarNotCovered:  # a year the calendar package does not know yet
                known = day.weekday() < 5
            self._working[d] = known
        return known

    def deadline_day(self, d: int) -> int:
        """The day a same-working-day clock started on day d ends (its last day)."""
        while not self.working(d):
            d += 1
        return d

    def next_working(self, d: int) -> int:
        """The first working day after day d."""
        return self.deadline_day(d + 1)

    def add_working(self, d: int, n: int) -> int:
        """The n-th working day after day d."""
        for _ in range(n):
            d = self.next_working(d)
        return d

    # -- people -------------------------------------------------------------------------

    def on_duty(self, staff: list[int], d: int) -> list[int]:
        rostered = self.shifts.get(d, set())
        return [s for s in staff if s in rostered]

    def executor(self, kind: str, d: int, avoid: int | None = None) -> int:
        team = self.p.by_team["保洁" if kind == OrderKind.HOUSEKEEPING else "维修"]
        pool = [s for s in self.on_duty(team, d) if s != avoid] or [s for s in team if s != avoid]
        fav = [s for s in self.p.favourites if s in pool]
        if fav and self.rng.random() < 0.3:
            return fav[0]
        return self.rng.choice(pool or team)

    def desk_at(self, d: int, seconds: int) -> int | None:
        """The front-desk staff on duty at that time (None after hours or on their rest day)."""
        if not 8 * HOUR + 30 * MIN <= seconds < 17 * HOUR + 30 * MIN:
            return None
        on = self.on_duty(self.p.desk, d)
        return on[(d + seconds // HOUR) % len(on)] if on else None

    def user(self, staff: int | None, default: int) -> int:
        return self.p.user_of.get(staff or 0, default)

    # -- calls --------------------------------------------------------------------------

    def call_in(
        self,
        t: datetime,
        unit_id: int | None,
        purpose: str,
        *,
        order: _Order | None = None,
        answered_by: int | None,
        rings: int | None = None,
    ) -> int:
        """An incoming call answered at t (when it rang a little earlier); its index."""
        r = self.rng
        if rings is None:
            rings = r.choices(range(1, 7), self.r.rings)[0]
        seconds_only = r.random() < self.r.seconds_only
        answer_s = rings * 5 - r.randint(0, 4)
        row = {
            "office_id": self.b.office_id,
            "called_at": t - timedelta(seconds=answer_s),
            "direction": "in",
            "answered": answered_by is not None,
            "rings": None if seconds_only else rings,
            "answer_seconds": answer_s if seconds_only else None,
            "duration_seconds": r.randint(40, 400) if answered_by is not None else None,
            "answered_by_staff_id": answered_by,
            "caller_phone": N.mobile(r),
            "unit_id": unit_id,
            "purpose": purpose,
            "order_id": order,
            "source": "import" if seconds_only else "entered",
            "source_key": None,
            "created_at": t,
            "created_by": self.p.desk_user,
        }
        self.calls.append(row)
        return len(self.calls) - 1

    def call_out(self, t: datetime, o: _Order, staff: int, purpose: str) -> int:
        """An outgoing call to the household (a reply, a follow-up, a contact)."""
        r = self.rng
        self.calls.append(
            {
                "office_id": self.b.office_id,
                "called_at": t,
                "direction": "out",
                "answered": True,
                "rings": None,
                "answer_seconds": None,
                "duration_seconds": r.randint(60, 300),
                "answered_by_staff_id": staff,
                "caller_phone": N.mobile(r),
                "unit_id": o.unit_id,
                "purpose": purpose,
                "order_id": o,
                "source": "entered",
                "source_key": None,
                "created_at": t,
                "created_by": self.user(staff, self.p.desk_user),
            }
        )
        return len(self.calls) - 1

    # -- events -------------------------------------------------------------------------

    def ev(
        self,
        o: _Order,
        action: A,
        at: datetime,
        to: S | None = None,
        *,
        staff: int | None = None,
        by: int | None = None,
        note: str = "",
        reason: str = "",
        call: int | None = None,
        photo: int | None = None,
        checkin: tuple[str, str] = ("", ""),
        details: dict[str, Any] | None = None,
        side: bool = False,
    ) -> int:
        """Add one event; its index in the order's events as added.

        Steps of the work follow one another (one is never before the last); a `side` step
        (the manager's answer to the resident) happens whenever it happens, alongside. The
        events are put in time order, and their states chained, by `finish`.
        """
        if not side and o.flow_last is not None and at <= o.flow_last:
            at = o.flow_last + timedelta(seconds=self.rng.randint(20, 90))
        if not side:
            o.flow_last = at
        o.events.append(
            {
                "office_id": self.b.office_id,
                "order_id": 0,
                "action": action.value,
                "at": at,
                "from_state": "",
                "to_state": "" if to is None else to.value,
                "staff_id": staff,
                "note": note,
                "reason": reason,
                "call_id": call,
                "photo_file_id": photo,
                "checkin_method": checkin[0],
                "checkin_ref": checkin[1],
                "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
                "recorded_at": at,
                "recorded_by": by or self.p.desk_user,
            }
        )
        return len(o.events) - 1

    def last_at(self, o: _Order) -> datetime:
        """When the last step of the work was."""
        assert o.flow_last is not None
        return o.flow_last

    def finish(self, o: _Order) -> None:
        """Put the events in time order (the hops follow them) and chain their states."""
        order = sorted(range(len(o.events)), key=lambda i: (o.events[i]["at"], i))
        pos = {old: new for new, old in enumerate(order)}
        o.events = [o.events[i] for i in order]
        for h in o.hops:
            h[2] = pos[h[2]]
            h[3] = None if h[3] is None else pos[h[3]]
        state = ""
        for e in o.events:
            e["from_state"] = state
            state = e["to_state"] or state
            e["to_state"] = state

    def hop(self, o: _Order, role: HopRole, staff: int, event: int) -> None:
        o.hops.append([role.value, staff, event, None, ""])

    def end_hops(self, o: _Order, event: int, why: str, role: HopRole | None = None) -> None:
        for h in o.hops:
            if h[3] is None and (role is None or h[0] == role.value):
                h[3], h[4] = event, why

    def holder(self, o: _Order, role: HopRole) -> int:
        for h in reversed(o.hops):
            if h[0] == role.value and h[3] is None:
                staff: int = h[1]
                return staff
        return self.p.managers[0]

    # -- the plan -----------------------------------------------------------------------

    def plan(self, days: int, n_orders: int | None = None, n_enquiries: int | None = None) -> None:
        """Every order's life, the calls they were made on, and the enquiry calls."""
        r, rt = self.rng, self.r
        n = n_orders if n_orders is not None else round(rt.orders_per_day * days)
        kinds = r.choices(
            [OrderKind.COMPLAINT, OrderKind.HOUSEKEEPING, OrderKind.REPAIR],
            [rt.complaint, rt.housekeeping, 1 - rt.complaint - rt.housekeeping],
            k=n,
        )
        slots = sorted((r.randrange(days), self._time_of_day()) for _ in range(n))
        complaints = [i for i, k in enumerate(kinds) if k == OrderKind.COMPLAINT]
        works = [i for i, k in enumerate(kinds) if k != OrderKind.COMPLAINT]
        m = rt.min_each
        c_labels = pick_labels(
            r,
            len(complaints),
            [
                ("written_late", rt.written * rt.late_written, m),
                ("written_important_head", rt.written * rt.important, m),
                ("written_important_not_head", rt.written * rt.important * rt.not_by_head, m),
                ("written_important_late", rt.written * rt.important * 0.2, m),
                ("written", rt.written * (1 - rt.late_written - rt.important), m),
                ("attitude", rt.attitude * (1 - rt.no_rectify), m),
                ("attitude_no_rectify", rt.attitude * rt.no_rectify, m),
                ("major", rt.major, m),
                ("major_not_head", rt.major * 0.5, m),
                ("late_assign", rt.late_assign, m),
                ("late_reply", rt.late_reply, m),
                ("late_follow_up", rt.late_follow_up, m),
                ("follow_up_no_call", rt.follow_up_no_call, m),
                ("long_running", rt.long_running * (1 - rt.long_gap), m),
                ("long_gap", rt.long_running * rt.long_gap, m),
                ("no_revisit", rt.no_revisit, m),
                ("reopen", rt.reopen, 1),
                ("cancel", rt.cancel, 1),
            ],
        )
        w_labels = pick_labels(
            r,
            len(works),
            [
                ("late_handle", rt.late_handle, m),
                ("late_after_transfer", rt.late_after_transfer, m),
                ("waiting", rt.waiting * 0.7, m),
                ("waiting_no_reply", rt.waiting * 0.3, m),
                ("no_access", rt.no_access, m),
                ("transfer", rt.transfer, m),
                ("give_back", rt.give_back, m),
                ("late_reply", rt.late_reply, m),
                ("reopen", rt.reopen, 1),
                ("cancel", rt.cancel, 1),
            ],
        )
        labels = [""] * n
        for i, lab in zip(complaints, c_labels, strict=True):
            labels[i] = lab
        for i, lab in zip(works, w_labels, strict=True):
            labels[i] = lab
        for i in range(n):
            d, t = slots[i]
            if labels[i] in _OVERNIGHT:  # these need the afternoon of a day before the last
                d, t = min(d, max(0, days - 3)), self.rng.randint(14 * HOUR, 16 * HOUR)
            elif labels[i] == "late_assign":  # slow at the desk while someone was on it
                t = self.rng.randint(9 * HOUR, 16 * HOUR)
                for k in range(days):
                    if self.desk_at((d + k) % days, t) is not None:
                        d = (d + k) % days
                        break
            self.order(kinds[i], labels[i], d, t)
        self.enquiries(days, n_enquiries)

    def _time_of_day(self) -> int:
        r = self.rng
        if r.random() < self.r.night_calls:
            return r.randint(18 * HOUR, 22 * HOUR)
        return r.randint(8 * HOUR + 30 * MIN, 17 * HOUR + 25 * MIN)

    def order(self, kind: OrderKind, label: str, d: int, t: int) -> None:
        r = self.rng
        received = self.at(d, t)
        desk = self.desk_at(d, t)
        channel = Channel.PHONE
        if label.startswith("written"):
            channel = Channel.WRITTEN
        elif desk is None:
            channel = Channel.APP
        elif r.random() < 0.25:
            channel = Channel.COUNTER
        severity = Severity.NORMAL
        if "important" in label:
            severity = Severity.IMPORTANT
        elif label.startswith("major"):
            severity = Severity.MAJOR
        cls = ComplaintClass.NONE
        if kind == OrderKind.COMPLAINT:
            if label.startswith("attitude"):
                cls = ComplaintClass.ATTITUDE
            else:
                cls = r.choice(_CLASSES)
        unit_id = self.units[r.randrange(len(self.units))]
        receiver = desk if desk is not None else self.p.desk[0]
        o = _Order(
            kind.value, channel.value, severity.value, cls.value, unit_id, label, received, receiver
        )
        self.orders.append(o)
        call = None
        if channel == Channel.PHONE:
            call = self.call_in(received, unit_id, _purpose(kind), order=o, answered_by=desk)
        desc = _description(r, kind, cls.value)
        self.ev(o, A.RECEIVE, received, S.RECEIVED, staff=receiver, call=call, note=desc)
        if label == "cancel":
            self._assign(o, d, late=False)
            self.ev(
                o,
                A.CANCEL,
                received + timedelta(minutes=r.randint(20, 90)),
                S.CANCELLED,
                by=self.p.manager_user,
                reason="住户来电撤回:问题已自行解决。",
            )
            self.end_hops(o, len(o.events) - 1, "cancelled")
        elif kind == OrderKind.COMPLAINT:
            self._complaint(o, d, label)
        else:
            self._work(o, d, label)
        self.finish(o)

    def _assign(self, o: _Order, d: int, *, late: bool) -> None:
        r = self.rng
        minutes = r.randint(11, 45) if late else r.choice((2, 3, 4, 5, 6, 8, 10))
        manager = r.choice(self.p.managers)
        at = o.received + timedelta(
            minutes=minutes, seconds=0 if minutes == 10 else r.randint(0, 50)
        )
        if minutes == 10:  # exactly on the limit: meets it
            at = o.received + timedelta(minutes=10)
        i = self.ev(o, A.ASSIGN_MANAGER, at, staff=manager)
        self.hop(o, HopRole.MANAGER, manager, i)

    def _reply(
        self,
        o: _Order,
        at: datetime,
        staff: int,
        *,
        by: int | None = None,
        note: str = "",
        side: bool = False,
    ) -> None:
        call = self.call_out(at, o, staff, "答复住户")
        self.ev(
            o,
            A.REPLY,
            at,
            staff=staff,
            by=by or self.user(staff, self.p.manager_user),
            call=call,
            note=note or self.rng.choice(_REPLIES),
            details={"method": "phone"},
            side=side,
        )

    def _dispatch(self, o: _Order, at: datetime, staff: int, role: HopRole) -> None:
        i = self.ev(o, A.DISPATCH, at, S.DISPATCHED, staff=staff, details={"role": role.value})
        self.hop(o, role, staff, i)

    def _on_site(self, o: _Order, at: datetime, staff: int, *, accept: bool = True) -> datetime:
        r = self.rng
        by = self.user(staff, self.p.desk_user)
        if accept:
            self.ev(o, A.ACCEPT, at, S.ACCEPTED, staff=staff, by=by)
        arrive = at + timedelta(minutes=r.randint(8, 40))
        ref = f"unit:{o.unit_id}" if o.unit_id else "counter"
        self.ev(o, A.ARRIVE, arrive, S.IN_PROGRESS, staff=staff, by=by, checkin=("qr", ref))
        return arrive

    def _handle(
        self, o: _Order, at: datetime, staff: int, *, no_access: bool = False, note: str = ""
    ) -> int:
        photo = self.photos[len(self.orders) % len(self.photos)] if self.photos else None
        i = self.ev(
            o,
            A.HANDLE,
            at,
            S.HANDLED,
            staff=staff,
            by=self.user(staff, self.p.desk_user),
            photo=None if no_access else photo,
            note=note or ("住户不在家,无法入户。" if no_access else "已处理完毕。"),
            details={"no_access": True} if no_access else {},
        )
        self.end_hops(o, i, "handled", HopRole.EXECUTOR)
        return i

    def _work(self, o: _Order, d: int, label: str) -> None:
        """A repair or housekeeping order: dispatched, done the same working day (or not)."""
        r = self.rng
        self._assign(o, d, late=False)
        first = self.executor(o.kind, d)
        disp = self.last_at(o) + timedelta(minutes=r.randint(2, 12))
        self._dispatch(o, disp, first, HopRole.EXECUTOR)
        staff = first
        last_day = self.deadline_day(d)
        end_of_day = self.at(last_day + 1, 0)
        # The manager tells the resident what will happen, the same working day (or later).
        manager = self.holder(o, HopRole.MANAGER)
        if label == "late_reply":
            reply = self.at(self.next_working(last_day), 10 * HOUR)
        elif label == "waiting_no_reply":
            reply = self.at(self.next_working(last_day), 10 * HOUR + 30 * MIN)
        else:
            reply = min(
                disp + timedelta(minutes=r.randint(10, 60)), end_of_day - timedelta(minutes=2)
            )
        self._reply(o, reply, manager, note=r.choice(_WORK_REPLIES), side=True)
        if label == "give_back":
            self.ev(
                o,
                A.ACCEPT,
                disp + timedelta(minutes=5),
                S.ACCEPTED,
                staff=first,
                by=self.user(first, self.p.desk_user),
            )
            i = self.ev(
                o,
                A.RETURN,
                disp + timedelta(minutes=r.randint(10, 30)),
                S.RECEIVED,
                staff=first,
                by=self.user(first, self.p.desk_user),
                reason=r.choice(_GIVE_BACK_REASONS),
            )
            self.end_hops(o, i, "return", HopRole.EXECUTOR)
            staff = self.executor(o.kind, d, avoid=first)
            self._dispatch(
                o, self.last_at(o) + timedelta(minutes=r.randint(3, 10)), staff, HopRole.EXECUTOR
            )
        elif label == "transfer":
            i = self.ev(
                o,
                A.TRANSFER,
                disp + timedelta(minutes=r.randint(10, 40)),
                S.DISPATCHED,
                staff=(staff := self.executor(o.kind, d, avoid=first)),
                reason=r.choice(_TRANSFER_REASONS),
            )
            self.end_hops(o, i, "transfer", HopRole.EXECUTOR)
            self.hop(o, HopRole.EXECUTOR, staff, i)
        start = self.last_at(o) + timedelta(minutes=r.randint(5, 20))
        if label in ("late_handle", "late_after_transfer", "no_access"):
            # Accepted and started in the afternoon, not done before the day ended.
            arrive = self._on_site(o, max(start, self.at(d, 15 * HOUR)), staff)
            nd = self.next_working(last_day)
            if label == "no_access":
                # Nobody home: handled as "no access" at the door (as the service records it),
                # reopened the next working day and done then.
                self._handle(o, arrive + timedelta(minutes=10), staff, no_access=True)
                self.ev(o, A.REOPEN, self.at(nd, 8 * HOUR + 40 * MIN), S.RECEIVED,
                        by=self.p.manager_user, reason="住户约定今日上门。")  # fmt: skip
                self._dispatch(o, self.at(nd, 8 * HOUR + 45 * MIN), staff, HopRole.EXECUTOR)
                arrive = self._on_site(o, self.at(nd, 9 * HOUR), staff)
            if label == "late_after_transfer":
                # The next morning it goes to someone else, who finishes it: the breach was
                # the first executor's, who held it when the day ended.
                i = self.ev(
                    o,
                    A.TRANSFER,
                    self.at(nd, 8 * HOUR + 40 * MIN),
                    S.DISPATCHED,
                    staff=(staff := self.executor(o.kind, nd, avoid=staff)),
                    reason="原维修人员今日休息,转交他人继续处理。",
                )
                self.end_hops(o, i, "transfer", HopRole.EXECUTOR)
                self.hop(o, HopRole.EXECUTOR, staff, i)
                arrive = self._on_site(o, self.at(nd, 9 * HOUR), staff)
            done = max(arrive, self.at(nd, 9 * HOUR)) + timedelta(minutes=r.randint(20, 90))
            self._handle(o, done, staff)
        elif label in ("waiting", "waiting_no_reply"):
            arrive = self._on_site(o, max(start, self.at(d, 15 * HOUR)), staff)
            t = arrive + timedelta(minutes=r.randint(10, 25))
            call = self.call_out(t, o, staff, "联系住户约定上门时间")
            self.ev(
                o,
                A.WAIT_RESIDENT,
                t,
                S.WAITING_RESIDENT,
                staff=staff,
                by=self.user(staff, self.p.desk_user),
                call=call,
                note="住户不在家,电话约定明早上门。",
            )
            nd = self.next_working(last_day)
            if label == "waiting_no_reply":  # away for two days: the resident's own time
                nd = self.next_working(nd)
            resume = self.at(nd, 9 * HOUR + r.randint(0, 30) * MIN)
            self.ev(
                o,
                A.RESUME,
                resume,
                S.IN_PROGRESS,
                staff=staff,
                by=self.user(staff, self.p.desk_user),
            )
            self._handle(o, resume + timedelta(minutes=r.randint(20, 60)), staff)
        else:
            arrive = self._on_site(o, start, staff)
            done = arrive + timedelta(minutes=r.randint(15, 120))
            if done >= end_of_day:  # late evening orders: done at the end of the day
                done = end_of_day - timedelta(minutes=r.randint(5, 30))
                done = max(done, arrive + timedelta(minutes=5))
            self._handle(o, done, staff)
        self._close(o, max(self.last_at(o), reply) + timedelta(hours=r.randint(2, 30)), label)

    def _complaint(self, o: _Order, d: int, label: str) -> None:
        """A complaint: assigned, answered, dealt with, followed up and revisited."""
        r = self.rng
        self._assign(o, d, late=label == "late_assign")
        manager = self.holder(o, HopRole.MANAGER)
        last_day = self.deadline_day(d)
        end_of_day = self.at(last_day + 1, 0)
        head = self.p.head
        # The answer: same working day, later, by the head, or (important written) in 2 days.
        reply_at = min(
            self.last_at(o) + timedelta(minutes=r.randint(20, 150)),
            end_of_day - timedelta(minutes=5),
        )
        replier, by = manager, self.p.manager_user
        if label in ("late_reply", "written_late"):
            reply_at = self.at(self.next_working(last_day), 9 * HOUR + r.randint(0, 120) * MIN)
        elif label.startswith("written_important"):
            due = self.add_working(last_day, 2)
            if label == "written_important_late":
                reply_at = self.at(self.next_working(due), 10 * HOUR)
                replier, by = head, self.p.head_user
            elif label == "written_important_head":
                reply_at = self.at(due, 16 * HOUR)  # on the last day: meets the 2 working days
                replier, by = head, self.p.head_user
            else:
                reply_at = self.at(self.next_working(d), 11 * HOUR)
        elif label.startswith("attitude") or label.startswith("major"):
            replier, by = head, self.p.head_user
        self._reply(o, max(reply_at, self.last_at(o)), replier, by=by)
        if label == "attitude":
            self.ev(
                o,
                A.RECTIFY,
                min(
                    self.last_at(o) + timedelta(minutes=r.randint(5, 40)),
                    end_of_day - timedelta(minutes=1),
                ),
                staff=head,
                by=self.p.head_user,
                note="当事员工已约谈,限期整改。",
                details={
                    "deadline": (self.b.local.day(d) + timedelta(days=7)).isoformat(),
                    "penalty": r.choice(_PENALTIES),
                },
            )
        # Dealt with by a staff member of the team concerned.
        team_kind = OrderKind.HOUSEKEEPING if o.cls == "environment" else OrderKind.REPAIR
        staff = self.executor(team_kind, d)
        self._dispatch(
            o, self.last_at(o) + timedelta(minutes=r.randint(5, 30)), staff, HopRole.EXECUTOR
        )
        arrive = self._on_site(o, self.last_at(o) + timedelta(minutes=r.randint(5, 30)), staff)
        long = label in ("long_running", "long_gap")
        if long:
            # Weeks to solve (parts on order, a neighbour to agree): the resident is told how
            # it stands every week - or, once, after ten days.
            t = arrive
            gaps = [6, 7, 5, 7] if label == "long_running" else [6, 10, 6]
            for g in gaps:
                t = self.at(self.day_of(t) + g, 10 * HOUR + r.randint(0, 240) * MIN)
                call = self.call_out(t, o, manager, "告知住户处理进展")
                self.ev(
                    o,
                    A.CONTACT,
                    t,
                    staff=manager,
                    by=self.user(manager, self.p.manager_user),
                    call=call,
                    note="电话告知住户处理进展。",
                )
            done = t + timedelta(days=1, hours=r.randint(0, 4))
        else:
            done = arrive + timedelta(minutes=r.randint(30, 240))
        handled_i = self._handle(o, done, staff, note="已整改完毕。")
        handled = o.events[handled_i]["at"]
        # Follow-up within 3 days (or late, or with no call on record).
        fd = self.day_of(handled) + (
            r.randint(4, 6) if label == "late_follow_up" else r.randint(1, 3)
        )
        fat = self.at(fd, 10 * HOUR + r.randint(0, 300) * MIN)
        if label != "late_follow_up" and fat > handled + timedelta(days=3):
            fat = handled + timedelta(days=3) - timedelta(minutes=r.randint(1, 120))
        fcall = None if label == "follow_up_no_call" else self.call_out(fat, o, manager, "回访跟进")
        self.ev(
            o,
            A.FOLLOW_UP,
            fat,
            S.AWAITING_REVISIT,
            staff=manager,
            by=self.user(manager, self.p.manager_user),
            call=fcall,
            note="住户表示问题已解决。" if fcall is not None else "已跟进。",
        )
        # The return visit (S14), by the manager - by the head for a major complaint.
        if label == "no_revisit":
            return
        visitor = head if label == "major" else manager
        vat = self.last_at(o) + timedelta(days=r.randint(1, 5), hours=r.randint(0, 5))
        vat = self.at(self.day_of(vat), 10 * HOUR + r.randint(0, 420) * MIN)
        self.visit(o.unit_id or self.units[0], vat, visitor, order=o)
        self._close(o, vat + timedelta(minutes=r.randint(10, 90)), label)

    def _close(self, o: _Order, at: datetime, label: str) -> None:
        i = self.ev(o, A.CLOSE, at, S.CLOSED, by=self.p.manager_user)
        self.end_hops(o, i, "closed")
        if label == "reopen":
            # Reopened an hour later: the resident called back (a gaming flag when too soon).
            at = at + timedelta(minutes=self.rng.randint(30, 90))
            i = self.ev(
                o, A.REOPEN, at, S.IN_PROGRESS, by=self.p.manager_user, reason="住户反映问题复发。"
            )
            manager = self.p.managers[0]
            self.hop(o, HopRole.MANAGER, manager, i)
            staff = self.executor(OrderKind.REPAIR, self.day_of(at))
            self._dispatch(o, at + timedelta(minutes=10), staff, HopRole.EXECUTOR)
            arrive = self._on_site(o, at + timedelta(minutes=20), staff)
            self._handle(o, arrive + timedelta(minutes=40), staff, note="复修完成。")
            self._reply(o, self.last_at(o) + timedelta(minutes=10), manager)
            i = self.ev(
                o, A.CLOSE, self.last_at(o) + timedelta(hours=3), S.CLOSED, by=self.p.manager_user
            )
            self.end_hops(o, i, "closed")

    def enquiries(self, days: int, n: int | None = None) -> None:
        """Calls that opened no order: questions, bookings; some after hours, unanswered."""
        r = self.rng
        k = n if n is not None else round(self.r.enquiry_calls_per_day * days)
        for _ in range(k):
            d = r.randrange(days)
            t = self._time_of_day()
            desk = self.desk_at(d, t)
            if desk is not None and r.random() < self.r.unanswered:
                desk = None  # rang out at the desk while someone was on duty
            self.call_in(
                self.at(d, t),
                self.units[r.randrange(len(self.units))] if r.random() < 0.8 else None,
                r.choice(_ENQUIRIES),
                answered_by=desk,
            )

    # -- return visits, lobby notices ------------------------------------------------------

    def visit(
        self,
        unit_id: int,
        at: datetime,
        visitor: int,
        *,
        order: _Order | None = None,
        rating: int | None = None,
        topic: str = "",
        profile: int = 0,
    ) -> None:
        r = self.rng
        if rating is None:
            rating = _rating(r, profile)
        phone = r.random() < 0.7
        call = self.call_out(at, order, visitor, "回访") if phone and order is not None else None
        self.visits.append(
            {
                "office_id": self.b.office_id,
                "unit_id": unit_id,
                "order_id": order,
                "method": "phone" if phone else "in_person",
                "visitor_staff_id": visitor,
                "visited_at": at,
                "rating": rating,
                "comments": r.choice(_COMMENTS[rating or 0]),
                "topic": topic,
                "call_id": call,
                "created_at": at,
                "created_by": self.user(visitor, self.p.manager_user),
            }
        )

    def month_visits(self, days: int) -> list[Row]:
        """Households visited each calendar month besides the complaints: one month short,
        ratings good, fair and poor in turn; a majority topic in a building → a lobby notice."""
        r, local = self.rng, self.b.local
        months: dict[tuple[int, int], list[int]] = defaultdict(list)
        for d in range(days):
            day = local.day(d)
            months[(day.year, day.month)].append(d)
        notices: list[Row] = []
        visitors = [*self.p.managers, *self.p.desk]
        for k, ((_, _), ds) in enumerate(sorted(months.items())):
            profile = k % 3
            complaint_visits = sum(
                1 for v in self.visits if self.day_of(v["visited_at"]) in ds and v["order_id"]
            )
            share = len(ds) / 30
            target = 0 if profile == 1 else round(self.r.households_per_month * share)
            target = max(0, target - complaint_visits // 3)
            workdays = [d for d in ds if self.working(d)] or ds
            units = self.units
            if profile != 1 and len(notices) < 2 and len(ds) >= 20:
                notices.append(self.majority(ds, len(notices), visitors))
                # The month's other visits are elsewhere: the building's majority stands.
                units = [u for u in self.units if self.building[u] != notices[-1]["building"]]
            for _ in range(target):
                d = r.choice(workdays)
                self.visit(
                    units[r.randrange(len(units))],
                    self.at(d, 9 * HOUR + r.randint(0, 480) * MIN),
                    r.choice(visitors),
                    profile=profile,
                )
            for v in self.visits:  # the complaints' revisits share the month's mood
                if self.day_of(v["visited_at"]) in ds and v["order_id"] and profile:
                    v["rating"] = _rating(r, profile)
                    v["comments"] = r.choice(_COMMENTS[v["rating"] or 0])
        for n in notices:  # households of the building visited in the month, revisits too
            month = n["detected_at"].astimezone(local.tz).strftime("%Y-%m")
            n["households_visited"] = len(
                {
                    v["unit_id"]
                    for v in self.visits
                    if self.building.get(v["unit_id"]) == n["building"]
                    and v["visited_at"].astimezone(local.tz).strftime("%Y-%m") == month
                }
            )
        return notices

    def majority(self, ds: list[int], k: int, visitors: list[int]) -> Row:
        """Most visited households of one building raise the same topic: a lobby notice,
        posted within the week (the first month) or nine days on (the second)."""
        r = self.rng
        building = sorted(set(self.building.values()))[(k + 1) % len(set(self.building.values()))]
        homes = [u for u in self.units if self.building[u] == building]
        picked = r.sample(homes, min(8, len(homes)))
        topic = _TOPICS[k % len(_TOPICS)]
        first = ds[min(3, len(ds) - 1)]
        last = first
        for n, uid in enumerate(picked):
            d = first + n // 3
            last = d
            raising = n < 6
            self.visit(
                uid,
                self.at(d, 10 * HOUR + n * 20 * MIN),
                visitors[n % len(visitors)],
                topic=topic if raising else "",
                rating=r.choice((3, 4)) if raising else r.choice((4, 5)),
            )
        detected = self.at(last, 18 * HOUR)
        posted = detected + timedelta(days=3 if k == 0 else 9, hours=-2)
        responsible = self.p.managers[k % len(self.p.managers)]
        return {
            "office_id": self.b.office_id,
            "building": building,
            "topic": topic,
            "households_raising": 6,
            "households_visited": len(picked),
            "households_total": len(homes),
            "detected_at": detected,
            "posted_at": posted if posted <= self.b.now else None,
            "posted_by_staff_id": responsible if posted <= self.b.now else None,
            "photo_file_id": (self.photos[0] if self.photos else None)
            if posted <= self.b.now
            else None,
            "text": _NOTICE_TEXT[k % len(_NOTICE_TEXT)],
            "responsible_staff_id": responsible,
        }

    # -- fees -------------------------------------------------------------------------------

    def fees(self, first: date, last: date) -> tuple[list[Row], list[Row], list[Row]]:
        """Bills for every quarter the period touches (and the one before if only one), paid
        in full but for a few households; the last quarter short of 99%."""
        r, tz = self.rng, self.b.local.tz
        quarters = _quarters(first, last)
        if len(quarters) == 1:
            y, q = quarters[0]
            quarters.insert(0, (y - 1, 4) if q == 1 else (y, q - 1))
        bills: list[Row] = []
        payments: list[Row] = []
        contacts: list[Row] = []
        created = self.p.user_of.get(0, self.p.manager_user)
        for qi, (y, q) in enumerate(quarters):
            label = f"{y}-Q{q}"
            q_start = date(y, 3 * q - 2, 1)
            due = q_start + timedelta(days=14)
            billed_at = _utc(q_start - timedelta(days=3), tz)
            amounts: dict[int, int] = {}
            for uid in self.units:
                total = 0
                for item, lo, hi in _FEE_ITEMS:
                    fen = r.randint(lo, hi) * 100
                    total += fen
                    bills.append(
                        {
                            "office_id": self.b.office_id,
                            "unit_id": uid,
                            "quarter": label,
                            "item": item,
                            "amount_fen": fen,
                            "due_on": due,
                            "source": "import",
                            "created_at": billed_at,
                            "created_by": created,
                        }
                    )
                amounts[uid] = total
            billed = sum(amounts.values())
            share = self.r.last_quarter_collected if qi == len(quarters) - 1 else 996
            owing = sum(amounts.values()) - billed * share // 1000
            unpaid: list[int] = []
            order = list(self.units)
            r.shuffle(order)
            for uid in order:  # whole households unpaid until the shortfall is reached
                if owing <= 0:
                    break
                unpaid.append(uid)
                owing -= amounts[uid]
            partial = unpaid[-1] if owing < 0 else None
            for n, uid in enumerate(self.units):
                amount = amounts[uid]
                if uid in unpaid and uid != partial:
                    continue
                if uid == partial:
                    amount = -owing
                pay_day = q_start + timedelta(days=r.randint(0, 60))
                paid = _utc(pay_day, tz) + timedelta(hours=r.randint(9, 19))
                if paid > self.b.now:
                    paid = self.b.now - timedelta(hours=r.randint(1, 240))
                payments.append(
                    {
                        "office_id": self.b.office_id,
                        "unit_id": uid,
                        "quarter": label,
                        "item": "",
                        "paid_at": paid,
                        "amount_fen": amount,
                        "receipt_no": f"SF{y}{q}{n + 1:05d}",
                        "source": "import",
                        "source_key": f"{label}:{uid}",
                        "created_at": paid,
                        "created_by": created,
                    }
                )
            for uid in unpaid[:12]:
                at = _utc(due + timedelta(days=20), tz) + timedelta(hours=10)
                if at <= self.b.now:
                    contacts.append(
                        self._fee_contact(uid, label, "reminder", at, "电话催缴物业费。")
                    )
            if unpaid:
                at = _utc(due + timedelta(days=25), tz) + timedelta(hours=15)
                if at + timedelta(days=2) <= self.b.now:
                    uid = unpaid[0]
                    contacts.append(
                        self._fee_contact(
                            uid, label, "objection", at, "住户认为公摊电费偏高,要求核对。"
                        )
                    )
                    contacts.append(
                        self._fee_contact(
                            uid,
                            label,
                            "reply",
                            at + timedelta(days=2),
                            "已出示电表读数与分摊明细。",
                        )
                    )
        return bills, payments, contacts

    def _fee_contact(self, uid: int, quarter: str, kind: str, at: datetime, note: str) -> Row:
        staff = self.p.desk[0]
        return {
            "office_id": self.b.office_id,
            "unit_id": uid,
            "quarter": quarter,
            "kind": kind,
            "at": at,
            "staff_id": staff,
            "note": note,
            "created_at": at,
            "created_by": self.user(staff, self.p.desk_user),
        }

    # -- writing --------------------------------------------------------------------------

    def write(
        self,
        notices: list[Row],
        fees: bool,
        period: tuple[date, date],
        emergency_at: datetime | None = None,
    ) -> tuple[int, int] | None:
        """Insert everything, cut at `now`; orders, calls, events, hops, the rest. Orders are
        numbered in the order received, leaving a number free for an emergency received at
        `emergency_at` (entered through its use case afterwards): (year, number) or None."""
        b, now = self.b, self.b.now
        orders = sorted((o for o in self.orders if o.received <= now), key=lambda o: o.received)
        order_rows = []
        reserved: tuple[int, int] | None = None
        tz = self.b.local.tz
        for o in orders:
            if emergency_at is not None and reserved is None and o.received > emergency_at:
                year = emergency_at.astimezone(tz).year
                self.numbers[year] += 1
                reserved = (year, self.numbers[year])
            year = o.received.astimezone(tz).year
            self.numbers[year] += 1
            o.number = order_number(year, self.numbers[year])
            o.events = [e for e in o.events if e["at"] <= now]
            order_rows.append(self._order_row(o))
        ids = b.insert_ids(ServiceOrder, order_rows)
        for o, oid in zip(orders, ids, strict=True):
            o.id = oid
        calls = [c for c in self.calls if c["called_at"] <= now and c["created_at"] <= now]
        index = {id(c): i for i, c in enumerate(calls)}
        for c in calls:
            o = c["order_id"]
            c["order_id"] = o.id if isinstance(o, _Order) and o.id else None
        call_ids = b.insert_ids(ServiceCall, calls)
        call_id = {k: call_ids[index[id(c)]] for k, c in enumerate(self.calls) if id(c) in index}
        events: list[Row] = []
        for o in orders:
            for e in o.events:
                e["order_id"] = o.id
                if e["call_id"] is not None:
                    e["call_id"] = call_id.get(e["call_id"])
            events.extend(o.events)
        event_ids = b.insert_ids(ServiceEvent, events)
        hops: list[Row] = []
        k = 0
        for o in orders:
            first = k
            k += len(o.events)
            for role, staff, start, end, why in o.hops:
                if start >= len(o.events):
                    continue
                done = end is not None and end < len(o.events)
                hops.append(
                    {
                        "office_id": b.office_id,
                        "order_id": o.id,
                        "role": role,
                        "staff_id": staff,
                        "start_at": o.events[start]["at"],
                        "end_at": o.events[end]["at"] if done else None,
                        "start_event_id": event_ids[first + start],
                        "end_event_id": event_ids[first + end] if done else None,
                        "end_reason": why if done else "",
                    }
                )
        b.insert(ServiceHop, hops)
        visits = [v for v in self.visits if v["visited_at"] <= now]
        for v in visits:
            o = v["order_id"]
            v["order_id"] = o.id if isinstance(o, _Order) and o.id else None
            if v["call_id"] is not None:
                v["call_id"] = call_id.get(v["call_id"])
        b.insert(ReturnVisit, sorted(visits, key=lambda v: v["visited_at"]))
        b.insert(LobbyNotice, [n for n in notices if n["detected_at"] <= now])
        if emergency_at is not None and reserved is None and emergency_at <= now:
            year = emergency_at.astimezone(tz).year
            self.numbers[year] += 1
            reserved = (year, self.numbers[year])
        if fees:
            bills, payments, contacts = self.fees(*period)
            b.insert(FeeBill, bills)
            b.insert(FeePayment, payments)
            b.insert(FeeContact, contacts)
        for year, value in self.numbers.items():  # the sequence continues after them
            set_counter(b.session, b.office_id, year, value)
        return reserved

    def _order_row(self, o: _Order) -> Row:
        events = o.events
        last = events[-1]
        manager = executor = None
        for h in o.hops:
            if h[2] < len(events):
                if h[0] == HopRole.MANAGER.value:
                    manager = h[1]
                elif h[0] in (HopRole.EXECUTOR.value, HopRole.DUTY.value) and executor is None:
                    executor = h[1]
                elif h[0] == HopRole.EXECUTOR.value:
                    executor = h[1]
        handled = [e["at"] for e in events if e["action"] == A.HANDLE.value]
        closed = [e["at"] for e in events if e["action"] == A.CLOSE.value]
        cancel = [e["reason"] for e in events if e["action"] == A.CANCEL.value]
        state = last["to_state"]
        return {
            "office_id": self.b.office_id,
            "number": o.number,
            "kind": o.kind,
            "channel": o.channel,
            "severity": o.severity,
            "complaint_class": o.cls,
            "unit_id": o.unit_id,
            "household": "",
            "contact_phone": "",
            "location": "" if o.unit_id else "公共区域",
            "description": events[0]["note"],
            "received_at": o.received,
            "received_by": self.user(o.receiver, self.p.desk_user),
            "state": state,
            "manager_staff_id": manager,
            "executor_staff_id": executor,
            "handled_at": handled[-1] if handled else None,
            "closed_at": closed[-1] if closed and state == S.CLOSED.value else None,
            "reopen_count": sum(1 for e in events if e["action"] == A.REOPEN.value),
            "cancel_reason": cancel[-1] if cancel else "",
            "version": len(events),
            "created_at": o.received,
            "created_by": self.user(o.receiver, self.p.desk_user),
        }


def set_counter(session: Any, office_id: int, year: int, value: int) -> None:
    """Set the work orders' number sequence of the year (the next number is value + 1)."""
    session.execute(
        text(
            "INSERT INTO counter (office_id, name, year, value) VALUES (:o, :n, :y, :v) "
            "ON CONFLICT (office_id, name, year) DO UPDATE SET value = excluded.value"
        ),
        {"o": office_id, "n": COUNTER, "y": year, "v": value},
    )


def order_number(year: int, n: int) -> str:
    """A work order's number, as compliance.service.orders.number_for makes it."""
    return f"{NUMBER_PREFIX}-{year}-{n:06d}"


def _utc(day: date, tz: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _quarters(first: date, last: date) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    y, q = first.year, (first.month - 1) // 3 + 1
    while (y, q) <= (last.year, (last.month - 1) // 3 + 1):
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def _rating(r: random.Random, profile: int) -> int | None:
    """A rating 5..1 (None: no valid answer) in one of three moods: good, fair, poor."""
    weights = ((70, 30, 0, 0, 0, 2), (55, 32, 8, 3, 0, 3), (30, 30, 20, 14, 6, 3))[profile]
    return r.choices((5, 4, 3, 2, 1, None), weights)[0]


def _purpose(kind: OrderKind) -> str:
    if kind == OrderKind.COMPLAINT:
        return "投诉"
    return "报修" if kind == OrderKind.REPAIR else "保洁服务"


def _description(r: random.Random, kind: OrderKind, cls: str) -> str:
    if kind == OrderKind.REPAIR:
        return r.choice(_REPAIRS)
    if kind == OrderKind.HOUSEKEEPING:
        return r.choice(_HOUSEKEEPING)
    return r.choice(_ATTITUDE if cls == ComplaintClass.ATTITUDE else _COMPLAINTS)


_OVERNIGHT = frozenset(
    {"late_handle", "late_after_transfer", "waiting", "waiting_no_reply", "no_access"}
)
_CLASSES = (
    ComplaintClass.QUALITY,
    ComplaintClass.ENVIRONMENT,
    ComplaintClass.SECURITY,
    ComplaintClass.NOISE,
    ComplaintClass.FEES,
    ComplaintClass.OTHER,
)
_FEE_ITEMS = (
    (FeeItem.MANAGEMENT.value, 450, 900),
    (FeeItem.WATER.value, 60, 180),
    (FeeItem.ELECTRICITY.value, 30, 80),
)
_REPAIRS = (
    "厨房水龙头漏水。",
    "卫生间地漏堵塞,排水缓慢。",
    "客厅灯不亮,开关无反应。",
    "入户门门锁卡顿。",
    "阳台推拉门滑轨损坏。",
    "空调外机滴水到楼下。",
    "热水器打不着火。",
    "窗户密封条脱落漏风。",
)
_HOUSEKEEPING = (
    "楼道有垃圾未清理。",
    "电梯轿厢地面有污渍。",
    "门口有宠物粪便。",
    "楼梯扶手积灰。",
    "地下车库有积水。",
)
_COMPLAINTS = (
    "楼上装修噪音大,中午也在施工。",
    "小区绿化带长期无人修剪。",
    "夜间巡逻不到位,单车被盗。",
    "电梯经常故障,维修不及时。",
    "物业费公摊明细不清楚。",
    "报修后一直没有人上门。",
)
_ATTITUDE = (
    "前台接待说话不耐烦,态度生硬。",
    "保安对访客态度恶劣,大声呵斥。",
    "维修师傅上门时抱怨活多,态度敷衍。",
)
_REPLIES = (
    "已电话答复住户处理安排。",
    "已向住户说明原因及处理时限。",
    "已致电住户致歉并告知整改措施。",
)
_WORK_REPLIES = (
    "已电话告知住户上门时间。",
    "已答复住户:维修人员今日上门处理。",
    "已告知住户处理安排及预计完成时间。",
)
_PENALTIES = ("书面警告,扣当月服务考核分5分。", "口头警告,责令当面向住户道歉。")
_GIVE_BACK_REASONS = ("非本人专业范围,需水电工处理。", "缺少配件,无法今日处理。")
_TRANSFER_REASONS = ("原派单人员在外处理紧急报修。", "按片区调整处理人员。")
_ENQUIRIES = (
    "咨询物业费缴纳方式",
    "预约装修申请",
    "咨询停车月卡办理",
    "询问停水通知",
    "快递代收查询",
)
_TOPICS = ("地下车库照明不足", "电梯运行噪音大", "楼道堆放杂物")
_NOTICE_TEXT = (
    "关于地下车库照明的说明:已更换损坏灯具并增设照明,欢迎住户监督。",
    "关于电梯噪音的说明:已约请维保单位检修,预计两周内完成。",
)
_COMMENTS: dict[int, tuple[str, ...]] = {
    5: ("非常满意,处理很及时。", "师傅很专业,谢谢。"),
    4: ("基本满意。", "处理得还可以,希望更快一些。"),
    3: ("一般,问题拖了好几天。",),
    2: ("不太满意,沟通不到位。",),
    1: ("很不满意,至今未解决。",),
    0: ("住户未作评价。",),
}


def teams_of(session: Any, office_id: int) -> dict[str, list[int]]:
    """The office's staff ids by team, in employee-number order."""
    from compliance.staff.models import Staff

    by_team: dict[str, list[int]] = defaultdict(list)
    for sid, team in session.execute(
        select(col(Staff.id), col(Staff.team))
        .where(col(Staff.office_id) == office_id)
        .order_by(col(Staff.employee_no))
    ):
        by_team[team].append(sid)
    return dict(by_team)


def generate_service(
    b: Builder,
    people: People,
    *,
    days: int,
    seed: int,
    rates: ServiceRates | None = None,
    orders: int | None = None,
    enquiries: int | None = None,
    total_calls: int | None = None,
    photos: Sequence[int] = (),
    fees: bool = True,
    emergency_at: datetime | None = None,
) -> tuple[dict[str, int], tuple[int, int] | None]:
    """Plan and insert `days` days of service records from the builder's start: row counts,
    and the (year, number) kept free for an emergency received at `emergency_at`.

    `orders` and `enquiries` (calls opening no order) override the rates' daily volumes;
    `total_calls` fills the calls that opened no order up to that many calls in all.
    """
    gen = ServiceGenerator(b, people, rates or ServiceRates(), random.Random(seed), photos=photos)
    before = dict(b.counts)
    gen.plan(days, orders, 0 if total_calls is not None else enquiries)
    if total_calls is not None:  # calls that opened no order fill up to the total
        gen.enquiries(days, max(0, total_calls - len(gen.calls)))
    notices = gen.month_visits(days)
    period = (b.local.day(0), b.local.day(days - 1))
    reserved = gen.write(notices, fees, period, emergency_at)
    counts = {k: v - before.get(k, 0) for k, v in b.counts.items() if v != before.get(k, 0)}
    return counts, reserved
