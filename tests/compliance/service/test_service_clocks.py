"""Evaluating an office's service clocks on a real database: service_clock rows, R04 findings
against the hop holder at the due, excuses, R10 on repetition, idempotence, warnings and the
gaming flags."""

import json
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.attendance.models import RosterShift
from compliance.findings.models import Finding
from compliance.flows.service_clocks import (
    evaluate_office,
    gaming_flags,
    warnings_for,
)
from compliance.service.models import ServiceClock
from tests.compliance.service import clock_data as data
from tests.compliance.service.clock_data import local
from tests.factories import OfficeSet

NOW = local("2026-10-20", "12:00")
SEPT = (date(2026, 9, 1), date(2026, 9, 30))


def _clocks(session: Session, office_id: int) -> list[ServiceClock]:
    return list(
        session.execute(
            select(ServiceClock)
            .where(col(ServiceClock.office_id) == office_id)
            .order_by(col(ServiceClock.standard), col(ServiceClock.subject_key))
        ).scalars()
    )


def _findings(session: Session, office_id: int, rule: str | None = None) -> list[Finding]:
    q = select(Finding).where(col(Finding.office_id) == office_id)
    if rule:
        q = q.where(col(Finding.rule_code) == rule)
    return list(session.execute(q.order_by(col(Finding.id))).scalars())


def _transferred_repair(session: Session, office: OfficeSet) -> data.OrderBuilder:
    """Received Mon 09-14 10:00; executor A until 15:00, B until Tue 09:00, then C, who did
    it Tue 11:00 (a day late)."""
    oid = office.office.id
    a, b, c = (s.id for s in office.staff)
    o = data.order(session, oid, local("2026-09-14"), kind="repair")
    o.hop("manager", a, local("2026-09-14", "10:02"))
    o.hop("executor", a, local("2026-09-14", "10:05"), local("2026-09-14", "15:00"))
    o.hop("executor", b, local("2026-09-14", "15:00"), local("2026-09-15", "09:00"))
    o.hop("executor", c, local("2026-09-15", "09:00"))
    o.reply(local("2026-09-14", "16:00"), a)
    o.event("handle", local("2026-09-15", "11:00"), c, note="修好了")
    return o


def test_breach_is_an_r04_finding_against_the_holder_at_the_due(
    session: Session, office: OfficeSet
) -> None:
    oid = office.office.id
    o = _transferred_repair(session, office)
    summary = evaluate_office(session, oid, *SEPT, now=NOW)
    rows = {(r.standard, r.subject_key): r for r in _clocks(session, oid)}
    key = f"order:{o.order.id}"
    s03, s06 = rows[("S03", key)], rows[("S06", key)]
    assert s03.state == "met" and s03.finding_id is None
    assert s06.state == "breached"
    assert s06.holder_staff_id == office.staff[1].id  # B held it at midnight; C holds it now
    assert s06.due_at is not None and s06.due_at.replace(tzinfo=None) == local(
        "2026-09-15", "00:00"
    ).replace(tzinfo=None)
    found = _findings(session, oid, "R04")
    assert [f.staff_id for f in found] == [office.staff[1].id]
    f = found[0]
    assert s06.finding_id == f.id
    assert f.dedupe_key == f"service:S06:{key}" and f.detector == "service_clock"
    assert f.status == "open" and f.created_by is None
    kinds = {e["kind"] for e in json.loads(f.evidence)}
    assert kinds == {"service_order", "service_event"}
    assert "S06" in f.explanation_zh and "2026-09-14 当日结束前" in f.explanation_zh
    assert summary.attributable == 1 and summary.new_findings == 1


