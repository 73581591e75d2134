"""Deterministic demo and benchmark data: a whole office, bulk-inserted with SQLAlchemy Core.

One random.Random(seed) drives everything, so the same arguments give the same rows. Rows
are plain dicts inserted in chunks (no ORM objects); roster and attendance, by far the
largest tables, are streamed so that a year of 2,000 staff never sits in memory at once.

Breaches of every rule are injected at the rates in `Rates` - always at least `min_each`
of every kind, so that a small office still shows them all - next to near misses that
must pass: a ring of exactly the limit, a gap of exactly the minimum, leaving exactly at
the linger limit, a sign-back exactly at the end of the grace period, a check-in at the
minute the first job starts, overtime approved at the minute of arrival, a tip handed over
after 47 hours.
"""

import random
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Insert, String, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from compliance.attendance.models import AttendanceEvent, PunchKind, RosterShift
from compliance.audit.service import append
from compliance.clock import ensure_utc
from compliance.counters.models import Counter
from compliance.damages.models import DamageIncident, Settlement
from compliance.db import UTCDateTime
from compliance.demo import names as N
from compliance.feedback.models import Feedback
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.offices.models import Office
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.residents.models import Resident, Unit
from compliance.staff.models import Staff, StaffStatus, StaffWage
from compliance.tips.models import TipLine
from compliance.users.models import Role, User
from compliance.visits.models import Visit
from policies import registry
from policies.conduct import PUBLISHED_ON
from policies.vocab import FeedbackCategory as Cat
from policies.vocab import FeedbackChannel as Chan
from policies.vocab import ItemResult, Satisfaction

CHUNK = 5000
Row = dict[str, Any]
MIN = 60
HOUR = 3600
SHIFT_START = 8 * HOUR + 30 * MIN
SHIFT_END = 17 * HOUR + 30 * MIN
_M = timedelta(minutes=1)

# Feedback a resident can give about anyone; return visits and tip reports are made from
# actual jobs and tips instead.
MIX: tuple[tuple[Cat, float], ...] = (
    (Cat.PRAISE, 0.30),
    (Cat.OTHER, 0.08),
    (Cat.ATTITUDE, 0.06),
    (Cat.INCOMPETENT, 0.04),
    (Cat.FACILITY_USE, 0.02),
    (Cat.OUTSIDERS, 0.02),
    (Cat.PRIVACY, 0.02),
    (Cat.LINGERING, 0.02),
    (Cat.SOLICITATION, 0.01),
    (Cat.THEFT, 0.005),
)
BREACH_CATEGORIES = frozenset(
    {Cat.ATTITUDE, Cat.FACILITY_USE, Cat.OUTSIDERS, Cat.PRIVACY, Cat.LINGERING}
    | {Cat.SOLICITATION, Cat.THEFT}
)
RETURN_VISIT_SHARE = 0.30
# Checklist items that only apply when the check is at a home, not in a public area.
HOME_ONLY = frozenset(
    {"knock_before_entry", "ring_duration", "ring_interval", "no_facility_use"}
    | {"no_outsiders", "no_gossip", "left_promptly"}
)
TIP_YUAN = (20, 50, 50, 100, 100, 100, 200, 200, 300, 500, 800)
CLAIM_YUAN = (50, 100, 200, 300, 500, 800, 1500, 3000)


@dataclass(frozen=True)
class Rates:
    """How much of everything there is, and how often each kind of breach happens.

    Volumes are per rostered staff-day (scaled by each team's share of home jobs); breach
    rates are shares of their opportunities (field days, jobs, ring checks, tips).
    """

    visits: float = 0.06
    overtime: float = 0.006
    feedback: float = 0.033
    spot_checks: float = 0.004
    tips: float = 0.10
    damages: float = 0.01
    leave: float = 0.02
    wage_raises: float = 0.1
    staff_users: int = 3
    min_each: int = 3
    boundary: float = 0.03
    # R02, share of field days
    no_check_in: float = 0.02
    late_check_in: float = 0.01
    no_sign_back: float = 0.015
    late_sign_back: float = 0.015
    # R03, share of spot checks at a home; other checklist items fail at item_fail
    long_ring: float = 0.04
    short_gap: float = 0.04
    item_fail: float = 0.02
    # R04
    open_jobs: float = 0.01
    next_day_jobs: float = 0.002
    unsatisfied: float = 0.06
    # R08, share of jobs
    lingering: float = 0.03
    # R09, share of overtime jobs
    approved_late: float = 0.08
    not_director: float = 0.06
    refused: float = 0.05
    no_request: float = 0.08
    # R10, share of staff with a cluster of incompetence reports (and as many near misses)
    incompetence_clusters: float = 0.03
    # R12: tips a resident mentions later, per tip line
    tips_reported: float = 0.3
    tips_concealed: float = 0.1
    tips_late: float = 0.04
    tips_short: float = 0.04
    # The R08 limit the office applies from each date (BSW tightens it to 10 min), so that
    # near misses sit exactly on the limit in force.
    linger_limits: tuple[tuple[date, int], ...] = ((date(2024, 1, 1), 15), (date(2026, 3, 1), 10))


@dataclass(slots=True)
class _Staff:
    idx: int
    id: int
    name: str
    team: str
    weight: float
    first_day: int
    shifts: bytearray


@dataclass(slots=True)
class _Job:
    staff: _Staff
    day: int
    arrive: int  # seconds after local midnight
    onsite: int  # seconds from arriving to leaving
    overtime: str  # "", "evening" or "rest_day"
    unit_id: int
    label: str = ""
    id: int = 0
    row: Row = field(default_factory=dict)


