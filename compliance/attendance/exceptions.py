"""Attendance exceptions: each rostered duty held against its punches, every day alike.

A duty is a rostered shift (`RosterShift`); it belongs to the local day it starts on, so a
night shift 22:00–06:00 is judged as one duty of the evening it began. Each punch is given
to at most one duty of its staff member:

- a check-in counts for a shift from `CHECK_IN_EARLIEST` (8 h, as R02 counts it) before the
  shift starts until the shift ends; the one nearest the start is the shift's check-in;
- a sign-back counts from the shift's start until `SIGN_BACK_LATEST` (12 h) after its end;
  the last one is the shift's sign-back.

What is reported, per duty: absent (no punch at all), late (the first check-in's minute is
after the start's minute: 08:01 is late by 1 minute, 08:00:59 is on time), no check-in, no
sign-back; and per punch: a punch that belongs to no duty. Each day carries the office
calendar's kind (working day, weekend, public holiday, make-up workday): a shift rostered on
a holiday is still a duty, a holiday without a shift is nobody's absence.

A duty that has not ended yet is not judged for its sign-back (nor, before it starts, at all).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.attendance.models import AttendanceEvent, PunchKind, RosterShift
from compliance.calendar import repository as calendar_repo
from compliance.calendar.models import DayKind
from compliance.clock import local_date

CHECK_IN_EARLIEST = timedelta(hours=8)
SIGN_BACK_LATEST = timedelta(hours=12)


class Problem(StrEnum):
    """What is wrong with a duty or a punch."""

    ABSENT = "absent"
    LATE = "late"
    NO_CHECK_IN = "no_check_in"
    NO_SIGN_BACK = "no_sign_back"
    NO_DUTY = "no_duty"


class DayType(StrEnum):
    """A day as the office calendar has it."""

    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"  # 调休: a weekend day worked in exchange for a holiday


@dataclass(frozen=True)
class AttendanceException:
    """One line of the report."""

    staff_id: int
    work_date: date
    day_type: DayType
    problem: Problem
    shift_id: int | None = None
    shift_start: datetime | None = None
    shift_end: datetime | None = None
    check_in: datetime | None = None
    sign_back: datetime | None = None
    late_minutes: int = 0
    punch_id: int | None = None
    punch_at: datetime | None = None
    punch_kind: str = ""


@dataclass
class _Duty:
    shift: RosterShift
    check_ins: list[AttendanceEvent] = field(default_factory=list)
    sign_backs: list[AttendanceEvent] = field(default_factory=list)


def day_types(session: Session, office_id: int, start: date, end: date) -> dict[date, DayType]:
    """Each day of [start, end] as the office calendar has it (read only; a year never
    entered counts Monday to Friday as working days)."""
    entered: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for row in calendar_repo.days_of_year(session, office_id, year):
            entered[row.day] = row.kind
    out: dict[date, DayType] = {}
    day = start
    while day <= end:
        kind = entered.get(day)
        if kind == DayKind.HOLIDAY.value:
            out[day] = DayType.HOLIDAY
        elif kind == DayKind.WORKDAY.value:
            out[day] = DayType.MAKEUP
        else:
            out[day] = DayType.WORKING if day.weekday() < 5 else DayType.WEEKEND
        day += timedelta(days=1)
    return out


def find_exceptions(
    session: Session,
    office_id: int,
    tz: tzinfo,
    start: date,
    end: date,
    now: datetime,
    staff_id: int | None = None,
) -> list[AttendanceException]:
    """The office's attendance exceptions on the local days [start, end], by day and staff."""
    shift_q = select(RosterShift).where(
        col(RosterShift.office_id) == office_id,
        col(RosterShift.work_date) >= start - timedelta(days=1),
        col(RosterShift.work_date) <= end + timedelta(days=1),
    )
    # Punches of the days around the period too: a night shift's sign-back is the next day.
    punch_q = select(AttendanceEvent).where(
        col(AttendanceEvent.office_id) == office_id,
        col(AttendanceEvent.work_date) >= start - timedelta(days=1),
        col(AttendanceEvent.work_date) <= end + timedelta(days=2),
    )
    if staff_id is not None:
        shift_q = shift_q.where(col(RosterShift.staff_id) == staff_id)
        punch_q = punch_q.where(col(AttendanceEvent.staff_id) == staff_id)
    shifts = list(session.execute(shift_q).scalars())
    punches = list(session.execute(punch_q).scalars())
    types = day_types(session, office_id, start - timedelta(days=1), end + timedelta(days=2))
    return judge(shifts, punches, types, tz, start, end, now)


