"""The office calendar: working days with Chinese public holidays and 调休 make-up workdays.

The small API other modules use (every function takes the session and the office):

- `is_working_day(session, office_id, day)`
- `add_working_days(session, office_id, start, n)`: the n-th working day after `start`
- `working_days_between(session, office_id, start, end)`: working days after `start`, up to
  and including `end`
- `next_working_day(session, office_id, day)`: `day` if it is a working day, else the next one
- `period_end(session, office_id, start, days)`: a period of calendar days (《民法典》第二百零一、
  二百零三条): counted from the day after `start`; a last day that is a rest day or a holiday
  moves to the next working day

A year is used only once it is entered in full. A year the `chinesecalendar` package covers
is copied into the office's calendar the first time it is needed (in the caller's
transaction), or by `compliance calendar import-year`. Any other year raises
`CalendarNotCovered`, whose message says what an admin must enter: a deadline is never
guessed.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

import chinese_calendar
from chinese_calendar import constants as package_data
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from compliance.audit import service as audit
from compliance.calendar import repository as repo
from compliance.calendar.models import CalendarDay, CalendarYear, DayKind, Source
from compliance.context import Ctx
from compliance.errors import Conflict, GuardrailViolation, ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.usecase import use_case

PACKAGE_VERSION = getattr(chinese_calendar, "__version__", "")
# The package's English holiday names, as the State Council's notices name them.
HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
KIND_ZH = {DayKind.WORKDAY.value: "调休上班", DayKind.HOLIDAY.value: "放假"}


class CalendarNotCovered(GuardrailViolation):
    """A deadline falls in a year whose holidays are not entered: refused, never guessed."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            N_(
                "the public holidays of %(year)s are not entered in the office calendar, so no "
                "deadline in %(year)s can be counted. An admin enters them from the State Council "
                "notice on the %(year)s holidays: `compliance calendar set %(year)s-MM-DD holiday "
                "--name 春节 --as ADMIN` for each day off (`workday` for each make-up working "
                "day), then `compliance calendar confirm-year %(year)s --basis NOTICE-NUMBER "
                "--as ADMIN` (or on the admin page, Office calendar); then try again"
            ),
            year=year,
        )


# --- the package -------------------------------------------------------------------------


@cache
def package_years() -> frozenset[int]:
    """The years the installed `chinesecalendar` knows (every year has public holidays; not
    every year needs a make-up workday)."""
    return frozenset(d.year for d in package_data.holidays)


def package_days(year: int) -> list[tuple[date, DayKind, str]]:
    """The year's holidays and make-up workdays from the package, with Chinese names."""
    out = [
        (d, DayKind.HOLIDAY, HOLIDAY_ZH.get(str(name), str(name)))
        for d, name in package_data.holidays.items()
        if d.year == year
    ]
    out += [
        (d, DayKind.WORKDAY, HOLIDAY_ZH.get(str(name), str(name)))
        for d, name in package_data.workdays.items()
        if d.year == year
    ]
    return sorted(out)


def _insert_package_year(
    session: Session, office_id: int, year: int, now: datetime, by: int | None
) -> int:
    """Copy the package's year into the office's calendar; days an admin entered stay."""
    kept = {d.day for d in repo.days_of_year(session, office_id, year)}
    added = 0
    for day, kind, name in package_days(year):
        if day in kept:
            continue
        session.add(
            CalendarDay(
                office_id=office_id,
                day=day,
                kind=kind.value,
                name=name,
                source=Source.PACKAGE.value,
                recorded_at=now,
                recorded_by=by,
            )
        )
        added += 1
    session.add(
        CalendarYear(
            office_id=office_id,
            year=year,
            source=Source.PACKAGE.value,
            basis=f"chinesecalendar {PACKAGE_VERSION}".strip(),
            recorded_at=now,
            recorded_by=by,
        )
    )
    session.flush()
    return added