class _Local:
    """Office-local wall-clock times as UTC instants, by day index from the period start."""

    def __init__(self, tz: ZoneInfo, start: date) -> None:
        self.tz, self.start = tz, start
        self._bases: dict[int, tuple[datetime, bool]] = {}

    def day(self, i: int) -> date:
        """The local date of day i."""
        return self.start + timedelta(days=i)

    def at(self, i: int, seconds: int) -> datetime:
        """The UTC instant `seconds` after local midnight of day i."""
        base = self._bases.get(i)
        if base is None:
            midnight = datetime.combine(self.day(i), time(), self.tz)
            following = datetime.combine(self.day(i + 1), time(), self.tz)
            # Adding seconds to the UTC midnight is exact only on a day without a DST change.
            base = (midnight.astimezone(UTC), midnight.utcoffset() == following.utcoffset())
            self._bases[i] = base
        utc_midnight, uniform = base
        if uniform and 0 <= seconds < 86_400:
            return utc_midnight + timedelta(seconds=seconds)
        wall = datetime.combine(self.day(i), time(), self.tz) + timedelta(seconds=seconds)
        return wall.astimezone(UTC)


class _UTCText(TypeDecorator[datetime]):
    """UTCDateTime's stored form on SQLite, for bulk loads: the same text, made faster.

    UTCDateTime and SQLite's DateTime are two Python layers per value; a year of roster and
    attendance binds over four million datetimes, so this formats each in one isoformat
    call, and recent values once (every roster row of a day repeats the same instants, a
    punch's created_at is its time). tests/compliance/demo checks the texts are identical.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = _RECENT_TEXT.get(value)
        if text is None:
            utc = value if value.tzinfo is UTC else ensure_utc(value, "bulk-loaded time")
            text = utc.isoformat(" ", "microseconds")[:26]  # naive UTC, as UTCDateTime stores
            if len(_RECENT_TEXT) >= 4096:
                _RECENT_TEXT.clear()
            _RECENT_TEXT[value] = text
        return text


class _DateText(TypeDecorator[date]):
    """SQLite's stored form of a date (ISO text), for bulk loads."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()


_RECENT_TEXT: dict[datetime, str] = {}


def _pick_labels(rng: random.Random, n: int, specs: Sequence[tuple[str, float, int]]) -> list[str]:
    """Give disjoint random subsets of n items the labels: each max(minimum, rate * n)."""
    labels = [""] * n
    order = list(range(n))
    rng.shuffle(order)
    pos = 0
    for label, rate, minimum in specs:
        k = min(n - pos, max(minimum, round(rate * n)))
        for i in order[pos : pos + k]:
            labels[i] = label
        pos += k
    return labels


