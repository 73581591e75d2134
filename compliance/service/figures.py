"""The service standards' figures for a month and its quarter (the dashboard, its XLSX file and
the monthly report read them): each standard against its target, per team and per person, and
the breaches behind each number.

Everything is a SQL aggregate: a year of a 300-unit estate is about 100,000 clock rows, and the
dashboard reads a quarter of them in one GROUP BY over the (office_id, started_at) index. Python
only adds up the few grouped rows that come back.

Rates are per mille integers, rounded down (95.96% shows as 95.9%, so the figure shown never
reads as meeting a target the exact fraction misses); whether a figure meets its target is
decided on the exact fraction, in integers.

- Clock standards (S01–S10, S14): a clock belongs to the month it started in (office zone).
  Judged = met + breached; an excused breach (the resident, or the office) is not judged and
  never counts against the person who held it; running clocks are not judged yet.
- S11: distinct households (units) given a return visit in the month; the quarter's figure is
  its weakest month so far (the target holds for every month).
- S12: ratings 4–5 ÷ ratings given (a visit without a valid answer has no rating).
- S13: the weighted score 0–100 of the ratings given (weights for ratings 5..1; the policy's
  default unless the caller passes the office's own; the figures carry the weights used).
- S15: the quarter's payments ÷ its receivables, in fen, each household counted up to what it
  was billed (one household's overpayment does not cover another's arrears), paid by the end
  of the month shown.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from compliance.i18n import N_, gettext
from compliance.offices.models import Office
from compliance.service.models import (
    ClockState,
    FeeBill,
    FeePayment,
    ReturnVisit,
    ServiceClock,
    ServiceOrder,
)
from compliance.staff.models import Staff
from policies.service.standards import (
    SATISFACTION_WEIGHTS_DEFAULT,
    SATISFIED_MIN_RATING,
    STANDARDS,
    Standard,
)

CLOCK = "clock"
PER_MILLE = 1000
# How many breaches one drill-down page lists.
BREACH_PAGE = 100
SATISFIED_FROM = SATISFIED_MIN_RATING  # S12: 4 satisfied or 5 very satisfied
# The standards' titles (policies.service.standards, msgid-like English) marked for the
# catalog: policies/ is not extracted, and every page, sheet and report shows them translated.
TITLES = (
    N_("Calls answered within 3 rings"),
    N_("Complaint assigned to a manager within 10 minutes"),
    N_("Work order answered the same working day"),
    N_(
        "Written complaint answered the same day; important ones within 2 working days "
        "by the office head"
    ),
    N_("Attitude complaint answered the same day with a rectification deadline and a penalty"),
    N_("Repair and housekeeping done the same day"),
    N_("Follow-up with the resident within 3 days of handling"),
    N_("Long-running complaint: the resident contacted every week until solved"),
    N_("Emergency: duty staff on site within 5 minutes"),
    N_("Lobby notice posted within a week"),
    N_("At least 20 households revisited a month"),
    N_("Satisfaction rate at least 96%"),
    N_("Satisfaction degree at least 75"),
    N_("Every complaint revisited; major ones by the office head"),
    N_("Fee collection at least 99% of the quarter's receivables"),
)
# The words for why a breach was excused (service_clock.excuse); a code not named here shows
# as "excused".
EXCUSES: dict[str, str] = {
    # policies.service.clocks.Excuse, as the clocks' evaluation stores them
    "resident_no_access": N_("no access to the home"),
    "resident_waiting": N_("waiting on the resident"),
    "nobody_on_duty": N_("no one on duty"),
    "line_busy": N_("the desk was on another call"),
    # and shorter spellings (test data, imports)
    "resident": N_("caused by the resident"),
    "no_access": N_("no access to the home"),
    "waiting": N_("waiting on the resident"),
    "waiting_resident": N_("waiting on the resident"),
    "office": N_("caused by the office"),
    "no_duty": N_("no one on duty"),
    "no_one_on_duty": N_("no one on duty"),
    "unstaffed": N_("no one on duty"),
}
EXCUSED_WORD = N_("excused")
# Each standard's short title, for a column header, a count ("S03 工单答复×4") or a card's
# head: the code alone is never shown to a reader.
SHORT_TITLES: dict[str, str] = {
    "S01": N_("Call answering"),
    "S02": N_("Complaint assignment"),
    "S03": N_("Work order reply"),
    "S04": N_("Written complaint reply"),
    "S05": N_("Attitude complaint"),
    "S06": N_("Repair done same day"),
    "S07": N_("Follow-up"),
    "S08": N_("Weekly contact"),
    "S09": N_("Emergency arrival"),
    "S10": N_("Notice posting"),
    "S11": N_("Households revisited"),
    "S12": N_("Satisfaction rate"),
    "S13": N_("Satisfaction degree"),
    "S14": N_("Complaint revisits"),
    "S15": N_("Fee collection rate"),
}
# Said wherever a rate is shown (page, workbook, report).
ROUNDED_DOWN = N_("Rates are rounded down (2 of 3 shows as 66.6%), so a figure never reads as "
                  "meeting a target the exact rate misses.")  # fmt: skip
# What a clock's subject is (service_clock.subject_key "call:7").
SUBJECTS: dict[str, str] = {
    "order": N_("Work order"),
    "call": N_("Call"),
    "notice": N_("Lobby notice"),
    "month": N_("Month"),
    "visit": N_("Return visit"),
}


def excuse_word(code: str) -> str:
    """The msgid naming why a breach was excused."""
    return EXCUSES.get(code, EXCUSED_WORD)


def title(std: Standard, lang: str) -> str:
    """The standard's title in the reader's language."""
    return gettext(lang, std.title)


def short_title(code: str, lang: str) -> str:
    """The standard's short title in the reader's language ("Work order reply")."""
    return gettext(lang, SHORT_TITLES[code]) if code in SHORT_TITLES else code


def labelled(code: str, lang: str) -> str:
    """The code as a prefix of its short title: "S03 Work order reply"."""
    return f"{code} {short_title(code, lang)}" if code in SHORT_TITLES else code


def target_words(std: Standard, lang: str) -> str:
    """The target as a reader says it: "≤ 3 rings", "same working day", "≥ 96.0%"."""
    n = std.target
    if std.code == "S04" and std.target_important is not None:
        return gettext(
            lang, N_("same day; important: ≤ %(n)s working days"), n=std.target_important
        )
    if std.unit == "rings":
        return gettext(lang, N_("≤ %(n)s rings"), n=n)
    if std.unit == "minutes":
        return gettext(lang, N_("≤ %(n)s min"), n=n)
    if std.unit == "working_days_end":
        if n == 0:
            return gettext(lang, N_("same working day"))
        return gettext(lang, N_("≤ %(n)s working days"), n=n)
    if std.unit == "days":
        return gettext(lang, N_("≤ %(n)s days"), n=n)
    if std.unit == "households":
        return gettext(lang, N_("≥ %(n)s households a month"), n=n)
    if std.unit == "per_mille":
        return f"≥ {per_mille_text(n)}"
    return f"≥ {n}"


def per_mille_text(value: int) -> str:
    """960 → "96.0%"."""
    return f"{value // 10}.{value % 10}%"


def figure_text(line: "StandardLine", figure: "Figure") -> str:
    """A figure as shown: "95.9%", "74.2", "19", or "—" when there is nothing to judge."""
    if figure.value is None:
        return "—"
    if line.figure_unit == "households":
        return str(figure.value)
    if line.figure_unit == "score_tenths":
        return f"{figure.value // 10}.{figure.value % 10}"
    return per_mille_text(figure.value)


@dataclass(frozen=True, slots=True)
class Period:
    """A month and its quarter to date, as UTC bounds of office days."""

    month: date  # the first day of the month
    tz: ZoneInfo

    @property
    def quarter_first(self) -> date:
        """The first day of the month's quarter."""
        return date(self.month.year, (self.month.month - 1) // 3 * 3 + 1, 1)

    @property
    def quarter(self) -> str:
        """The quarter as fee bills name it: "2026-Q1"."""
        return f"{self.month.year}-Q{(self.month.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        """ "2026-03"."""
        return f"{self.month:%Y-%m}"

    def months(self) -> list[date]:
        """The quarter's months up to and including this one."""
        q = self.quarter_first
        return [date(q.year, m, 1) for m in range(q.month, self.month.month + 1)]

    def at(self, day: date) -> datetime:
        """Midnight of an office day."""
        return datetime.combine(day, time(), self.tz)

    @property
    def start(self) -> datetime:
        """The month's first moment."""
        return self.at(self.month)

    @property
    def end(self) -> datetime:
        """The first moment after the month."""
        return self.at(next_month(self.month))

    @property
    def quarter_start(self) -> datetime:
        """The quarter's first moment."""
        return self.at(self.quarter_first)


def next_month(d: date) -> date:
    """The first day of the month after d's."""
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def period(session: Session, office_id: int, month: date) -> Period:
    """The month (any day of it) in the office's zone."""
    tz = session.exec(select(Office.timezone).where(col(Office.id) == office_id)).one()
    return Period(month.replace(day=1), ZoneInfo(tz))


@dataclass(frozen=True, slots=True)
class Tally:
    """A clock standard's (or a person's) clocks by state."""

    met: int = 0
    breached: int = 0
    excused: int = 0
    running: int = 0

    @property
    def judged(self) -> int:
        """Met or breached: what the rate is taken over."""
        return self.met + self.breached

    @property
    def total(self) -> int:
        """Every clock."""
        return self.met + self.breached + self.excused + self.running

    @property
    def rate(self) -> int | None:
        """Met ÷ judged, per mille rounded down; None when nothing was judged."""
        return rate(self.met, self.judged)

    def plus(self, other: "Tally") -> "Tally":
        """Both tallies added up."""
        return Tally(
            self.met + other.met,
            self.breached + other.breached,
            self.excused + other.excused,
            self.running + other.running,
        )

    @staticmethod
    def of(counts: dict[str, int]) -> "Tally":
        """From counts by clock state."""
        return Tally(
            counts.get(ClockState.MET, 0),
            counts.get(ClockState.BREACHED, 0),
            counts.get(ClockState.EXCUSED, 0),
            counts.get(ClockState.RUNNING, 0),
        )


def rate(part: int, whole: int) -> int | None:
    """part ÷ whole per mille, rounded down; None for an empty whole."""
    return None if whole <= 0 else part * PER_MILLE // whole


@dataclass(frozen=True, slots=True)
class Figure:
    """One standard's figure over one span: the number shown and whether it meets the target.

    `value` is in the standard's figure unit: per mille for rates (clocks, S12, S14, S15), a
    count of households (S11), a score in tenths (S13: 753 = 75.3). None: nothing to judge.
    """

    value: int | None
    meets: bool | None
    tally: Tally | None = None  # clock standards
    numerator: int = 0  # what the rate counts (satisfied answers, fen paid)
    denominator: int = 0  # over what (answers, fen billed)


@dataclass(frozen=True, slots=True)
class StandardLine:
    """A standard's line: its target, this month, this quarter."""

    standard: Standard
    month: Figure
    quarter: Figure

    @property
    def code(self) -> str:
        """S01…"""
        return self.standard.code

    @property
    def is_clock(self) -> bool:
        """Judged one subject at a time."""
        return self.standard.kind == CLOCK

    @property
    def figure_unit(self) -> str:
        """How `Figure.value` reads: "per_mille", "households" or "score_tenths"."""
        if self.code == "S11":
            return "households"
        if self.code == "S13":
            return "score_tenths"
        return "per_mille"

    @property
    def missed(self) -> bool:
        """The month or the quarter misses the target (the line shows red)."""
        return self.month.meets is False or self.quarter.meets is False


def verdict(line: StandardLine) -> bool | None:
    """Whether the line meets its target: True when every span with figures meets it, False
    when one misses, None when nothing can be judged yet. The dashboard, the workbook and the
    monthly report all say this one answer."""
    meets = [f.meets for f in (line.month, line.quarter) if f.meets is not None]
    if not meets:
        return None
    return all(meets)


def verdict_word(line: StandardLine, lang: str) -> str:
    """The verdict in words: yes, no, or nothing to judge yet."""
    v = verdict(line)
    if v is None:
        return gettext(lang, N_("nothing to judge yet"))
    return gettext(lang, N_("yes") if v else N_("no"))


@dataclass(frozen=True, slots=True)
class GroupLine:
    """A team's or a person's clocks in the month, and the breaches by standard."""

    key: str  # the team, or the staff id as text ("" = no one held it)
    name: str
    team: str
    employee_no: str
    tally: Tally
    breaches_by_standard: dict[str, int] = field(default_factory=dict)
    staff_id: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceFigures:
    """Every figure of the dashboard for one month."""

    office_id: int
    period: Period
    lines: tuple[StandardLine, ...]
    teams: tuple[GroupLine, ...]
    people: tuple[GroupLine, ...]
    weights: tuple[int, ...]
    ratings: dict[int, int]  # the month's ratings 5..1 and how many of each

    def line(self, code: str) -> StandardLine:
        """The line of one standard."""
        return next(x for x in self.lines if x.code == code)

    @property
    def missed(self) -> int:
        """How many standards miss their target this month or quarter."""
        return sum(1 for x in self.lines if x.missed)


@dataclass(frozen=True, slots=True)
class _ClockCounts:
    """The clocks of the quarter to date, grouped by holder, standard and state."""

    # (holder, standard, state) -> (this month, the quarter to date)
    groups: dict[tuple[int | None, str, str], tuple[int, int]]

    def by_standard(self, quarter: bool) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (_, std, state), (m, q) in self.groups.items():
            out[std][state] += q if quarter else m
        return out


def _clock_counts(session: Session, office_id: int, p: Period) -> _ClockCounts:
    """Clocks by holder, standard and state, this month and this quarter to date: one scan of
    the quarter over the (office_id, started_at) index."""
    started = col(ServiceClock.started_at)
    in_month = func.sum(case((started >= p.start, 1), else_=0))
    holder = col(ServiceClock.holder_staff_id)
    rows = session.execute(
        sa_select(
            holder, col(ServiceClock.standard), col(ServiceClock.state), in_month, func.count()
        )
        .where(
            col(ServiceClock.office_id) == office_id,
            started >= p.quarter_start,
            started < p.end,
        )
        .group_by(holder, col(ServiceClock.standard), col(ServiceClock.state))
    ).all()
    return _ClockCounts({(h, std, st): (int(m or 0), int(q or 0)) for h, std, st, m, q in rows})


def _clock_figure(std: Standard, counts: dict[str, int]) -> Figure:
    tally = Tally.of(counts)
    value = tally.rate
    # Every subject must meet its clock: S14's target is 1000 per mille, the others' a time.
    target = std.target if std.unit == "per_mille" else PER_MILLE
    meets = None if tally.judged == 0 else tally.met * PER_MILLE >= target * tally.judged
    return Figure(value, meets, tally, tally.met, tally.judged)


@dataclass(frozen=True, slots=True)
class _Visits:
    households: list[int]  # per month of the quarter so far
    ratings_month: dict[int, int]
    ratings_quarter: dict[int, int]


def _visits(session: Session, office_id: int, p: Period) -> _Visits:
    """Return visits: distinct households per month of the quarter, ratings by value for the
    month and the quarter. One query."""
    at = col(ReturnVisit.visited_at)
    unit = col(ReturnVisit.unit_id)
    rating = col(ReturnVisit.rating)
    months = p.months()
    cols: list[Any] = []
    for m in months:
        within = and_(at >= p.at(m), at < p.at(next_month(m)))
        cols.append(func.count(func.distinct(case((within, unit), else_=None))))
    in_month = at >= p.start
    for r in range(5, 0, -1):
        cols.append(func.sum(case((and_(in_month, rating == r), 1), else_=0)))
        cols.append(func.sum(case((rating == r, 1), else_=0)))
    row = session.execute(
        sa_select(*cols).where(
            col(ReturnVisit.office_id) == office_id, at >= p.quarter_start, at < p.end
        )
    ).one()
    values = [int(v or 0) for v in row]
    n = len(months)
    by_rating = values[n:]
    return _Visits(
        households=values[:n],
        ratings_month={5 - i: by_rating[2 * i] for i in range(5)},
        ratings_quarter={5 - i: by_rating[2 * i + 1] for i in range(5)},
    )


def _satisfaction(std: Standard, ratings: dict[int, int]) -> Figure:
    valid = sum(ratings.values())
    satisfied = sum(n for r, n in ratings.items() if r >= SATISFIED_FROM)
    meets = None if valid == 0 else satisfied * PER_MILLE >= std.target * valid
    return Figure(rate(satisfied, valid), meets, None, satisfied, valid)


def _degree(std: Standard, ratings: dict[int, int], weights: Sequence[int]) -> Figure:
    valid = sum(ratings.values())
    points = sum(ratings.get(5 - i, 0) * w for i, w in enumerate(weights))
    if valid == 0:
        return Figure(None, None, None, 0, 0)
    # The score in tenths, rounded down; the target compared on the exact mean.
    return Figure(points * 10 // valid, points >= std.target * valid, None, points, valid)


def _fees(session: Session, office_id: int, p: Period) -> tuple[int, int]:
    """The quarter's receivables and what was paid against them by the month's end, in fen,
    each household's payments counted up to its bills. Two grouped subqueries, one query."""
    billed = (
        select(col(FeeBill.unit_id).label("unit_id"), func.sum(FeeBill.amount_fen).label("fen"))
        .where(col(FeeBill.office_id) == office_id, col(FeeBill.quarter) == p.quarter)
        .group_by(col(FeeBill.unit_id))
        .subquery()
    )
    paid = (
        select(
            col(FeePayment.unit_id).label("unit_id"), func.sum(FeePayment.amount_fen).label("fen")
        )
        .where(
            col(FeePayment.office_id) == office_id,
            col(FeePayment.quarter) == p.quarter,
            col(FeePayment.paid_at) < p.end,
        )
        .group_by(col(FeePayment.unit_id))
        .subquery()
    )
    paid_fen = func.coalesce(paid.c.fen, 0)
    counted = case((paid_fen > billed.c.fen, billed.c.fen), else_=paid_fen)
    row = session.exec(
        select(
            func.coalesce(func.sum(billed.c.fen), literal(0)),
            func.coalesce(func.sum(counted), literal(0)),
        ).select_from(billed.outerjoin(paid, paid.c.unit_id == billed.c.unit_id))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def _people(
    session: Session, office_id: int, counts: _ClockCounts
) -> tuple[list[GroupLine], list[GroupLine]]:
    """The month's clocks per holder and per team, from the grouped counts and one query for
    the office's staff (names and teams)."""
    month: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    broke: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (sid, std, state), (m, _) in counts.groups.items():
        if not m:
            continue
        month[sid][state] += m
        if state == ClockState.BREACHED:
            broke[sid][std] += m
    who: dict[int | None, tuple[str, str, str]] = {None: ("", "", "")}
    if any(sid is not None for sid in month):
        for sid, name, team, no in session.execute(
            sa_select(
                col(Staff.id), col(Staff.name), col(Staff.team), col(Staff.employee_no)
            ).where(col(Staff.office_id) == office_id)
        ).all():
            who[sid] = (name, team, no)
    people = [
        GroupLine(
            key="" if sid is None else str(sid),
            name=who.get(sid, ("", "", ""))[0],
            team=who.get(sid, ("", "", ""))[1],
            employee_no=who.get(sid, ("", "", ""))[2],
            tally=Tally.of(month[sid]),
            breaches_by_standard=dict(sorted(broke[sid].items())),
            staff_id=sid,
        )
        for sid in month
    ]
    people.sort(key=lambda g: (-g.tally.breached, g.staff_id is None, g.team, g.name))
    teams: dict[str, GroupLine] = {}
    for g in people:
        t = teams.get(g.team)
        merged = dict(t.breaches_by_standard) if t else {}
        for std, n in g.breaches_by_standard.items():
            merged[std] = merged.get(std, 0) + n
        teams[g.team] = GroupLine(
            key=g.team,
            name=g.team,
            team=g.team,
            employee_no="",
            tally=(t.tally.plus(g.tally) if t else g.tally),
            breaches_by_standard=dict(sorted(merged.items())),
        )
    team_lines = sorted(teams.values(), key=lambda g: (-g.tally.breached, g.team == "", g.team))
    return team_lines, people


def service_figures(
    session: Session,
    office_id: int,
    month: date,
    *,
    weights: Sequence[int] | None = None,
) -> ServiceFigures:
    """Each standard's figure this month and this quarter against its target, per team and
    per person. Five queries, whatever the size of the office."""
    p = period(session, office_id, month)
    used = tuple(weights) if weights is not None else SATISFACTION_WEIGHTS_DEFAULT
    if len(used) != 5:
        raise ValueError("five weights, for ratings 5..1")
    counts = _clock_counts(session, office_id, p)
    by_month, by_quarter = counts.by_standard(quarter=False), counts.by_standard(quarter=True)
    visits = _visits(session, office_id, p)
    billed, paid = _fees(session, office_id, p)
    lines = []
    for std in STANDARDS:
        if std.kind == CLOCK:
            m = _clock_figure(std, by_month.get(std.code, {}))
            q = _clock_figure(std, by_quarter.get(std.code, {}))
        elif std.code == "S11":
            this = visits.households[-1]
            weakest = min(visits.households)
            m = Figure(this, this >= std.target, None, this, 0)
            q = Figure(weakest, weakest >= std.target, None, weakest, 0)
        elif std.code == "S12":
            m = _satisfaction(std, visits.ratings_month)
            q = _satisfaction(std, visits.ratings_quarter)
        elif std.code == "S13":
            m = _degree(std, visits.ratings_month, used)
            q = _degree(std, visits.ratings_quarter, used)
        elif std.code == "S15":
            # Fees are billed by the quarter: the month has no figure of its own.
            m = Figure(None, None)
            meets = None if billed == 0 else paid * PER_MILLE >= std.target * billed
            q = Figure(rate(paid, billed), meets, None, paid, billed)
        else:  # a standard this dashboard does not know how to count yet
            m = q = Figure(None, None)
        lines.append(StandardLine(std, m, q))
    teams, people = _people(session, office_id, counts)
    return ServiceFigures(
        office_id=office_id,
        period=p,
        lines=tuple(lines),
        teams=tuple(teams),
        people=tuple(people),
        weights=used,
        ratings=visits.ratings_month,
    )


@dataclass(frozen=True, slots=True)
class BreachRow:
    """One breached (or excused) clock behind a number, with what it was about."""

    clock_id: int
    standard: str
    subject_key: str
    order_id: int | None
    order_number: str
    holder_staff_id: int | None
    holder_name: str
    team: str
    started_at: datetime
    due_at: datetime | None
    stopped_at: datetime | None
    state: str
    excuse: str
    finding_id: int | None

    @property
    def subject_kind(self) -> str:
        """ "order", "call", "notice"…"""
        return self.subject_key.split(":", 1)[0]

    @property
    def subject_ref(self) -> str:
        """The subject's id in its kind ("7" of "call:7")."""
        return self.subject_key.split(":", 1)[-1]


@dataclass(frozen=True, slots=True)
class BreachPage:
    """A page of breaches and how many there are in all."""

    rows: tuple[BreachRow, ...]
    total: int


def breaches(
    session: Session,
    office_id: int,
    start: datetime,
    end: datetime,
    *,
    standard: str | None = None,
    staff_id: int | None = None,
    team: str | None = None,
    excused: bool = True,
    offset: int = 0,
    limit: int = BREACH_PAGE,
) -> BreachPage:
    """The breached clocks that started in [start, end) (and the excused ones, unless
    `excused` is False), newest first, with the order's number and the holder's name. Two
    queries: the page and its count."""
    states = [ClockState.BREACHED.value] + ([ClockState.EXCUSED.value] if excused else [])
    where = [
        col(ServiceClock.office_id) == office_id,
        col(ServiceClock.started_at) >= start,
        col(ServiceClock.started_at) < end,
        col(ServiceClock.state).in_(states),
    ]
    if standard:
        where.append(col(ServiceClock.standard) == standard)
    if staff_id is not None:
        where.append(col(ServiceClock.holder_staff_id) == staff_id)
    if team is not None:
        where.append(col(Staff.team) == team)
    base = (
        select(ServiceClock, ServiceOrder.number, Staff.name, Staff.team)
        .outerjoin(ServiceOrder, col(ServiceOrder.id) == col(ServiceClock.order_id))
        .outerjoin(Staff, col(Staff.id) == col(ServiceClock.holder_staff_id))
        .where(*where)
    )
    total_q = (
        select(func.count())
        .select_from(ServiceClock)
        .outerjoin(Staff, col(Staff.id) == col(ServiceClock.holder_staff_id))
        .where(*where)
    )
    total = int(session.exec(total_q).one())
    rows = session.exec(
        base.order_by(col(ServiceClock.started_at).desc(), col(ServiceClock.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return BreachPage(
        tuple(
            BreachRow(
                clock_id=c.id or 0,
                standard=c.standard,
                subject_key=c.subject_key,
                order_id=c.order_id,
                order_number=number or "",
                holder_staff_id=c.holder_staff_id,
                holder_name=name or "",
                team=t or "",
                started_at=c.started_at,
                due_at=c.due_at,
                stopped_at=c.stopped_at,
                state=c.state,
                excuse=c.excuse,
                finding_id=c.finding_id,
            )
            for c, number, name, t in rows
        ),
        total,
    )


__all__ = [
    "BREACH_PAGE",
    "BreachPage",
    "BreachRow",
    "Figure",
    "GroupLine",
    "Period",
    "ServiceFigures",
    "StandardLine",
    "Tally",
    "breaches",
    "excuse_word",
    "labelled",
    "next_month",
    "period",
    "service_figures",
    "short_title",
    "verdict",
    "verdict_word",
]