def ensure_year(session: Session, office_id: int, year: int) -> None:
    """Make sure the office's year is entered: from the package if it covers the year (a
    write in the caller's transaction), else CalendarNotCovered."""
    if repo.year_row(session, office_id, year) is not None:
        return
    if year not in package_years():
        raise CalendarNotCovered(year)
    try:
        with session.begin_nested():
            _insert_package_year(session, office_id, year, datetime.now(UTC), None)
    except IntegrityError:  # another transaction entered it first: theirs is as good
        if repo.year_row(session, office_id, year) is None:
            raise


# --- working days --------------------------------------------------------------------------


class OfficeCalendar:
    """One office's calendar, each year read once (a deadline reads a year or two)."""

    def __init__(self, session: Session, office_id: int) -> None:
        self.session = session
        self.office_id = office_id
        self._years: dict[int, dict[date, str]] = {}

    def _year(self, year: int) -> dict[date, str]:
        found = self._years.get(year)
        if found is None:
            ensure_year(self.session, self.office_id, year)
            rows = repo.days_of_year(self.session, self.office_id, year)
            found = self._years[year] = {r.day: r.kind for r in rows}
        return found

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday; a weekend day only as a make-up workday."""
        kind = self._year(day.year).get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY.value
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, left = start, n
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days come after `start`, up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def period_end(self, start: date, days: int) -> date:
        """The last day of a period of `days` calendar days from `start`.

        《民法典》第二百零一条: the day it starts from is not counted; 第二百零三条: a last day
        that is a rest day or a public holiday moves to the first working day after it.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        return self.next_working_day(start + timedelta(days=days))


def is_working_day(session: Session, office_id: int, day: date) -> bool:
    """Whether `day` is a working day of the office."""
    return OfficeCalendar(session, office_id).is_working_day(day)


def add_working_days(session: Session, office_id: int, start: date, n: int) -> date:
    """The n-th working day after `start`."""
    return OfficeCalendar(session, office_id).add_working_days(start, n)


def working_days_between(session: Session, office_id: int, start: date, end: date) -> int:
    """Working days after `start`, up to and including `end` (0 if `end` is not later)."""
    return OfficeCalendar(session, office_id).working_days_between(start, end)


def next_working_day(session: Session, office_id: int, day: date) -> date:
    """`day` if it is a working day, else the next working day."""
    return OfficeCalendar(session, office_id).next_working_day(day)


def period_end(session: Session, office_id: int, start: date, days: int) -> date:
    """The last day of a period of calendar days, moved off a rest day or holiday."""
    return OfficeCalendar(session, office_id).period_end(start, days)


# --- what an admin sees and enters -----------------------------------------------------------


@dataclass(frozen=True)
class YearView:
    """One year of the office calendar as shown to an admin."""

    year: int
    entered: CalendarYear | None
    days: list[CalendarDay]
    package_covers: bool


def show_year(session: Session, office_id: int, year: int) -> YearView:
    """The year's entered days and whether the year counts (read only)."""
    return YearView(
        year=year,
        entered=repo.year_row(session, office_id, year),
        days=repo.days_of_year(session, office_id, year),
        package_covers=year in package_years(),
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed.one("year", "must be a year between 2000 and 2100")


@use_case
def set_day(ctx: Ctx, day: date, kind: str, name: str = "") -> CalendarDay:
    """Enter one holiday or make-up workday (admin), from the State Council's notice."""
    ctx.require(Permission.ADMINISTER)
    _check_year(day.year)
    if kind not in (DayKind.WORKDAY.value, DayKind.HOLIDAY.value):
        raise ValidationFailed.one("kind", "must be workday or holiday")
    name = name.strip()
    if len(name) > 64:
        raise ValidationFailed.one("name", "at most 64 characters")
    office_id = ctx.actor.office_id
    row = repo.day_row(ctx.session, office_id, day)
    before = None if row is None else {"kind": row.kind, "name": row.name, "source": row.source}
    if row is None:
        row = CalendarDay(
            office_id=office_id,
            day=day,
            kind=kind,
            source=Source.ADMIN.value,
            recorded_at=ctx.now(),
        )
    row.kind, row.name, row.source = kind, name, Source.ADMIN.value
    row.recorded_at, row.recorded_by = ctx.now(), ctx.actor.user_id
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "calendar.day_set",
        "office_calendar_day",
        row.id,
        {"day": day, "kind": kind, "name": name, "before": before},
    )
    return row