class _Gen:
    """Builds one office; each step inserts its rows before the next needs their ids."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        rates: Rates,
        local: _Local,
        days: int,
        now: datetime,
    ) -> None:
        self.session, self.rng, self.rates, self.local, self.days = session, rng, rates, local, days
        self.now = now
        self.counts: Tally[str] = Tally()
        self._statements: dict[str, Insert] = {}
        self.office_id = 0
        self.code = ""
        self.users: dict[str, int] = {}
        self.staff: list[_Staff] = []
        self.staff_user: dict[int, int] = {}
        self.unit_ids: list[int] = []
        self.buildings = 1
        self.field_first: dict[tuple[int, int], int] = {}
        self.field_last: dict[tuple[int, int], int] = {}
        self.overtime_days: set[tuple[int, int]] = set()
        self.shift_days = 0
        self.go_live = local.at(-30, 9 * HOUR)
        self.r03 = registry.get("R03").resolve_params(None)
        self.r02 = registry.get("R02").resolve_params(None)
        self.r08 = registry.get("R08").resolve_params(None)
        self.r12 = registry.get("R12").resolve_params(None)

    # -- inserting ---------------------------------------------------------------------

    def statement(self, model: type[SQLModel]) -> tuple[Table, Insert]:
        """The table and its bulk INSERT (with SQLite's fast date binds, see _UTCText)."""
        table = getattr(model, "__table__", None)
        assert isinstance(table, Table)
        stmt = self._statements.get(table.name)
        if stmt is None:
            stmt = insert(table)
            if self.session.get_bind().dialect.name == "sqlite":
                fast: dict[str, Any] = {}
                for c in table.columns:
                    if isinstance(c.type, UTCDateTime):
                        fast[c.name] = bindparam(c.name, type_=_UTCText())
                    elif isinstance(c.type, Date):
                        fast[c.name] = bindparam(c.name, type_=_DateText())
                stmt = stmt.values(fast)
            self._statements[table.name] = stmt
        return table, stmt

    def insert(self, model: type[SQLModel], rows: list[Row]) -> None:
        """Insert rows in chunks with one executemany each (no ORM objects, no RETURNING)."""
        # The table, not the ORM entity: ORM bulk inserts split a chunk into one statement
        # per pattern of None values, which made the attendance load eight times slower.
        table, stmt = self.statement(model)
        for i in range(0, len(rows), CHUNK):
            self.session.execute(stmt, rows[i : i + CHUNK])
        self.counts[table.name] += len(rows)

    def insert_ids(self, model: type[SQLModel], rows: list[Row]) -> list[int]:
        """Insert rows and return their new ids in row order."""
        table, stmt = self.statement(model)
        returning = stmt.returning(table.c.id, sort_by_parameter_order=True)
        ids: list[int] = []
        for i in range(0, len(rows), CHUNK):
            ids.extend(self.session.execute(returning, rows[i : i + CHUNK]).scalars())
        self.counts[table.name] += len(rows)
        return ids

    def clamp(self, value: datetime) -> datetime | None:
        """The time if it is not after 'now', else None (it has not happened yet)."""
        return value if value <= self.now else None

    # -- office, people, homes ---------------------------------------------------------

    def office(self, code: str, name: str, city: str, timezone: str) -> None:
        """The office row."""
        self.code = code
        row = {"code": code, "name": name, "timezone": timezone, "city": city}
        self.office_id = self.insert_ids(Office, [row | {"created_at": self.go_live}])[0]

    def office_users(self) -> None:
        """Admin, manager, director, HR and cashier."""
        prefix = self.code.lower()
        specs = [
            ("admin", Role.ADMIN, False),
            ("manager", Role.MANAGER, False),
            ("director", Role.MANAGER, True),
            ("hr", Role.HR, False),
            ("cashier", Role.CASHIER, False),
        ]
        rows = [
            {
                "office_id": self.office_id,
                "username": f"{prefix}-{key}",
                "display_name": N.person_name(self.rng),
                "role": role.value,
                "staff_id": None,
                "is_director": director,
                "active": True,
                "password_hash": None,
                "created_at": self.go_live,
            }
            for key, role, director in specs
        ]
        ids = self.insert_ids(User, rows)
        self.users = {key: uid for (key, _, _), uid in zip(specs, ids, strict=True)}

    def people(self, n_staff: int) -> None:
        """Staff across the teams, with roster patterns, wages and a few staff users."""
        rng, local, days = self.rng, self.local, self.days
        teams = list(N.TEAMS)
        shares = [N.TEAMS[t][0] for t in teams]
        weekday = [local.day(d).weekday() for d in range(days)]
        rows: list[Row] = []
        metas: list[tuple[str, str, float, int, bytearray, date]] = []
        no_ack = set(rng.sample(range(n_staff), max(1, n_staff // 30)))
        for i in range(n_staff):
            team = teams[i] if i < len(teams) else rng.choices(teams, shares)[0]
            female = rng.random() < {"保洁": 0.8, "客服": 0.7}.get(team, 0.15)
            name = N.person_name(rng, female=female)
            if days > 30 and rng.random() < 0.04:
                hire = local.day(rng.randrange(days // 3))
            else:
                hire = local.day(-rng.randint(60, 3000))
            first = max(0, (hire - local.start).days)
            # Security rotates its rest day so that the gate is staffed on Sundays.
            rest = i % 7 if team == "安保" else 6
            shifts = bytearray(days)
            for d in range(first, days):
                if weekday[d] != rest and rng.random() >= self.rates.leave:
                    shifts[d] = 1
            self.shift_days += sum(shifts)
            hire_idx = (hire - local.start).days
            ack_day = max(hire_idx, (PUBLISHED_ON - local.start).days + 3)
            rows.append(
                {
                    "office_id": self.office_id,
                    "employee_no": f"E{i + 1:04d}",
                    "name": name,
                    "team": team,
                    "position": rng.choice(N.TEAMS[team][1]),
                    "hire_date": hire,
                    "status": StaffStatus.ACTIVE.value,
                    "rulebook_ack_at": None
                    if i in no_ack
                    else local.at(ack_day + rng.randint(0, 3), 10 * HOUR),
                    "created_at": max(self.go_live, local.at(hire_idx, 9 * HOUR)),
                    "created_by": self.users["hr"],
                }
            )
            metas.append((name, team, N.TEAMS[team][2], first, shifts, hire))
        ids = self.insert_ids(Staff, rows)
        for i, (sid, (name, team, weight, first, shifts, _)) in enumerate(
            zip(ids, metas, strict=True)
        ):
            self.staff.append(_Staff(i, sid, name, team, weight, first, shifts))
        self.wages([m[5] for m in metas])
        self.staff_users()

    def wages(self, hires: list[date]) -> None:
        """A starting wage per staff member, and a raise for some during the period."""
        rng, local = self.rng, self.local
        months = [
            d for d in (local.day(i) for i in range(1, self.days)) if d.day == 1
        ]  # first days of months inside the period
        raised = set(
            rng.sample(range(len(self.staff)), round(len(self.staff) * self.rates.wage_raises))
        )
        rows: list[Row] = []
        for s, hire in zip(self.staff, hires, strict=True):
            lo, hi = N.WAGE_YUAN[s.team]
            yuan = rng.randrange(lo, hi + 1, 50)
            created = max(self.go_live, local.at((hire - local.start).days, 9 * HOUR))
            rows.append(self._wage(s.id, yuan, hire, created))
            if s.idx in raised and months:
                eff = rng.choice(months)
                if eff > hire:
                    yuan += rng.randrange(200, 601, 50)
                    rows.append(
                        self._wage(
                            s.id, yuan, eff, local.at((eff - local.start).days - 5, 10 * HOUR)
                        )
                    )
        self.insert(StaffWage, rows)

    def _wage(self, staff_id: int, yuan: int, eff: date, created: datetime) -> Row:
        return {
            "staff_id": staff_id,
            "monthly_wage_fen": yuan * 100,
            "effective_from": eff,
            "created_at": created,
            "created_by": self.users["hr"],
        }

    def staff_users(self) -> None:
        """Sign-ins for the first few staff members (bsw-staff1, ...)."""
        prefix = self.code.lower()
        linked = self.staff[: self.rates.staff_users]
        rows = [
            {
                "office_id": self.office_id,
                "username": f"{prefix}-staff{k + 1}",
                "display_name": s.name,
                "role": Role.STAFF.value,
                "staff_id": s.id,
                "is_director": False,
                "active": True,
                "password_hash": None,
                "created_at": self.go_live,
            }
            for k, s in enumerate(linked)
        ]
        for s, uid in zip(linked, self.insert_ids(User, rows), strict=True):
            self.staff_user[s.idx] = uid

    def units(self, n_units: int) -> None:
        """Buildings of 18 floors with 4 homes a floor, and the residents of each home."""
        rng = self.rng
        rows = []
        for k in range(n_units):
            building, rest = divmod(k, 72)
            floor, room = divmod(rest, 4)
            rows.append(
                {
                    "office_id": self.office_id,
                    "building": f"{building + 1}栋",
                    "room": f"{floor + 1}{room + 1:02d}",
                    "created_at": self.go_live,
                }
            )
        self.unit_ids = self.insert_ids(Unit, rows)
        self.buildings = (n_units - 1) // 72 + 1
        residents: list[Row] = []
        for uid in self.unit_ids:
            family = N.surname(rng)
            for _ in range(rng.choice((1, 2, 2, 3))):
                residents.append(
                    {
                        "unit_id": uid,
                        "name": family + N.given_name(rng),
                        "phone": N.mobile(rng),
                        "created_at": self.go_live,
                        "created_by": self.users["admin"],
                    }
                )
        self.insert(Resident, residents)

    def unit(self) -> int:
        """A random home."""
        return self.unit_ids[self.rng.randrange(len(self.unit_ids))]

    def shift_day(self, s: _Staff) -> int:
        """A random day the staff member was rostered (any day of theirs if none is found)."""
        for _ in range(50):
            d = self.rng.randrange(s.first_day, self.days)
            if s.shifts[d]:
                return d
        return self.rng.randrange(s.first_day, self.days)

    def who(self, s: _Staff) -> str:
        """How residents name the staff member in feedback."""
        return N.address_form(s.name, s.team)

    # -- jobs in homes, overtime, damage -----------------------------------------------

    def plan_jobs(self) -> list[_Job]:
        """Home jobs inside shifts, overtime jobs in the evening or on a rest day, labelled."""
        rng, rates = self.rng, self.rates
        jobs: list[_Job] = []
        for s in self.staff:
            p, p_ot = rates.visits * s.weight, rates.overtime * s.weight
            for d in range(s.first_day, self.days):
                if not s.shifts[d]:
                    if rng.random() < p_ot * 1.5:
                        arrive, onsite = rng.randint(570, 900) * MIN, rng.randint(40, 120) * MIN
                        jobs.append(_Job(s, d, arrive, onsite, "rest_day", self.unit()))
                    continue
                u = rng.random()
                if u < p:
                    cursor = SHIFT_START + rng.randint(15, 150) * MIN
                    for _ in range(2 if u < p / 4 else 1):
                        onsite = rng.randint(40, 150) * MIN
                        if cursor + onsite > SHIFT_END - 10 * MIN:
                            break
                        jobs.append(_Job(s, d, cursor, onsite, "", self.unit()))
                        cursor += onsite + rng.randint(15, 60) * MIN
                if rng.random() < p_ot * 0.75:
                    jobs.append(self._evening_job(s, d))
        # A small office may draw too few overtime jobs to show every kind of R09 case.
        home = [s for s in self.staff if s.weight >= 1] or self.staff
        for _ in range(6 * rates.min_each - sum(1 for j in jobs if j.overtime)):
            s = rng.choice(home)
            jobs.append(self._evening_job(s, self.shift_day(s)))
        m, b = rates.min_each, rates.boundary
        regular = [j for j in jobs if not j.overtime]
        specs = [
            ("open", rates.open_jobs * 0.6, m),
            ("open_arrived", rates.open_jobs * 0.4, 1),
            ("next_day", rates.next_day_jobs, 1),
            ("linger", rates.lingering, m),
        ]
        for j, label in zip(regular, _pick_labels(rng, len(regular), specs), strict=True):
            j.label = label
        # Near misses on the linger limit in each stretch of time one limit was in force, so
        # that the demo shows the same 12 minutes passing before a tightening and not after.
        for lo, hi in self.linger_segments():
            plain = [j for j in regular if lo <= j.day < hi and not j.label]
            near = [("linger_at_limit", b, 1), ("linger_between", b / 2, 1)]
            for j, label in zip(plain, _pick_labels(rng, len(plain), near), strict=True):
                j.label = label
        overtime = [j for j in jobs if j.overtime]
        specs = [
            ("late", rates.approved_late, m),
            ("not_director", rates.not_director, m),
            ("refused", rates.refused, m),
            ("no_request", rates.no_request, m),
            ("at_arrival", b, 1),
        ]
        for j, label in zip(overtime, _pick_labels(rng, len(overtime), specs), strict=True):
            j.label = label
        return jobs

    def _evening_job(self, s: _Staff, d: int) -> _Job:
        rng = self.rng
        arrive = 18 * HOUR + rng.randint(15, 150) * MIN
        return _Job(s, d, arrive, rng.randint(30, 90) * MIN, "evening", self.unit())

    def linger_segments(self) -> list[tuple[int, int]]:
        """Day ranges [lo, hi) of the period in which one linger limit was in force."""
        cuts = sorted({(since - self.local.start).days for since, _ in self.rates.linger_limits})
        bounds = [0, *(c for c in cuts if 0 < c < self.days), self.days]
        return list(pairwise(bounds))

    def linger_limit(self, d: int) -> int:
        """The R08 limit in minutes in force on day d."""
        day, limit = self.local.day(d), self.r08["linger_minutes"]
        for since, minutes in self.rates.linger_limits:
            if since <= day:
                limit = minutes
        return limit

    def _linger(self, j: _Job, limit: int) -> int:
        if j.label == "linger":
            room = max(1, min(30, j.onsite // MIN - 10 - limit))
            return (limit + self.rng.randint(1, room)) * MIN
        if j.label == "linger_at_limit":
            return limit * MIN
        if j.label == "linger_between":
            return 12 * MIN  # a breach only once the limit is below 12 minutes
        return self.rng.randint(30, 8 * MIN)

    def visits(self, jobs: list[_Job]) -> None:
        """Insert the jobs as work orders, in the order the front desk took them."""
        for j in jobs:
            j.row = self._visit(j)
        jobs.sort(key=lambda j: (j.row["requested_at"], j.staff.idx))
        ids = self.insert_ids(Visit, [j.row for j in jobs])
        for j, vid in zip(jobs, ids, strict=True):
            j.id = vid

    def _visit(self, j: _Job) -> Row:
        rng, at, d = self.rng, self.local.at, j.day
        kind, text, outcome = rng.choice(N.JOBS[j.staff.team])
        if j.overtime:
            requested = max(7 * HOUR, j.arrive - rng.randint(180, 480) * MIN)
        else:
            requested = max(7 * HOUR + 30 * MIN, j.arrive - rng.randint(20, 180) * MIN)
        assigned = requested + rng.randint(2, 15) * MIN
        arrive: int | None = j.arrive
        leave: int | None = j.arrive + j.onsite
        done: int | None = None
        end_day = d
        if j.label == "open":
            arrive = leave = None
        elif j.label == "open_arrived" or (j.label == "next_day" and d + 1 >= self.days):
            pass  # came, could not finish, left: still open
        elif j.label == "next_day":
            end_day = d + 1
            done = 9 * HOUR + 30 * MIN + rng.randint(0, 90) * MIN
            leave = done + rng.randint(2, 6) * MIN
        else:
            assert leave is not None
            done = leave - self._linger(j, self.linger_limit(d))
        if arrive is not None and leave is not None:
            key = (j.staff.idx, d)
            self.field_first[key] = min(arrive, self.field_first.get(key, arrive))
            if end_day == d:
                self.field_last[key] = max(leave, self.field_last.get(key, leave))
            if j.overtime:
                self.overtime_days.add(key)
        return {
            "office_id": self.office_id,
            "staff_id": j.staff.id,
            "unit_id": j.unit_id,
            "kind": kind,
            "description": text,
            "requested_at": at(d, requested),
            "work_date": self.local.day(d),
            "assigned_at": at(d, assigned),
            "arrived_at": None if arrive is None else at(d, arrive),
            "done_at": None if done is None else at(end_day, done),
            "done_date": None if done is None else self.local.day(end_day),
            "left_at": None if leave is None else at(end_day, leave),
            "outcome": outcome if done is not None else (N.VISIT_NOT_DONE if arrive else ""),
            "created_at": at(d, requested),
            "created_by": self.users["manager"],
        }

    def overtime(self, jobs: list[_Job]) -> None:
        """Overtime requests: mostly approved by the director before the job, some not."""
        rng, users = self.rng, self.users
        rows: list[Row] = []
        for j in jobs:
            if not j.overtime or j.label == "no_request":
                continue
            requested, arrived = j.row["requested_at"], j.row["arrived_at"]
            decided = max(arrived - timedelta(minutes=rng.randint(10, 120)), requested + 5 * _M)
            decision, decider = OvertimeDecision.APPROVED, users["director"]
            if j.label == "at_arrival":
                decided = arrived
            elif j.label == "late":
                decided = arrived + timedelta(minutes=rng.randint(10, 90))
            elif j.label == "not_director":
                decider = users["manager"]
            elif j.label == "refused":
                decision = OvertimeDecision.REFUSED
            rows.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "visit_id": j.id,
                    "reason": rng.choice(N.OVERTIME_REASONS),
                    "requested_at": requested,
                    "decision": decision.value,
                    "decided_by": decider,
                    "decided_at": decided,
                    "decision_note": rng.choice(N.OVERTIME_NOTES[decision.value]),
                    "rearranged_others": decision is OvertimeDecision.APPROVED,
                    "created_at": requested + 2 * _M,
                    "created_by": users["manager"],
                }
            )
        self.insert(OvertimeRequest, rows)

    def damages(self, jobs: list[_Job]) -> list[Row]:
        """Damage incidents during jobs, valued and settled; returns the residents' reports."""
        rng, now = self.rng, self.now
        done = [j for j in jobs if not j.overtime and j.label == ""]
        k = min(len(done), max(self.rates.min_each, round(self.rates.damages * len(done))))
        rows: list[Row] = []
        reports: list[Row] = []
        for j in rng.sample(done, k):
            item, text, (lo, hi), basis, note = rng.choice(N.DAMAGES)
            arrived, finished = j.row["arrived_at"], j.row["done_at"]
            span = int((finished - arrived).total_seconds())
            occurred = arrived + timedelta(seconds=rng.randint(60, max(61, span - 60)))
            value: int | None = rng.randrange(lo, hi + 1, 10) * 100
            valued_by: str | None = basis
            if rng.random() < 0.1:  # the resident has not produced a receipt or quote yet
                value, valued_by, note = None, None, "待住户提供购买凭证或报价"
            signed = None
            if value is not None and rng.random() < 0.9:
                signed = self.clamp(
                    occurred + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
                )
            settled = (
                None if signed is None else self.clamp(signed + timedelta(days=rng.randint(1, 10)))
            )
            settlement = Settlement.PENDING
            if settled is not None:
                settlement = rng.choice((Settlement.PAID_DIRECTLY, Settlement.DEDUCTED))
            rows.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "item": item,
                    "description": text,
                    "occurred_at": occurred,
                    "assessed_value_fen": value,
                    "valuation_basis": valued_by,
                    "valuation_note": note,
                    "resident_signed_off_at": signed,
                    "settlement": settlement.value,
                    "settled_at": settled,
                    "created_at": min(now, occurred + timedelta(hours=2)),
                    "created_by": self.users["manager"],
                }
            )
            if rng.random() < 0.5:
                text = N.feedback_text(rng, "damage", j.staff.team, self.who(j.staff))
                reports.append(
                    self.feedback(j.staff, j.unit_id, Cat.DAMAGE, Chan.PHONE, occurred, text)
                )
        self.insert(DamageIncident, rows)
        return reports

    # -- feedback and tips -------------------------------------------------------------

    def feedback(
        self,
        s: _Staff,
        unit_id: int | None,
        category: Cat,
        channel: Chan,
        occurred: datetime,
        text: str,
        *,
        amount_fen: int | None = None,
        satisfaction: Satisfaction | None = None,
        delay: timedelta = timedelta(hours=1),
    ) -> Row:
        """One feedback row, recorded by the manager when it reached the office."""
        received = min(self.now, occurred + delay)
        return {
            "office_id": self.office_id,
            "staff_id": s.id,
            "unit_id": unit_id,
            "channel": channel.value,
            "category": category.value,
            "satisfaction": None if satisfaction is None else satisfaction.value,
            "text": text,
            "amount_fen": amount_fen,
            "occurred_at": occurred,
            "work_date": occurred.astimezone(self.local.tz).date(),
            "received_at": received,
            "created_at": received,
            "created_by": self.users["manager"],
        }

    def return_visits(self, jobs: list[_Job], n: int) -> list[Row]:
        """Return visits after finished jobs, with the resident's rating."""
        rng = self.rng
        eligible = [
            j
            for j in jobs
            if j.row["done_at"] is not None
            and j.row["done_date"] == j.row["work_date"]
            and j.day + 3 < self.days
        ]
        chosen = rng.sample(eligible, min(n, len(eligible)))
        specs = [("unsatisfied", self.rates.unsatisfied, self.rates.min_each), ("basic", 0.15, 0)]
        rows = []
        for j, label in zip(chosen, _pick_labels(rng, len(chosen), specs), strict=True):
            when = self.local.at(j.day + rng.randint(1, 3), rng.randint(600, 960) * MIN)
            rating = {"unsatisfied": Satisfaction.UNSATISFIED, "basic": Satisfaction.BASIC}.get(
                label, Satisfaction.SATISFIED
            )
            text = rng.choice(N.RETURN_VISIT_TEXTS[rating.value]).format(who=self.who(j.staff))
            cat = Cat.PRAISE if rating is Satisfaction.SATISFIED else Cat.OTHER
            rows.append(
                self.feedback(
                    j.staff, j.unit_id, cat, Chan.RETURN_VISIT, when, text,
                    satisfaction=rating, delay=timedelta(0),
                )
            )  # fmt: skip
        return rows

    def complaints(self, total: int) -> list[Row]:
        """Praise, complaints and reports about anyone, home-job staff more often."""
        rng, m = self.rng, self.rates.min_each
        cum: list[float] = []
        acc = 0.0
        for s in self.staff:
            acc += s.weight + 0.3
            cum.append(acc)
        channels, channel_weights = (Chan.PHONE, Chan.VISIT, Chan.WRITTEN), (5, 3, 2)
        rows = []
        for cat, share in MIX:
            n = round(share * total)
            if cat in BREACH_CATEGORIES:
                n = max(n, m)
            for _ in range(n):
                s = rng.choices(self.staff, cum_weights=cum)[0]
                occurred = self.local.at(self.shift_day(s), rng.randint(540, 1020) * MIN)
                template = N.feedback_template(rng, cat.value, s.team)
                yuan = rng.choice(CLAIM_YUAN) if "{amount}" in template else None
                text = template.format(who=self.who(s), amount=yuan)
                channel = rng.choices(channels, channel_weights)[0]
                rows.append(
                    self.feedback(
                        s, self.unit(), cat, channel, occurred, text,
                        amount_fen=None if yuan is None else yuan * 100,
                        delay=timedelta(hours=rng.randint(0, 72)),
                    )
                )  # fmt: skip
        return rows

    def incompetence(self) -> list[Row]:
        """Clusters of 'incompetent' reports that reach the R10 threshold, and near misses."""
        rng, m = self.rng, self.rates.min_each
        k = max(m, round(self.rates.incompetence_clusters * len(self.staff)))
        pool = [s for s in self.staff if s.weight >= 1] or self.staff
        rows = []
        for n, s in enumerate(rng.sample(pool, min(len(pool), 2 * k))):
            span = min(60, self.days - 1 - s.first_day)
            first = rng.randint(s.first_day, self.days - 1 - span)
            a, b = rng.sample(self.unit_ids, 2)
            if n < k:  # three or four reports from at least two households: a breach
                units = [a, b, rng.choice((a, b, self.unit()))] + [self.unit()] * rng.randint(0, 1)
            elif n % 2:  # three reports, all from one household: not enough households
                units = [a, a, a]
            else:  # two households, two reports: not enough reports
                units = [a, b]
            for unit_id, offset in zip(
                units, sorted(rng.randint(0, span) for _ in units), strict=True
            ):
                occurred = self.local.at(first + offset, rng.randint(540, 1020) * MIN)
                text = N.feedback_text(rng, "incompetent", s.team, self.who(s))
                rows.append(
                    self.feedback(
                        s, unit_id, Cat.INCOMPETENT, rng.choice((Chan.PHONE, Chan.WRITTEN)),
                        occurred, text, delay=timedelta(hours=rng.randint(1, 48)),
                    )
                )  # fmt: skip
        return rows

    def tips(self, jobs: list[_Job]) -> list[Row]:
        """Tip lines with gap-free receipts, and residents' tip reports (some concealed)."""
        rng, rates, m = self.rng, self.rates, self.rates.min_each
        lingering = ("", "linger", "linger_at_limit", "linger_between")
        eligible = [j for j in jobs if not j.overtime and j.label in lingering]
        k = min(len(eligible), max(4 * m, round(rates.tips * len(eligible))))
        tipped = rng.sample(eligible, k)
        specs = [
            ("late", rates.tips_late, m),
            ("short", rates.tips_short, m),
            ("at_47h", rates.boundary, 1),
            ("reported", rates.tips_reported, 1),
        ]
        lines: list[Row] = []
        reports: list[Row] = []
        for j, label in zip(tipped, _pick_labels(rng, len(tipped), specs), strict=True):
            yuan = rng.choice(TIP_YUAN) if rng.random() > 0.03 else rng.randrange(600, 1001, 100)
            received = j.row["done_at"]
            declared = received + timedelta(minutes=rng.randint(10, 90))
            if label == "at_47h":  # an hour inside the grace period (48 h by default)
                handed = received + timedelta(hours=self.r12["handover_grace_hours"] - 1)
            else:
                # At the cashier's window, 09:00-17:30: that day or the next (within the
                # 48 hours), or three to five days later when it was handed over late.
                after = rng.randint(3, 5) if label == "late" else rng.randint(0, 1)
                handed = self.local.at(j.day + after, rng.randint(540, 1050) * MIN)
                if handed < declared + 10 * _M:
                    handed = self.local.at(j.day + 1, rng.randint(540, 1050) * MIN)
            lines.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "amount_fen": yuan * 100,
                    "received_at": received,
                    "declared_at": declared,
                    "handed_over_at": self.clamp(handed),
                    "receipt_no": None,
                    "cashier_id": None,
                    "countersigned_by": None,
                    "created_at": declared,
                    "created_by": self.staff_user.get(j.staff.idx, self.users["cashier"]),
                }
            )
            if label:
                said = yuan + (rng.choice((50, 100, 200)) if label == "short" else 0)
                reports.append(self.tip_report(j, received, said))
        taken = {id(j) for j in tipped}
        unreported = [j for j in eligible if id(j) not in taken]
        concealed = max(m, round(rates.tips_concealed * len(tipped)))
        for j in rng.sample(unreported, min(len(unreported), concealed)):
            reports.append(self.tip_report(j, j.row["done_at"], rng.choice(TIP_YUAN)))
        self.receipts(lines)
        lines.sort(key=lambda r: r["declared_at"])
        self.insert(TipLine, lines)
        return reports

    def tip_report(self, j: _Job, occurred: datetime, yuan: int) -> Row:
        """A resident telling the office they gave a tip (on a call or a return visit)."""
        rng = self.rng
        template = N.feedback_template(rng, "tip_reported", j.staff.team)
        text = template.format(who=self.who(j.staff), amount=yuan)
        if rng.random() < 0.5:
            channel, rating = Chan.RETURN_VISIT, Satisfaction.SATISFIED
        else:
            channel, rating = Chan.PHONE, None
        delay = timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        return self.feedback(
            j.staff, j.unit_id, Cat.TIP_REPORTED, channel, occurred, text,
            amount_fen=yuan * 100, satisfaction=rating, delay=delay,
        )  # fmt: skip

    def receipts(self, lines: list[Row]) -> None:
        """Number the handovers per year without gaps, in handover order; set the counters."""
        rng, users = self.rng, self.users
        handed = sorted(
            (r for r in lines if r["handed_over_at"] is not None),
            key=lambda r: r["handed_over_at"],
        )
        last: dict[int, int] = {}
        for r in handed:
            year = r["handed_over_at"].astimezone(self.local.tz).year
            last[year] = last.get(year, 0) + 1
            r["receipt_no"] = f"{self.code}-SJ-{year}-{last[year]:05d}"
            r["cashier_id"] = users["cashier"]
            r["countersigned_by"] = users["manager"] if rng.random() < 0.7 else users["director"]
        counters = [
            {"office_id": self.office_id, "name": "tip_receipt", "year": y, "value": n}
            for y, n in sorted(last.items())
        ]
        self.insert(Counter, counters)

    # -- spot checks -------------------------------------------------------------------

    def spot_checks(self) -> None:
        """Unannounced inspections with every checklist item answered."""
        rng, rates, m = self.rng, self.rates, self.rates.min_each
        n = max(8 * m, round(rates.spot_checks * self.shift_days))
        checks: list[Row] = []
        for _ in range(n):
            s = rng.choice(self.staff)
            when = self.local.at(self.shift_day(s), rng.randint(540, 990) * MIN)
            home = rng.random() < 0.65
            area = rng.choice(N.AREAS)
            if area in ("大堂", "电梯厅"):
                area = f"{rng.randint(1, self.buildings)}栋{area}"
            inspector = self.users["manager"] if rng.random() < 0.7 else self.users["director"]
            checks.append(
                {
                    "office_id": self.office_id,
                    "staff_id": s.id,
                    "inspector_id": inspector,
                    "unit_id": self.unit() if home else None,
                    "area": "" if home else area,
                    "checked_at": when,
                    "work_date": when.astimezone(self.local.tz).date(),
                    "notes": "",
                    "created_at": when + timedelta(minutes=rng.randint(5, 30)),
                }
            )
        checks.sort(key=lambda r: r["checked_at"])
        at_home = [i for i, c in enumerate(checks) if c["unit_id"] is not None]
        specs = [
            ("long_ring", rates.long_ring, m),
            ("ring_at_limit", rates.boundary, 2),
            ("short_gap", rates.short_gap, m),
            ("gap_at_limit", rates.boundary, 2),
        ]
        labels = dict(zip(at_home, _pick_labels(rng, len(at_home), specs), strict=True))
        answers = [self._answers(labels.get(i), c) for i, c in enumerate(checks)]
        ids = self.insert_ids(SpotCheck, checks)
        items = [
            item | {"spot_check_id": cid}
            for cid, rows in zip(ids, answers, strict=True)
            for item in rows
        ]
        self.insert(SpotCheckItem, items)

    def _answers(self, label: str | None, check: Row) -> list[Row]:
        """One answer per checklist item; away from a home the entry items do not apply."""
        rng, rates = self.rng, self.rates
        max_ring = self.r03["max_ring_seconds"]
        min_gap = self.r03["min_ring_gap_seconds"]
        rows = []
        for item in registry.checklist_items():
            observed: int | None = None
            if label is None and item.key in HOME_ONLY:
                result = ItemResult.NA
            elif item.key == "ring_duration":
                if label == "long_ring":
                    observed = rng.randint(max_ring + 1, max_ring * 2)
                elif label == "ring_at_limit":
                    observed = max_ring
                else:
                    observed = rng.randint(min(3, max_ring), min(60, max_ring))
                result = ItemResult.FAIL if observed > max_ring else ItemResult.PASS
            elif item.key == "ring_interval":
                if label == "short_gap" and min_gap > 0:
                    observed = rng.randint(0, min_gap - 1)
                elif label == "gap_at_limit":
                    observed = min_gap
                else:
                    observed = rng.randint(min_gap + 1, min_gap + 25)
                result = ItemResult.FAIL if observed < min_gap else ItemResult.PASS
            else:
                result = ItemResult.FAIL if rng.random() < rates.item_fail else ItemResult.PASS
            note = ""
            if result is ItemResult.FAIL:
                note = N.ITEM_FAIL_NOTES.get(item.key, "不符合要求")
                if observed is not None:
                    note += f"(实测 {observed} 秒)"
            rows.append(
                {
                    "rule_code": item.rule_code,
                    "item_key": item.key,
                    "result": result.value,
                    "observed": observed,
                    "note": note,
                }
            )
        failed = any(r["result"] == ItemResult.FAIL.value for r in rows)
        check["notes"] = rng.choice(N.SPOT_NOTES_FAIL if failed else N.SPOT_NOTES_PASS)
        return rows

    # -- roster and attendance (streamed) ----------------------------------------------

    def attendance(self) -> None:
        """Roster shifts and office punches day by day, with R02 breaches on field days."""
        rng, rates, at, day = self.rng, self.rates, self.local.at, self.local.day
        m, b = rates.min_each, rates.boundary
        keys = sorted(
            k
            for k in self.field_first
            if k not in self.overtime_days and self.staff[k[0]].shifts[k[1]]
        )
        specs = [
            ("no_check_in", rates.no_check_in, m),
            ("late_check_in", rates.late_check_in, m),
            ("check_in_at_job", b, 1),
            ("no_sign_back", rates.no_sign_back, m),
            ("late_sign_back", rates.late_sign_back, m),
            ("sign_back_at_limit", b, 1),
        ]
        labels = dict(zip(keys, _pick_labels(rng, len(keys), specs), strict=True))
        grace = self.r02["signback_grace_minutes"] * MIN
        usual_back = max(1, min(50 * MIN, grace - MIN))
        manager = self.users["manager"]
        roster: list[Row] = []
        punches: list[Row] = []

        def punch(s: _Staff, d: int, kind: PunchKind, t: int) -> None:
            when = at(d, t)
            manual = rng.random() < 0.02  # keyed in by the manager after a clock fault
            punches.append(
                {
                    "office_id": self.office_id,
                    "staff_id": s.id,
                    "kind": kind.value,
                    "at": when,
                    "work_date": day(d),
                    "source": "manual" if manual else "clock",
                    "created_at": min(self.now, when + 90 * _M) if manual else when,
                    "created_by": manager if manual else None,
                }
            )

        for d in range(self.days):
            work_date = day(d)
            published = at(d - work_date.weekday() - 3, 16 * HOUR)
            start, end = at(d, SHIFT_START), at(d, SHIFT_END)
            for s in self.staff:
                if d < s.first_day:
                    continue
                key = (s.idx, d)
                first = self.field_first.get(key)
                if s.shifts[d]:
                    roster.append(
                        {
                            "office_id": self.office_id,
                            "staff_id": s.id,
                            "work_date": work_date,
                            "start_at": start,
                            "end_at": end,
                            "created_at": published,
                            "created_by": manager,
                        }
                    )
                    label = labels.get(key, "")
                    forgot = first is None and rng.random() < 0.01
                    if label == "late_check_in" and first is not None:
                        punch(s, d, PunchKind.CHECK_IN, first + rng.randint(5, 40) * MIN)
                    elif label == "check_in_at_job" and first is not None:
                        punch(s, d, PunchKind.CHECK_IN, first)
                    elif label != "no_check_in" and not forgot:
                        punch(s, d, PunchKind.CHECK_IN, 8 * HOUR + rng.randint(0, 28 * MIN + 59))
                    if label == "late_sign_back":
                        punch(
                            s, d, PunchKind.SIGN_BACK, SHIFT_END + grace + rng.randint(1, 120) * MIN
                        )
                    elif label == "sign_back_at_limit":
                        punch(s, d, PunchKind.SIGN_BACK, SHIFT_END + grace)
                    elif label != "no_sign_back" and not (first is None and rng.random() < 0.01):
                        punch(s, d, PunchKind.SIGN_BACK, SHIFT_END + rng.randint(60, usual_back))
                elif first is not None:  # overtime on a rest day: report in first, back after
                    punch(s, d, PunchKind.CHECK_IN, first - rng.randint(15, 40) * MIN)
                    last = self.field_last.get(key, first)
                    punch(s, d, PunchKind.SIGN_BACK, last + rng.randint(10, 30) * MIN)
            if len(punches) >= CHUNK:
                self.insert(AttendanceEvent, punches)
                punches = []
            if len(roster) >= CHUNK:
                self.insert(RosterShift, roster)
                roster = []
        self.insert(RosterShift, roster)
        self.insert(AttendanceEvent, punches)


def generate_office(
    session: Session,
    *,
    code: str,
    name: str,
    city: str,
    n_staff: int,
    n_units: int,
    start: date,
    days: int,
    seed: int,
    rates: Rates,
    timezone: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> dict[str, int]:
    """Bulk-insert an office with `days` days of records from `start`; counts per table.

    Flushes, never commits: the caller's transaction holds the whole office. `now` (the
    end of the period by default) is when the load is audited; nothing is dated after it.
    """
    if n_staff < 1 or n_units < 2 or days < 7:
        raise ValueError("need at least one staff member, two units and seven days")
    local = _Local(ZoneInfo(timezone), start)
    gen = _Gen(session, random.Random(seed), rates, local, days, now or local.at(days, 0))
    gen.office(code, name, city, timezone)
    gen.office_users()
    gen.people(n_staff)
    gen.units(n_units)
    jobs = gen.plan_jobs()
    gen.visits(jobs)
    gen.overtime(jobs)
    feedback = gen.damages(jobs)
    total = round(rates.feedback * gen.shift_days)
    feedback += gen.return_visits(jobs, round(RETURN_VISIT_SHARE * total))
    feedback += gen.complaints(total)
    feedback += gen.incompetence()
    feedback += gen.tips(jobs)
    feedback.sort(key=lambda r: (r["received_at"], r["occurred_at"]))
    gen.insert(Feedback, feedback)
    gen.spot_checks()
    gen.attendance()
    counts = dict(sorted(gen.counts.items()))
    append(
        session,
        at=gen.now,
        actor_id=gen.users["admin"],
        actor_role=Role.ADMIN.value,
        office_id=gen.office_id,
        action="demo.generated",
        entity="office",
        entity_id=str(gen.office_id),
        payload={"code": code, "seed": seed, "start": start, "days": days, "counts": counts},
    )
    return counts
