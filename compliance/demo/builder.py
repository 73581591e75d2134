"""The demo generator's base: time on the office's clock, bulk inserts, shared row makers.

See compliance.demo.generate for what the generated office holds. The builder grows in
layers, one module each, in the order the office is generated: people, jobs, feedback
and tips, inspections and attendance; each layer adds the rows that need the ones before.
"""

import random
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Insert, String, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from compliance.clock import ensure_utc
from compliance.db import UTCDateTime
from policies import registry
from policies.vocab import FeedbackCategory as Cat
from policies.vocab import FeedbackChannel as Chan
from policies.vocab import Satisfaction

CHUNK = 5000
Row = dict[str, Any]
MIN = 60
HOUR = 3600
SHIFT_START = 8 * HOUR + 30 * MIN
SHIFT_END = 17 * HOUR + 30 * MIN
A_MINUTE = timedelta(minutes=1)


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
class StaffPlan:
    idx: int
    id: int
    name: str
    team: str
    weight: float
    first_day: int
    shifts: bytearray


@dataclass(slots=True)
class JobPlan:
    staff: StaffPlan
    day: int
    arrive: int  # seconds after local midnight
    onsite: int  # seconds from arriving to leaving
    overtime: str  # "", "evening" or "rest_day"
    unit_id: int
    label: str = ""
    id: int = 0
    row: Row = field(default_factory=dict)


class LocalClock:
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


def pick_labels(rng: random.Random, n: int, specs: Sequence[tuple[str, float, int]]) -> list[str]:
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


class Builder:
    """Builds one office; each step inserts its rows before the next needs their ids."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        rates: Rates,
        local: LocalClock,
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
        self.staff: list[StaffPlan] = []
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

    # -- feedback rows (damage reports, return visits, complaints, tips) ------------

    def feedback(
        self,
        s: StaffPlan,
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