def judge(
    shifts: Sequence[RosterShift],
    punches: Iterable[AttendanceEvent],
    types: dict[date, DayType],
    tz: tzinfo,
    start: date,
    end: date,
    now: datetime,
) -> list[AttendanceException]:
    """The exceptions of [start, end] from these shifts and punches (no database)."""
    duties: dict[int, list[_Duty]] = {}
    for s in sorted(shifts, key=lambda s: (s.staff_id, s.start_at)):
        duties.setdefault(s.staff_id, []).append(_Duty(s))
    loose: list[AttendanceEvent] = []
    for p in sorted(punches, key=lambda p: (p.at, p.id or 0)):
        duty = _duty_of(p, duties.get(p.staff_id, []))
        if duty is None:
            loose.append(p)
        elif p.kind == PunchKind.CHECK_IN:
            duty.check_ins.append(p)
        else:
            duty.sign_backs.append(p)
    out: list[AttendanceException] = []
    for staff_duties in duties.values():
        for d in staff_duties:
            if start <= d.shift.work_date <= end:
                out.extend(_judge_duty(d, types.get(d.shift.work_date, DayType.WORKING), now))
    for p in loose:
        day = local_date(p.at, tz)
        if start <= day <= end:
            out.append(
                AttendanceException(
                    staff_id=p.staff_id,
                    work_date=day,
                    day_type=types.get(day, DayType.WORKING),
                    problem=Problem.NO_DUTY,
                    punch_id=p.id,
                    punch_at=p.at,
                    punch_kind=p.kind,
                )
            )
    out.sort(key=lambda e: (e.work_date, e.staff_id, e.shift_start or e.punch_at or now))
    return out


def _duty_of(p: AttendanceEvent, duties: list[_Duty]) -> _Duty | None:
    """The duty a punch counts for: of those whose window holds it, the nearest."""
    best: tuple[timedelta, _Duty] | None = None
    for d in duties:
        s = d.shift
        if p.kind == PunchKind.CHECK_IN:
            inside = s.start_at - CHECK_IN_EARLIEST <= p.at < s.end_at
            distance = abs(p.at - s.start_at)
        else:
            inside = s.start_at < p.at <= s.end_at + SIGN_BACK_LATEST
            distance = abs(p.at - s.end_at)
        if inside and (best is None or distance < best[0]):
            best = (distance, d)
    return None if best is None else best[1]


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def _judge_duty(d: _Duty, day_type: DayType, now: datetime) -> list[AttendanceException]:
    s = d.shift
    if now < s.start_at:
        return []
    check_in = min((p.at for p in d.check_ins), default=None)
    sign_back = max((p.at for p in d.sign_backs), default=None)

    def line(problem: Problem, late: int = 0) -> AttendanceException:
        return AttendanceException(
            staff_id=s.staff_id,
            work_date=s.work_date,
            day_type=day_type,
            problem=problem,
            shift_id=s.id,
            shift_start=s.start_at,
            shift_end=s.end_at,
            check_in=check_in,
            sign_back=sign_back,
            late_minutes=late,
        )

    ended = now >= s.end_at + SIGN_BACK_LATEST
    if check_in is None and sign_back is None:
        # Absent all day once the shift is over; before that only the missing check-in.
        return [line(Problem.ABSENT)] if now >= s.end_at else [line(Problem.NO_CHECK_IN)]
    out: list[AttendanceException] = []
    if check_in is None:
        out.append(line(Problem.NO_CHECK_IN))
    elif _minute(check_in) > _minute(s.start_at):
        late = int((_minute(check_in) - _minute(s.start_at)).total_seconds() // 60)
        out.append(line(Problem.LATE, late))
    if sign_back is None and ended:
        out.append(line(Problem.NO_SIGN_BACK))
    return out
