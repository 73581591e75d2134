"""Attendance exceptions at their boundaries: judged in Shanghai time against the roster and
the office calendar, every day alike (with or without home visits)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from compliance.attendance.exceptions import DayType, Problem, find_exceptions
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.calendar.models import CalendarDay
from compliance.visits.models import Visit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 31, 4, tzinfo=UTC)  # 12:00 Shanghai


def _at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SH).astimezone(UTC)


def _shift(session, office, staff, day, start, end):
    row = RosterShift(
        office_id=office.office.id,
        staff_id=staff.id,
        work_date=day,
        start_at=start,
        end_at=end,
        created_at=NOW,
    )
    session.add(row)
    session.flush()
    return row


def _punch(session, office, staff, kind, at):
    row = AttendanceEvent(
        office_id=office.office.id,
        staff_id=staff.id,
        kind=kind,
        at=at,
        work_date=at.astimezone(SH).date(),
        created_at=NOW,
    )
    session.add(row)
    session.flush()
    return row


def _found(session, office, start, end=None, staff=None):
    return find_exceptions(
        session,
        office.office.id,
        SH,
        start,
        end or start,
        NOW,
        staff_id=None if staff is None else staff.id,
    )


def test_one_minute_late_is_late_and_on_the_minute_is_on_time(session, office):
    a, b = office.staff[0], office.staff[1]
    day = date(2026, 3, 24)  # a Tuesday, no visits anywhere
    for s in (a, b):
        _shift(session, office, s, day, _at(day, 8), _at(day, 17, 30))
        _punch(session, office, s, "sign_back", _at(day, 17, 35))
    _punch(session, office, a, "check_in", _at(day, 8, 0, 59))  # still the 08:00 minute
    _punch(session, office, b, "check_in", _at(day, 8, 1))
    found = _found(session, office, day)
    assert [(e.staff_id, e.problem, e.late_minutes) for e in found] == [(b.id, Problem.LATE, 1)]
    assert found[0].day_type is DayType.WORKING
    assert found[0].check_in == _at(day, 8, 1)


def test_night_shift_belongs_to_the_evening_it_started(session, office):
    a = office.staff[0]
    day = date(2026, 3, 24)
    nxt = day + timedelta(days=1)
    _shift(session, office, a, day, _at(day, 22), _at(nxt, 6))
    _punch(session, office, a, "check_in", _at(day, 21, 50))
    _punch(session, office, a, "sign_back", _at(nxt, 6, 5))
    # Complete: nothing on either day, and the 06:05 sign-back is no loose punch of the 25th.
    assert _found(session, office, day, nxt) == []


def test_night_shift_without_its_sign_back_is_reported_on_its_first_day(session, office):
    a = office.staff[0]
    day = date(2026, 3, 24)
    nxt = day + timedelta(days=1)
    _shift(session, office, a, day, _at(day, 22), _at(nxt, 6))
    _punch(session, office, a, "check_in", _at(day, 22, 10))
    found = _found(session, office, day, nxt)
    assert [(e.work_date, e.problem, e.late_minutes) for e in found] == [
        (day, Problem.LATE, 10),
        (day, Problem.NO_SIGN_BACK, 0),
    ]
    assert _found(session, office, nxt) == []


def test_absent_all_day_and_missing_punches(session, office):
    a, b, c = office.staff
    day = date(2026, 3, 25)
    for s in (a, b, c):
        _shift(session, office, s, day, _at(day, 8), _at(day, 17))
    _punch(session, office, b, "sign_back", _at(day, 17, 2))  # no check-in
    _punch(session, office, c, "check_in", _at(day, 7, 55))  # no sign-back
    found = {(e.staff_id, e.problem) for e in _found(session, office, day)}
    assert found == {
        (a.id, Problem.ABSENT),
        (b.id, Problem.NO_CHECK_IN),
        (c.id, Problem.NO_SIGN_BACK),
    }


def test_a_holiday_without_a_shift_is_nobodys_absence_but_a_rostered_one_is(session, office):
    a, b = office.staff[0], office.staff[1]
    day = date(2026, 3, 20)  # a Friday the office calendar makes a holiday
    session.add(
        CalendarDay(
            office_id=office.office.id,
            day=day,
            kind="holiday",
            name="测试假日",
            source="admin",
            recorded_at=NOW,
        )
    )
    session.flush()
    assert _found(session, office, day) == []
    _shift(session, office, b, day, _at(day, 9), _at(day, 18))
    found = _found(session, office, day)
    assert [(e.staff_id, e.problem, e.day_type) for e in found] == [
        (b.id, Problem.ABSENT, DayType.HOLIDAY)
    ]
    # A punch on the holiday by someone not rostered: reported, not taken for a duty.
    _punch(session, office, a, "check_in", _at(day, 10))
    loose = [e for e in _found(session, office, day) if e.staff_id == a.id]
    assert [(e.problem, e.day_type) for e in loose] == [(Problem.NO_DUTY, DayType.HOLIDAY)]


def test_a_day_without_visits_is_examined_and_a_day_with_visits_alike(session, office):
    a = office.staff[0]
    quiet, busy = date(2026, 3, 26), date(2026, 3, 27)
    for day in (quiet, busy):
        _shift(session, office, a, day, _at(day, 8), _at(day, 17))
    session.add(
        Visit(
            office_id=office.office.id,
            staff_id=a.id,
            unit_id=office.units[0].id,
            requested_at=_at(busy, 9),
            work_date=busy,
            arrived_at=_at(busy, 9, 30),
            created_at=NOW,
        )
    )
    session.flush()
    found = _found(session, office, quiet, busy, staff=a)
    assert [(e.work_date, e.problem) for e in found] == [
        (quiet, Problem.ABSENT),
        (busy, Problem.ABSENT),
    ]


def test_a_shift_still_running_is_not_judged_for_its_sign_back(session, office):
    a = office.staff[0]
    today = date(2026, 3, 31)  # NOW is 12:00
    _shift(session, office, a, today, _at(today, 8), _at(today, 17))
    _punch(session, office, a, "check_in", _at(today, 7, 58))
    assert _found(session, office, today) == []
    later = _shift(session, office, office.staff[1], today, _at(today, 14), _at(today, 22))
    assert later.id is not None
    assert _found(session, office, today) == []  # not begun yet


def test_the_staff_filter(session, office):
    a, b = office.staff[0], office.staff[1]
    day = date(2026, 3, 24)
    for s in (a, b):
        _shift(session, office, s, day, _at(day, 8), _at(day, 17))
    assert {e.staff_id for e in _found(session, office, day, staff=b)} == {b.id}