@use_case
def unset_day(ctx: Ctx, day: date) -> None:
    """Remove an entered day (admin): it is an ordinary weekday or weekend day again."""
    ctx.require(Permission.ADMINISTER)
    row = repo.day_row(ctx.session, ctx.actor.office_id, day)
    if row is None:
        raise ValidationFailed.one("day", f"{day.isoformat()} has no entry")
    audit.record(
        ctx,
        "calendar.day_unset",
        "office_calendar_day",
        row.id,
        {"day": day, "kind": row.kind, "name": row.name, "source": row.source},
    )
    ctx.session.delete(row)


@use_case
def confirm_year(ctx: Ctx, year: int, basis: str) -> CalendarYear:
    """Declare a year entered in full from the State Council's notice (admin); from now on
    deadlines in it are counted."""
    ctx.require(Permission.ADMINISTER)
    _check_year(year)
    basis = basis.strip()
    if not basis or len(basis) > 200:
        raise ValidationFailed.one(
            "basis", "name the State Council notice the days were entered from (1-200 characters)"
        )
    office_id = ctx.actor.office_id
    existing = repo.year_row(ctx.session, office_id, year)
    if existing is not None:
        raise Conflict(
            N_("%(year)s is already entered (%(basis)s)"), year=year, basis=existing.basis
        )
    days = repo.days_of_year(ctx.session, office_id, year)
    if not any(d.kind == DayKind.HOLIDAY.value for d in days):
        raise GuardrailViolation(
            N_(
                "no public holiday of %(year)s is entered yet: enter every day off and make-up "
                "workday of the notice first"
            ),
            year=year,
        )
    row = CalendarYear(
        office_id=office_id,
        year=year,
        source=Source.ADMIN.value,
        basis=basis,
        recorded_at=ctx.now(),
        recorded_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "calendar.year_confirmed",
        "office_calendar_year",
        row.id,
        {
            "year": year,
            "basis": basis,
            "holidays": sum(d.kind == DayKind.HOLIDAY.value for d in days),
            "workdays": sum(d.kind == DayKind.WORKDAY.value for d in days),
        },
    )
    return row


@use_case
def import_year(ctx: Ctx, year: int) -> int:
    """Copy a year the package covers into the office's calendar (admin); days the admin
    entered stay. Returns how many days were added."""
    ctx.require(Permission.ADMINISTER)
    _check_year(year)
    office_id = ctx.actor.office_id
    existing = repo.year_row(ctx.session, office_id, year)
    if existing is not None:
        raise Conflict(
            N_("%(year)s is already entered (%(basis)s)"), year=year, basis=existing.basis
        )
    years = package_years()
    if year not in years:
        span = f"{min(years)}–{max(years)}"
        raise GuardrailViolation(
            N_(
                "chinesecalendar %(version)s covers %(span)s, not %(year)s: enter %(year)s by "
                "hand from the State Council notice (compliance calendar set / confirm-year)"
            ),
            version=PACKAGE_VERSION,
            span=span,
            year=year,
        )
    added = _insert_package_year(ctx.session, office_id, year, ctx.now(), ctx.actor.user_id)
    audit.record(
        ctx,
        "calendar.year_imported",
        "office_calendar_year",
        year,
        {"year": year, "days": added, "basis": f"chinesecalendar {PACKAGE_VERSION}"},
    )
    return added


def seed(session: Session, office_id: int, years: list[int]) -> None:
    """Enter the years the package covers (e.g. for a new or demo office); no commit."""
    for year in years:
        if year in package_years():
            ensure_year(session, office_id, year)
