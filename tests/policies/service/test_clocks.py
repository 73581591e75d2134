"""The service clocks at their boundaries (rulebook 第2篇): one minute, one day and one working
day either side, across the 2026 National Day holiday, the Mid-autumn holiday and the 调休
make-up days (Sunday 2026-09-20, Saturday 2026-10-10), pauses, transfers and excuses.

The calendar is the real one (the `chinesecalendar` package the office calendar copies)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from policies.service import clocks
from policies.service.clocks import (
    Call,
    Context,
    Event,
    Excuse,
    Hop,
    Notice,
    Order,
    Revisit,
    State,
)
from policies.service.standards import standard

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, tzinfo=UTC)
HEAD, MANAGER, A, B, C, DESK = 1, 2, 3, 4, 5, 6


class Calendar:
    def is_working_day(self, day: date) -> bool:
        return bool(chinese_calendar.is_workday(day))


class Roster:
    """Shifts per staff member: (start, end) pairs."""

    def __init__(self, shifts: dict[int, list[tuple[datetime, datetime]]]) -> None:
        self.shifts = shifts

    def on_duty(self, staff_id: int, start: datetime, end: datetime) -> bool:
        return any(s < end and start < e for s, e in self.shifts.get(staff_id, []))


def at(day: str, hm: str = "10:00", s: int = 0) -> datetime:
    """An office-local time as UTC."""
    h, m = (int(x) for x in hm.split(":"))
    return (
        datetime.fromisoformat(day).replace(hour=h, minute=m, second=s, tzinfo=TZ).astimezone(UTC)
    )


def ctx(now: datetime = NOW, **kw: object) -> Context:
    return Context(tz=TZ, calendar=Calendar(), now=now, head_staff_ids=frozenset({HEAD}), **kw)  # type: ignore[arg-type]


_ids = iter(range(1, 10**6))


def ev(
    action: str, when: datetime, staff: int | None = None, evidence: bool = True, **kw: bool
) -> Event:
    return Event(next(_ids), action, when, staff, evidence, **kw)


def order(
    kind: str = "repair",
    received: datetime | None = None,
    events: tuple[Event, ...] = (),
    hops: tuple[Hop, ...] = (),
    channel: str = "phone",
    severity: str = "normal",
    complaint_class: str = "",
    revisits: tuple[Revisit, ...] = (),
) -> Order:
    received = received or at("2026-09-14")
    evs = (Event(0, "receive", received, DESK, True), *events)
    if not hops:
        hops = (Hop("manager", MANAGER, received), Hop("executor", A, received))
    return Order(
        id=7,
        kind=kind,
        channel=channel,
        severity=severity,
        complaint_class=complaint_class,
        received_at=received,
        receiver_staff_id=DESK,
        events=tuple(sorted(evs, key=lambda e: (e.at, e.id))),
        hops=hops,
        revisits=revisits,
    )


def one(code: str, o: Order, c: Context | None = None) -> clocks.ClockResult:
    found = clocks.evaluate(standard(code), o, c or ctx())
    assert len(found) == 1, found
    return found[0]


# --- S03: the same working day ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "last_in_time"),
    [
        # A working day: by the end of that day.
        ("2026-09-14", "2026-09-14"),
        # Saturday 09-19 (rest) → the next working day is the make-up Sunday 09-20 (调休).
        ("2026-09-19", "2026-09-20"),
        # Mid-autumn Friday 09-25 (holiday) → Monday 09-28.
        ("2026-09-25", "2026-09-28"),
        # National Day 10-01 → Thursday 10-08, the first working day after the holiday.
        ("2026-10-01", "2026-10-08"),
        # Saturday 10-10 is a make-up working day: the same day.
        ("2026-10-10", "2026-10-10"),
        # Sunday 10-11 is a rest day → Monday 10-12.
        ("2026-10-11", "2026-10-12"),
    ],
)
def test_s03_same_working_day_one_minute_either_side(received: str, last_in_time: str) -> None:
    reply_ok = order("repair", at(received), (ev("reply", at(last_in_time, "23:59"), MANAGER),))
    r = one("S03", reply_ok)
    assert r.state is State.MET
    assert r.due_at == at(last_in_time, "00:00") + timedelta(days=1)
    next_day = (date.fromisoformat(last_in_time) + timedelta(days=1)).isoformat()
    late = order("repair", at(received), (ev("reply", at(next_day, "00:01"), MANAGER),))
    r = one("S03", late)
    assert r.state is State.BREACHED and r.holder_staff_id == MANAGER
    # The minute of the due itself is late: "the same day" ends at midnight.
    assert (
        one("S03", order("repair", at(received), (ev("reply", at(next_day, "00:00")),))).state
        is State.BREACHED
    )


def test_s03_the_day_before_a_rest_day_is_due_that_day_not_after_the_rest() -> None:
    # Thursday 09-24 (before Mid-autumn): one day late is a breach though Friday is a holiday.
    o = order("housekeeping", at("2026-09-24", "18:00"), (ev("reply", at("2026-09-25", "09:00")),))
    assert one("S03", o).state is State.BREACHED


def test_s03_typed_reply_without_evidence_does_not_stop_the_clock() -> None:
    o = order("repair", at("2026-09-14"), (ev("reply", at("2026-09-14", "11:00"), evidence=False),))
    r = one("S03", o)
    assert r.state is State.BREACHED and r.stopped_at is None


def test_s03_running_before_due_then_breached_after() -> None:
    o = order("repair", at("2026-09-14"))
    assert one("S03", o, ctx(at("2026-09-14", "23:59"))).state is State.RUNNING
    r = one("S03", o, ctx(at("2026-09-15", "00:01")))
    assert r.state is State.BREACHED and r.stopped_at is None
    assert r.elapsed_seconds == int((at("2026-09-15", "00:01") - at("2026-09-14")).total_seconds())


def test_s03_waiting_on_the_resident_at_the_due_is_excused() -> None:
    o = order(
        "repair",
        at("2026-09-14"),
        (ev("wait_resident", at("2026-09-14", "15:00"), A), ev("reply", at("2026-09-16"))),
    )
    r = one("S03", o)
    assert r.state is State.EXCUSED and r.excuse is Excuse.RESIDENT_WAITING
    # Waiting without the contact recorded is no excuse.
    o = order(
        "repair",
        at("2026-09-14"),
        (
            ev("wait_resident", at("2026-09-14", "15:00"), A, evidence=False),
            ev("reply", at("2026-09-16")),
        ),
    )
    assert one("S03", o).state is State.BREACHED


# --- S04: written complaints ------------------------------------------------------------------


def test_s04_written_normal_same_day() -> None:
    ok = order(
        "complaint",
        at("2026-09-14"),
        (ev("reply", at("2026-09-14", "23:59"), MANAGER),),
        channel="written",
    )
    late = order(
        "complaint",
        at("2026-09-14"),
        (ev("reply", at("2026-09-15", "00:01"), MANAGER),),
        channel="written",
    )
    assert one("S04", ok).state is State.MET
    assert one("S04", late).state is State.BREACHED
    # Not counted again under S03.
    assert clocks.evaluate(standard("S03"), late, ctx()) == []


@pytest.mark.parametrize(
    ("received", "last_in_time"),
    [
        # Wed 09-30 → working days 10-08 (1st), 10-09 (2nd) across National Day.
        ("2026-09-30", "2026-10-09"),
        # Fri 10-09 → Sat 10-10 (make-up, 1st), Mon 10-12 (2nd).
        ("2026-10-09", "2026-10-12"),
        # Received on the holiday 10-03 → base 10-08, then 10-09, 10-10.
        ("2026-10-03", "2026-10-10"),
    ],
)
def test_s04_important_two_working_days_by_the_office_head(
    received: str, last_in_time: str
) -> None:
    def written(reply: Event) -> Order:
        return order("complaint", at(received), (reply,), channel="written", severity="important")

    assert one("S04", written(ev("reply", at(last_in_time, "23:59"), HEAD))).state is State.MET
    next_day = (date.fromisoformat(last_in_time) + timedelta(days=1)).isoformat()
    late = one("S04", written(ev("reply", at(next_day, "00:01"), HEAD)))
    assert late.state is State.BREACHED and late.holder_staff_id == HEAD
    # A reply in time by someone other than the office head does not stop it.
    other = one("S04", written(ev("reply", at(received, "11:00"), MANAGER)))
    assert other.state is State.BREACHED and other.holder_staff_id == HEAD


# --- S05: attitude complaints -----------------------------------------------------------------


def test_s05_needs_the_heads_reply_and_rectification_the_same_day() -> None:
    both = (
        ev("reply", at("2026-09-14", "16:00"), HEAD),
        ev("rectify", at("2026-09-14", "23:59"), HEAD),
    )
    assert (
        one("S05", order("complaint", at("2026-09-14"), both, complaint_class="attitude")).state
        is State.MET
    )
    reply_only = (ev("reply", at("2026-09-14", "16:00"), HEAD),)
    r = one("S05", order("complaint", at("2026-09-14"), reply_only, complaint_class="attitude"))
    assert r.state is State.BREACHED and r.holder_staff_id == HEAD
    late = (
        ev("reply", at("2026-09-14", "16:00"), HEAD),
        ev("rectify", at("2026-09-15", "00:01"), HEAD),
    )
    assert (
        one("S05", order("complaint", at("2026-09-14"), late, complaint_class="attitude")).state
        is State.BREACHED
    )


# --- S06: done the same day, paused while waiting on the resident ---------------------------------


def test_s06_pause_keeps_time_spent_and_moves_the_due() -> None:
    # Waiting 20:00 → 09:00 next day (13 h) with the contact recorded: due Tue 13:00.
    wait = (
        ev("wait_resident", at("2026-09-14", "20:00"), A),
        ev("resume", at("2026-09-15", "09:00"), A),
    )
    ok = one(
        "S06",
        order("repair", at("2026-09-14"), (*wait, ev("handle", at("2026-09-15", "12:59"), A))),
    )
    assert ok.state is State.MET
    assert ok.paused_seconds == 13 * 3600
    assert (
        ok.elapsed_seconds
        == int((at("2026-09-15", "12:59") - at("2026-09-14")).total_seconds()) - 13 * 3600
    )
    assert ok.due_at == at("2026-09-15", "13:00")
    late = one(
        "S06",
        order("repair", at("2026-09-14"), (*wait, ev("handle", at("2026-09-15", "13:01"), A))),
    )
    assert late.state is State.BREACHED and late.holder_staff_id == A


def test_s06_wait_without_a_recorded_contact_does_not_pause() -> None:
    wait = (
        ev("wait_resident", at("2026-09-14", "20:00"), A, evidence=False),
        ev("resume", at("2026-09-15", "09:00"), A),
    )
    r = one(
        "S06",
        order("repair", at("2026-09-14"), (*wait, ev("handle", at("2026-09-15", "10:00"), A))),
    )
    assert r.state is State.BREACHED and r.paused_seconds == 0


def test_s06_still_paused_is_running_not_breached() -> None:
    wait = (ev("wait_resident", at("2026-09-14", "20:00"), A),)
    r = one("S06", order("repair", at("2026-09-14"), wait), ctx(at("2026-09-20")))
    assert r.state is State.RUNNING and r.due_at is None


def test_s06_handling_needs_its_photo() -> None:
    r = one(
        "S06",
        order(
            "repair",
            at("2026-09-14"),
            (ev("handle", at("2026-09-14", "11:00"), A, evidence=False),),
        ),
    )
    assert r.state is State.BREACHED


def test_s06_transfer_mid_clock_names_the_hop_holder_at_the_due() -> None:
    hops = (
        Hop("manager", MANAGER, at("2026-09-14")),
        Hop("executor", A, at("2026-09-14"), at("2026-09-14", "15:00")),
        Hop("executor", B, at("2026-09-14", "15:00"), at("2026-09-15", "09:00")),
        Hop("executor", C, at("2026-09-15", "09:00")),
    )
    r = one(
        "S06",
        order("repair", at("2026-09-14"), (ev("handle", at("2026-09-15", "11:00"), C),), hops=hops),
    )
    assert r.state is State.BREACHED
    assert r.holder_staff_id == B  # held it at midnight; C holds it now
    # While running, the holder is whoever holds it at the time (B from 15:00).
    running = one(
        "S06", order("repair", at("2026-09-14"), hops=hops), ctx(at("2026-09-14", "16:00"))
    )
    assert running.state is State.RUNNING and running.holder_staff_id == B


def test_s06_no_access_before_the_due_is_the_residents() -> None:
    events = (
        ev("arrive", at("2026-09-14", "14:00"), A, no_access=True),
        ev("handle", at("2026-09-16"), A),
    )
    r = one("S06", order("repair", at("2026-09-14"), events))
    assert r.state is State.EXCUSED and r.excuse is Excuse.RESIDENT_NO_ACCESS
    # Found nobody home only after the due: still late.
    events = (
        ev("arrive", at("2026-09-15", "14:00"), A, no_access=True),
        ev("handle", at("2026-09-16"), A),
    )
    assert one("S06", order("repair", at("2026-09-14"), events)).state is State.BREACHED


def test_s06_holder_without_a_shift_is_the_offices_not_theirs() -> None:
    o = order("repair", at("2026-09-14"), (ev("handle", at("2026-09-16"), A),))
    nobody = ctx(duty=Roster({}))
    r = one("S06", o, nobody)
    assert r.state is State.EXCUSED and r.excuse is Excuse.NOBODY_ON_DUTY and r.holder_staff_id == A
    on_shift = ctx(duty=Roster({A: [(at("2026-09-14", "08:00"), at("2026-09-14", "17:00"))]}))
    assert one("S06", o, on_shift).state is State.BREACHED


def test_s06_no_holder_at_the_due_is_nobody_on_duty() -> None:
    hops = (Hop("executor", A, at("2026-09-14"), at("2026-09-14", "12:00")),)
    r = one("S06", order("repair", at("2026-09-14"), hops=hops))
    assert (
        r.state is State.EXCUSED and r.excuse is Excuse.NOBODY_ON_DUTY and r.holder_staff_id is None
    )


def test_changing_a_target_keeps_the_elapsed_time() -> None:
    o = order("repair", at("2026-09-14"), (ev("handle", at("2026-09-15", "10:00"), A),))
    c = ctx()
    r1 = clocks.run(
        standard("S06"),
        c,
        subject_key="order:7",
        order_id=7,
        start=o.received_at,
        due=o.received_at + timedelta(hours=1),
        stop=at("2026-09-15", "10:00"),
        inclusive=False,
        on_calendar=True,
        holder_at=lambda _a: A,
    )
    longer = replace(standard("S06"), target=2, version=2)
    r2 = clocks.run(
        longer,
        c,
        subject_key="order:7",
        order_id=7,
        start=o.received_at,
        due=o.received_at + timedelta(days=2),
        stop=at("2026-09-15", "10:00"),
        inclusive=False,
        on_calendar=True,
        holder_at=lambda _a: A,
    )
    assert (r1.state, r2.state) == (State.BREACHED, State.MET)
    assert r1.elapsed_seconds == r2.elapsed_seconds == 24 * 3600 and r2.version == 2


# --- S02, S09: minutes on the wall clock ----------------------------------------------------------


def test_s02_assigned_within_ten_minutes_day_or_night() -> None:
    night = at("2026-10-03", "02:00")  # a holiday night: wall clock all the same
    ok = order("complaint", night, (ev("assign_manager", night + timedelta(minutes=10), MANAGER),))
    late = order(
        "complaint",
        night,
        (ev("assign_manager", night + timedelta(minutes=10, seconds=60), MANAGER),),
    )
    assert one("S02", ok).state is State.MET
    r = one("S02", late)
    assert r.state is State.BREACHED and r.holder_staff_id == DESK
    assert clocks.evaluate(standard("S02"), order("repair", night), ctx()) == []


def test_s09_duty_check_in_within_five_minutes() -> None:
    t = at("2026-10-01", "03:00")
    hops = (Hop("duty", B, t + timedelta(minutes=1)),)

    def emergency(arrive: Event) -> Order:
        return order("emergency", t, (arrive,), hops=hops)

    assert one("S09", emergency(ev("arrive", t + timedelta(minutes=5), B))).state is State.MET
    late = one("S09", emergency(ev("arrive", t + timedelta(minutes=6), B)))
    assert late.state is State.BREACHED and late.holder_staff_id == B
    # A typed arrival without a check-in, or someone not on duty, does not stop it.
    assert (
        one("S09", emergency(ev("arrive", t + timedelta(minutes=2), B, evidence=False))).state
        is State.BREACHED
    )
    assert one("S09", emergency(ev("arrive", t + timedelta(minutes=2), C))).state is State.BREACHED
    # Nobody dispatched: the office's, not a person's.
    bare = one("S09", order("emergency", t, hops=(Hop("manager", MANAGER, t),)))
    assert bare.state is State.EXCUSED and bare.excuse is Excuse.NOBODY_ON_DUTY


# --- S07, S08: days after handling; weekly contacts -------------------------------------------


def test_s07_follow_up_within_three_days_with_a_call() -> None:
    handled = ev("handle", at("2026-09-01", "15:00"), A)

    def complaint(*more: Event) -> Order:
        return order("complaint", at("2026-09-01"), (handled, *more))

    assert (
        one("S07", complaint(ev("follow_up", at("2026-09-04", "23:59"), MANAGER))).state
        is State.MET
    )
    late = one("S07", complaint(ev("follow_up", at("2026-09-05", "00:01"), MANAGER)))
    assert late.state is State.BREACHED and late.holder_staff_id == MANAGER
    # A phone follow-up without its call record does not count.
    assert (
        one("S07", complaint(ev("follow_up", at("2026-09-02"), MANAGER, evidence=False))).state
        is State.BREACHED
    )
    # Not handled: no follow-up clock yet.
    assert clocks.evaluate(standard("S07"), order("complaint", at("2026-09-01")), ctx()) == []


def test_s08_each_gap_over_a_week_is_one_breach() -> None:
    o = order(
        "complaint",
        at("2026-09-01"),
        (
            ev("contact", at("2026-09-08", "23:59"), DESK),  # day 7, last minute: in time
            ev("contact", at("2026-09-16", "00:01"), DESK),  # gap 08 → 16: one minute late
            ev("contact", at("2026-09-20"), DESK, evidence=False),  # no call: not a contact
            ev("handle", at("2026-09-21"), A),
        ),
    )
    found = clocks.evaluate(standard("S08"), o, ctx())
    assert [r.state for r in found] == [State.MET, State.BREACHED, State.MET]
    assert [r.subject_key for r in found] == ["order:7:1", "order:7:2", "order:7:3"]
    assert found[1].holder_staff_id == DESK
    # Handled within the week: not long-running, no contact clocks.
    quick = order("complaint", at("2026-09-01"), (ev("handle", at("2026-09-08", "23:00"), A),))
    assert clocks.evaluate(standard("S08"), quick, ctx()) == []


def test_s08_never_contacted_and_still_open_is_breached() -> None:
    o = order("complaint", at("2026-09-01"))
    found = clocks.evaluate(standard("S08"), o, ctx(at("2026-09-09", "00:01")))
    assert [r.state for r in found] == [State.BREACHED]
    assert (
        clocks.evaluate(standard("S08"), o, ctx(at("2026-09-08", "23:59")))[0].state
        is State.RUNNING
    )


# --- S01, S10, S14 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rings", "seconds", "per_ring", "state"),
    [
        (3, None, 5, State.MET),
        (4, None, 5, State.BREACHED),
        (None, 15, 5, State.MET),
        (None, 16, 5, State.BREACHED),
        (None, 18, 6, State.MET),
        (None, 19, 6, State.BREACHED),
        (3, 30, 5, State.MET),  # rings counted when given
    ],
)
def test_s01_three_rings_or_their_seconds(
    rings: int | None, seconds: int | None, per_ring: int, state: State
) -> None:
    call = Call(1, at("2026-09-14"), rings=rings, answer_seconds=seconds, staff_id=DESK)
    r = clocks.s01(call, ctx(seconds_per_ring=per_ring))
    assert r is not None and r.state is state
    if state is State.BREACHED:
        assert r.holder_staff_id == DESK


def test_s01_out_calls_and_unknown_have_no_clock() -> None:
    assert clocks.s01(Call(1, at("2026-09-14"), direction="out", rings=9), ctx()) is None
    assert clocks.s01(Call(1, at("2026-09-14")), ctx()) is None
    missed = clocks.s01(Call(1, at("2026-09-14"), answered=False), ctx())
    assert (
        missed is not None
        and missed.state is State.EXCUSED
        and missed.excuse is Excuse.NOBODY_ON_DUTY
    )


def test_s10_notice_within_a_week() -> None:
    ok = clocks.s10(Notice(3, at("2026-09-01"), at("2026-09-08", "23:59"), B), ctx())
    late = clocks.s10(Notice(3, at("2026-09-01"), at("2026-09-09", "00:01"), B), ctx())
    assert (ok.state, late.state, late.holder_staff_id) == (State.MET, State.BREACHED, B)


def test_s14_major_complaint_revisited_by_the_head() -> None:
    handled = ev("handle", at("2026-09-01"), A)
    by_manager = (Revisit(1, at("2026-09-05"), MANAGER),)
    major = order("complaint", at("2026-09-01"), (handled,), severity="major", revisits=by_manager)
    r = one("S14", major)
    assert r.state is State.BREACHED and r.holder_staff_id == HEAD
    normal = order("complaint", at("2026-09-01"), (handled,), revisits=by_manager)
    assert one("S14", normal).state is State.MET


def test_cancelled_orders_have_no_clocks() -> None:
    o = replace(order("complaint", at("2026-09-01")), cancelled=True)
    assert clocks.order_clocks(o, ctx()) == []


def test_busy_calls_are_those_ringing_while_the_answerer_still_talked() -> None:
    t0 = at("2026-09-14", "10:00")
    calls = [
        Call(1, t0, rings=1, staff_id=DESK, duration_seconds=120),  # talking 10:00:05-10:02:05
        Call(2, t0 + timedelta(seconds=60), rings=6, staff_id=DESK),  # rang during call 1
        Call(3, t0 + timedelta(seconds=125), rings=4, staff_id=DESK),  # line free at 10:02:05
        Call(4, t0 + timedelta(seconds=30), rings=6, staff_id=DESK + 1),  # someone else
        Call(5, t0 + timedelta(seconds=40), answered=False),
    ]
    assert clocks.busy_calls(calls, 5) == frozenset({2})
    r = clocks.s01(calls[1], ctx(), line_busy=True)
    assert r is not None and r.state is State.EXCUSED and r.excuse is Excuse.LINE_BUSY
    r3 = clocks.s01(calls[2], ctx(), line_busy=False)
    assert r3 is not None and r3.state is State.BREACHED


def test_s06_met_is_credited_to_the_executor_whose_hop_ends_at_the_stop() -> None:
    # Handling closes the executor's hop at the same instant the clock stops: the repair is
    # still theirs, not the manager's (whose hop runs on).
    stop = at("2026-09-14", "11:00")
    hops = (
        Hop("manager", MANAGER, at("2026-09-14")),
        Hop("executor", A, at("2026-09-14"), stop),
    )
    r = one("S06", order("repair", at("2026-09-14"), (ev("handle", stop, A),), hops=hops))
    assert r.state is State.MET
    assert r.holder_staff_id == A


def test_s06_met_after_a_transfer_a_minute_before_the_stop_is_the_new_holders() -> None:
    stop = at("2026-09-14", "11:00")
    moved = at("2026-09-14", "10:59")
    hops = (
        Hop("manager", MANAGER, at("2026-09-14")),
        Hop("executor", A, at("2026-09-14"), moved),
        Hop("executor", B, moved, stop),
    )
    r = one("S06", order("repair", at("2026-09-14"), (ev("handle", stop, B),), hops=hops))
    assert r.state is State.MET
    assert r.holder_staff_id == B


def test_s09_met_is_credited_to_the_duty_holder_whose_hop_ends_at_the_check_in() -> None:
    arrived = at("2026-09-14", "10:04")
    hops = (
        Hop("manager", MANAGER, at("2026-09-14")),
        Hop("duty", A, at("2026-09-14"), arrived),
    )
    r = one("S09", order("emergency", at("2026-09-14"), (ev("arrive", arrived, A),), hops=hops))
    assert r.state is State.MET
    assert r.holder_staff_id == A


def test_s03_met_reply_is_the_managers_whose_hop_ends_at_the_reply() -> None:
    replied = at("2026-09-14", "15:00")
    hops = (
        Hop("manager", MANAGER, at("2026-09-14"), replied),
        Hop("manager", B, replied),
        Hop("executor", A, at("2026-09-14")),
    )
    r = one("S03", order("consult", at("2026-09-14"), (ev("reply", replied, MANAGER),), hops=hops))
    assert r.state is State.MET
    assert r.holder_staff_id == MANAGER