def test_evaluating_again_changes_nothing(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    _transferred_repair(session, office)
    first = evaluate_office(session, oid, *SEPT, now=NOW)
    rows = [(r.standard, r.subject_key, r.state, r.finding_id) for r in _clocks(session, oid)]
    again = evaluate_office(session, oid, *SEPT, now=NOW)
    assert [
        (r.standard, r.subject_key, r.state, r.finding_id) for r in _clocks(session, oid)
    ] == rows
    assert len(_findings(session, oid)) == 1
    assert (first.new_findings, again.new_findings, again.existing_findings) == (1, 0, 1)


def test_excused_breaches_are_not_findings(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    a, b, _c = (s.id for s in office.staff)
    # The resident was not home when A came before the due.
    o = data.order(session, oid, local("2026-09-14"), kind="repair")
    o.hop("manager", a, local("2026-09-14", "10:01"))
    o.hop("executor", a, local("2026-09-14", "10:02"))
    o.reply(local("2026-09-14", "11:00"), a)
    o.event("arrive", local("2026-09-14", "14:00"), a, checkin="qr", details={"no_access": True})
    o.event("handle", local("2026-09-14", "14:05"), a, details={"no_access": True})
    o.event("handle", local("2026-09-16", "10:00"), a)
    # B held an order due Thursday but had no shift that week (the roster has others').
    p = data.order(session, oid, local("2026-09-17"), kind="housekeeping")
    p.hop("manager", a, local("2026-09-17", "10:01"))
    p.hop("executor", b, local("2026-09-17", "10:02"))
    p.reply(local("2026-09-17", "11:00"), a)
    session.add(
        RosterShift(
            office_id=oid,
            staff_id=a,
            work_date=date(2026, 9, 17),
            start_at=local("2026-09-17", "08:00"),
            end_at=local("2026-09-17", "17:00"),
            created_at=NOW,
        )
    )
    session.flush()
    evaluate_office(session, oid, *SEPT, now=NOW)
    rows = {(r.standard, r.order_id): r for r in _clocks(session, oid)}
    no_access = rows[("S06", o.order.id)]
    assert (no_access.state, no_access.excuse) == ("excused", "resident_no_access")
    off_duty = rows[("S06", p.order.id)]
    assert (off_duty.state, off_duty.excuse) == ("excused", "nobody_on_duty")
    assert off_duty.holder_staff_id == b and off_duty.finding_id is None
    assert _findings(session, oid) == []


def test_three_breaches_in_30_days_make_one_r10_finding(
    session: Session, office: OfficeSet
) -> None:
    oid = office.office.id
    a = office.staff[0].id
    for day in ("2026-09-01", "2026-09-10", "2026-09-20", "2026-09-24"):
        o = data.order(session, oid, local(day), kind="repair")
        o.hop("manager", a, local(day, "10:01"))
        o.hop("executor", a, local(day, "10:02"))
        o.reply(local(day, "11:00"), a)  # answered, but never done with a photo
    evaluate_office(session, oid, *SEPT, now=NOW)
    assert len(_findings(session, oid, "R04")) == 4
    repeated = _findings(session, oid, "R10")
    assert len(repeated) == 1 and repeated[0].staff_id == a
    assert "3 次" in repeated[0].explanation_zh
    assert {e["kind"] for e in json.loads(repeated[0].evidence)} == {"service_order"}
    evaluate_office(session, oid, *SEPT, now=NOW)
    assert len(_findings(session, oid, "R10")) == 1


def test_two_breaches_are_not_repeated(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    a = office.staff[0].id
    for day in ("2026-09-01", "2026-09-10"):
        o = data.order(session, oid, local(day), kind="repair")
        o.hop("manager", a, local(day, "10:01"))
        o.hop("executor", a, local(day, "10:02"))
        o.reply(local(day, "11:00"), a)
    evaluate_office(session, oid, *SEPT, now=NOW)
    assert len(_findings(session, oid, "R04")) == 2
    assert _findings(session, oid, "R10") == []


def test_calls_and_notices(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    desk, b = office.staff[2].id, office.staff[1].id
    ok = data.call(session, oid, local("2026-09-14"), rings=3, staff_id=desk)
    late = data.call(session, oid, local("2026-09-14", "11:00"), rings=4, staff_id=desk)
    out = data.call(
        session, oid, local("2026-09-14", "12:00"), rings=9, staff_id=desk, direction="out"
    )
    n = data.notice(session, oid, local("2026-09-01"), local("2026-09-09", "00:01"), b)
    evaluate_office(session, oid, *SEPT, now=NOW)
    rows = {r.subject_key: r for r in _clocks(session, oid)}
    assert rows[f"call:{ok.id}"].state == "met"
    assert rows[f"call:{late.id}"].state == "breached"
    assert f"call:{out.id}" not in rows
    assert rows[f"notice:{n.id}"].state == "breached"
    found = {f.dedupe_key: f for f in _findings(session, oid, "R04")}
    assert found[f"service:S01:{desk}:2026-09-14"].staff_id == desk
    assert found[f"service:S10:notice:{n.id}"].staff_id == b
    assert json.loads(found[f"service:S01:{desk}:2026-09-14"].evidence) == [
        {"kind": "service_call", "id": late.id}
    ]


def test_calls_answered_late_make_one_finding_a_day_and_one_r10_lapse(
    session: Session, office: OfficeSet
) -> None:
    """Four late pick-ups on one day are one finding citing the four calls; a second day is a
    second finding; two days are two lapses, not enough for R10 (which needs three)."""
    oid = office.office.id
    desk = office.staff[2].id
    monday = [
        data.call(session, oid, local("2026-09-14", f"{h}:00"), rings=5, staff_id=desk)
        for h in (9, 10, 11, 15)
    ]
    tuesday = data.call(session, oid, local("2026-09-15", "09:30"), rings=4, staff_id=desk)
    evaluate_office(session, oid, *SEPT, now=NOW)
    found = {f.dedupe_key: f for f in _findings(session, oid, "R04")}
    assert sorted(found) == [f"service:S01:{desk}:2026-09-14", f"service:S01:{desk}:2026-09-15"]
    day = found[f"service:S01:{desk}:2026-09-14"]
    assert [e["id"] for e in json.loads(day.evidence)] == [c.id for c in monday]
    assert "4 个超过 3 声" in day.explanation_zh
    rows = {r.subject_key: r for r in _clocks(session, oid)}
    assert {rows[f"call:{c.id}"].finding_id for c in monday} == {day.id}
    assert rows[f"call:{tuesday.id}"].finding_id == found[f"service:S01:{desk}:2026-09-15"].id
    assert _findings(session, oid, "R10") == []
    evaluate_office(session, oid, *SEPT, now=NOW)  # again: nothing new
    assert len(_findings(session, oid, "R04")) == 2


def test_a_call_ringing_while_the_desk_was_on_another_is_excused(
    session: Session, office: OfficeSet
) -> None:
    oid = office.office.id
    desk = office.staff[2].id
    first = data.call(session, oid, local("2026-09-14", "10:00"), rings=1, staff_id=desk)
    first.duration_seconds = 240  # talking from 10:00:05 to 10:04:05
    session.add(first)
    waiting = data.call(session, oid, local("2026-09-14", "10:02"), rings=8, staff_id=desk)
    later = data.call(session, oid, local("2026-09-14", "10:05"), rings=5, staff_id=desk)
    session.flush()
    evaluate_office(session, oid, *SEPT, now=NOW)
    rows = {r.subject_key: r for r in _clocks(session, oid)}
    assert rows[f"call:{waiting.id}"].state == "excused"
    assert rows[f"call:{waiting.id}"].excuse == "line_busy"
    assert rows[f"call:{later.id}"].state == "breached"  # the line was free again by 10:05
    [f] = _findings(session, oid, "R04")
    assert [e["id"] for e in json.loads(f.evidence)] == [later.id]


def test_written_important_complaint_needs_the_office_head(
    session: Session, office: OfficeSet
) -> None:
    oid = office.office.id
    head, manager = office.staff[0].id, office.staff[1].id
    office.users["director"].staff_id = head
    session.flush()
    # Wed 09-30 → due the end of Fri 10-09 (National Day in between).
    on_time = data.order(
        session, oid, local("2026-09-30"), kind="complaint", channel="written", severity="important"
    )
    on_time.hop("manager", manager, local("2026-09-30", "10:05"))
    on_time.reply(local("2026-10-09", "23:59"), head)
    by_other = data.order(
        session,
        oid,
        local("2026-09-30", "11:00"),
        kind="complaint",
        channel="written",
        severity="important",
    )
    by_other.hop("manager", manager, local("2026-09-30", "11:05"))
    by_other.reply(local("2026-09-30", "15:00"), manager)
    evaluate_office(session, oid, date(2026, 9, 30), date(2026, 9, 30), now=NOW)
    rows = {(r.standard, r.order_id): r for r in _clocks(session, oid)}
    assert rows[("S04", on_time.order.id)].state == "met"
    missed = rows[("S04", by_other.order.id)]
    assert missed.state == "breached" and missed.holder_staff_id == head


def test_warnings_reach_holder_and_manager_not_at_night(
    session: Session, office: OfficeSet
) -> None:
    oid = office.office.id
    a, b, c = (s.id for s in office.staff)
    o = data.order(session, oid, local("2026-10-20", "09:00"), kind="repair")
    o.hop("manager", b, local("2026-10-20", "09:01"))
    o.hop("executor", a, local("2026-10-20", "09:02"))
    complaint = data.order(session, oid, local("2026-10-20", "19:55"), kind="complaint", receiver=c)
    evening = local("2026-10-20", "19:00")
    evaluate_office(session, oid, date(2026, 10, 20), date(2026, 10, 20), now=evening)
    # 19:00: the same-day repair is due at midnight (within the evening window): the executor
    # and the manager see it; the complaint is not received yet.
    assert [w.standard for w in warnings_for(session, oid, a, evening)] == ["S06"]
    assert "S06" in [w.standard for w in warnings_for(session, oid, b, evening)]
    assert warnings_for(session, oid, c, evening) == []
    # 20:00 on: no warnings for calendar clocks; the 10-minute complaint clock still warns.
    night = local("2026-10-20", "20:00")
    evaluate_office(session, oid, date(2026, 10, 20), date(2026, 10, 20), now=night)
    assert warnings_for(session, oid, a, night) == []
    assert [(w.standard, w.order_id) for w in warnings_for(session, oid, c, night)] == [
        ("S02", complaint.order.id)
    ]
    # Morning, well before the end of the day: nothing yet.
    morning = local("2026-10-20", "09:30")
    evaluate_office(session, oid, date(2026, 10, 20), date(2026, 10, 20), now=morning)
    assert [w for w in warnings_for(session, oid, a, morning) if w.standard == "S06"] == []


def test_gaming_flags(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    a, b, _c = (s.id for s in office.staff)
    unit = office.units[0].id
    o = data.order(session, oid, local("2026-09-14"), kind="complaint")
    o.hop("executor", a, local("2026-09-14", "10:05"))
    o.event("handle", local("2026-09-14", "15:00"), a)
    o.event("follow_up", local("2026-09-15"), b, note="电话跟进", details={"method": "phone"})
    o.event("follow_up", local("2026-09-16"), b, note="上门", details={"method": "in_person"})
    o.event("close", local("2026-09-16", "12:00"), b)
    o.event("reopen", local("2026-09-17", "11:59"), b)
    slow = data.order(session, oid, local("2026-09-01"), kind="repair")
    slow.event("close", local("2026-09-02", "12:00"), b)
    slow.event("reopen", local("2026-09-03", "12:01"), b)
    data.revisit(session, oid, unit, local("2026-09-18"), a, order_id=o.order.id, rating=4)
    for i in range(5):
        data.revisit(session, oid, office.units[i % 4].id, local(f"2026-09-{20 + i}"), b)
    for i in range(4):  # only four in October: not enough to flag
        data.revisit(session, oid, unit, local(f"2026-10-0{1 + i}"), b)
    flags = gaming_flags(session, oid, date(2026, 9, 1), date(2026, 10, 31))
    got = sorted((f.kind, f.staff_id, f.order_id) for f in flags)
    assert got == sorted(
        [
            ("quick_reopen", b, o.order.id),
            ("follow_up_without_call", b, o.order.id),
            ("revisit_by_handler", a, o.order.id),
            ("all_top_ratings", b, None),
        ]
    )
    top = next(f for f in flags if f.kind == "all_top_ratings")
    assert (top.count, top.detail) == (5, "2026-09")


def test_cancelled_orders_and_other_offices_are_left_alone(
    session: Session, office: OfficeSet
) -> None:
    from tests.factories import office_set

    other = office_set(session, code="OTH")
    data.order(session, other.office.id, local("2026-09-14"), kind="repair")
    data.order(session, office.office.id, local("2026-09-14"), kind="repair", state="cancelled")
    summary = evaluate_office(session, office.office.id, *SEPT, now=NOW)
    assert summary.clocks == 0 and _clocks(session, office.office.id) == []
    assert _clocks(session, other.office.id) == []


def test_a_later_evaluation_replaces_the_running_clock(session: Session, office: OfficeSet) -> None:
    oid = office.office.id
    a = office.staff[0].id
    o = data.order(session, oid, local("2026-10-20", "09:00"), kind="repair")
    o.hop("executor", a, local("2026-10-20", "09:02"))
    evaluate_office(
        session, oid, date(2026, 10, 20), date(2026, 10, 20), now=local("2026-10-20", "12:00")
    )
    assert {r.standard: r.state for r in _clocks(session, oid)}["S06"] == "running"
    o.event("handle", local("2026-10-20", "13:00"), a, photo_file_id=None)
    evaluate_office(
        session, oid, date(2026, 10, 20), date(2026, 10, 21), now=local("2026-10-21", "12:00")
    )
    states = {r.standard: r for r in _clocks(session, oid)}
    # A handling without its photo does not stop the clock: breached at midnight.
    assert states["S06"].state == "breached" and states["S06"].elapsed_seconds > 0
    assert len([r for r in _clocks(session, oid) if r.standard == "S06"]) == 1
    assert timedelta(seconds=states["S06"].elapsed_seconds) == local("2026-10-21", "12:00") - local(
        "2026-10-20", "09:00"
    )


def test_every_gaming_flag_and_excuse_has_words_in_both_languages() -> None:
    from compliance.flows.service_clocks import EXCUSE_LABELS, GAMING_LABELS
    from compliance.i18n import gettext
    from policies.service.clocks import Excuse

    chinese = "zh"
    assert set(EXCUSE_LABELS) == {e.value for e in Excuse} - {""}
    for msgid in [*GAMING_LABELS.values(), *EXCUSE_LABELS.values()]:
        assert gettext(chinese, msgid) != msgid, msgid
