"""The triage queue read: filters, a page of findings grouped by staff member, counts in SQL.

One page costs a fixed number of queries whatever its size: the count, the page (each row
with its person's count), the filter choices, then the evidence
(compliance/findings/evidence.py: one query per kind of record present, plus the photos).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import col

from compliance.context import Ctx
from compliance.findings.evidence import EvidenceLine, summaries
from compliance.findings.models import Finding, FindingStatus
from compliance.findings.schemas import FindingRead, FindingRow
from compliance.names import NAMES
from compliance.permissions import Permission
from compliance.staff.models import Staff
from policies import registry

PER_PAGE = 25
MAX_PER_PAGE = 100
RULE_CODES = tuple(p.code for p in registry.RULES)
SOURCES = tuple(NAMES["source"])


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed to; None (or '') means any. Dates are office days."""

    status: str | None = FindingStatus.OPEN.value
    rule_code: str | None = None
    staff_id: int | None = None
    team: str | None = None
    source: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def where(self, stmt: Any, office_id: int, tz: ZoneInfo) -> Any:
        """The statement narrowed to the office and these filters (joined to staff)."""
        stmt = stmt.where(col(Finding.office_id) == office_id)
        if self.status:
            stmt = stmt.where(col(Finding.status) == self.status)
        if self.rule_code:
            stmt = stmt.where(col(Finding.rule_code) == self.rule_code)
        if self.staff_id is not None:
            stmt = stmt.where(col(Finding.staff_id) == self.staff_id)
        if self.team:
            stmt = stmt.where(col(Staff.team) == self.team)
        if self.source:
            stmt = stmt.where(col(Finding.source) == self.source)
        if self.date_from is not None:
            stmt = stmt.where(col(Finding.occurred_at) >= _day_start(self.date_from, tz))
        if self.date_to is not None:
            stmt = stmt.where(
                col(Finding.occurred_at) < _day_start(self.date_to + timedelta(days=1), tz)
            )
        return stmt


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


@dataclass(frozen=True)
class QueueItem:
    """One finding on the page, with its staff member and its evidence in words."""

    finding: FindingRead
    staff_name: str
    employee_no: str
    team: str
    evidence: list[EvidenceLine]

    @property
    def id(self) -> int:
        """The finding's id."""
        return self.finding.id

    @property
    def photos(self) -> list[int]:
        """The stored-file ids of every photo behind the finding, once each."""
        return list(dict.fromkeys(p for line in self.evidence for p in line.photos))


@dataclass(frozen=True)
class StaffGroup:
    """One staff member's findings on this page; `total` counts all of theirs in the filter."""

    staff_id: int
    name: str
    employee_no: str
    team: str
    total: int
    items: list[QueueItem]


@dataclass(frozen=True)
class Choice:
    """A value a filter can take, how many findings have it, and its words (or None)."""

    value: str
    count: int
    label: str = ""


@dataclass(frozen=True)
class Choices:
    """What each filter offers: only values that some finding of that status has."""

    rules: list[Choice] = field(default_factory=list)
    staff: list[Choice] = field(default_factory=list)
    teams: list[Choice] = field(default_factory=list)
    sources: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue: its groups, the total, and where it sits among the pages."""

    groups: list[StaffGroup]
    total: int
    page: int
    per_page: int
    choices: Choices

    @property
    def pages(self) -> int:
        """How many pages the filtered queue has (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def items(self) -> list[QueueItem]:
        """The page's findings in page order."""
        return [i for g in self.groups for i in g.items]

    @property
    def first(self) -> int:
        """The position of the page's first finding (1-based; 0 on an empty page)."""
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        """The position of the page's last finding."""
        return min(self.total, self.page * self.per_page)


def count(ctx: Ctx, filt: QueueFilter) -> int:
    """How many findings match (one COUNT query)."""
    stmt = select(func.count(col(Finding.id))).join(Staff, col(Staff.id) == col(Finding.staff_id))
    return int(ctx.session.execute(filt.where(stmt, ctx.actor.office_id, ctx.tz)).scalar_one())


def rows(
    ctx: Ctx, filt: QueueFilter, *, offset: int = 0, limit: int = PER_PAGE
) -> list[tuple[Finding, str, str, str, int]]:
    """One window (LIMIT/OFFSET) of the matching findings, grouped by staff member: the person
    with the most matching findings first (then by name), each person's newest first; each
    row with the staff member's name, number, team and matching count (one query)."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    office_id = ctx.actor.office_id
    per_staff = (
        filt.where(
            select(col(Finding.staff_id).label("sid"), func.count(col(Finding.id)).label("n"))
            .join(Staff, col(Staff.id) == col(Finding.staff_id)),
            office_id,
            ctx.tz,
        )
        .group_by(col(Finding.staff_id))
        .subquery()
    )  # fmt: skip
    stmt = (
        select(Finding, col(Staff.name), col(Staff.employee_no), col(Staff.team), per_staff.c.n)
        .join(Staff, col(Staff.id) == col(Finding.staff_id))
        .join(per_staff, per_staff.c.sid == col(Finding.staff_id))
    )
    stmt = filt.where(stmt, office_id, ctx.tz).order_by(
        per_staff.c.n.desc(),
        col(Staff.name),
        col(Staff.employee_no),
        col(Staff.id),
        col(Finding.occurred_at).desc(),
        col(Finding.id).desc(),
    )
    found = ctx.session.execute(stmt.offset(offset).limit(limit))
    return [(f, name, no, team, int(n)) for f, name, no, team, n in found]


def choices(ctx: Ctx, filt: QueueFilter, lang: str) -> Choices:
    """Each filter's values with how many findings have them under the other filters (one
    grouped query; a chosen value stays on offer even when nothing matches it)."""
    stmt = select(
        col(Finding.rule_code),
        col(Finding.source),
        col(Staff.id),
        col(Staff.name),
        col(Staff.employee_no),
        col(Staff.team),
        func.count(col(Finding.id)),
    ).join(Staff, col(Staff.id) == col(Finding.staff_id))
    dates = QueueFilter(status=filt.status, date_from=filt.date_from, date_to=filt.date_to)
    stmt = dates.where(stmt, ctx.actor.office_id, ctx.tz).group_by(
        col(Finding.rule_code),
        col(Finding.source),
        col(Staff.id),
        col(Staff.name),
        col(Staff.employee_no),
        col(Staff.team),
    )
    rules: dict[str, int] = dict.fromkeys([filt.rule_code] if filt.rule_code else [], 0)
    sources: dict[str, int] = dict.fromkeys([filt.source] if filt.source else [], 0)
    teams: dict[str, int] = dict.fromkeys([filt.team] if filt.team else [], 0)
    people: dict[int, tuple[str, str, int]] = {}
    for rule, source, sid, name, no, team, n in ctx.session.execute(stmt):
        ok = {
            "rule": filt.rule_code in (None, rule),
            "source": filt.source in (None, source),
            "staff": filt.staff_id in (None, sid),
            "team": filt.team in (None, team),
        }

        def others(key: str, ok: dict[str, bool] = ok) -> bool:
            return all(v for k, v in ok.items() if k != key)

        rules[rule] = rules.get(rule, 0) + (n if others("rule") else 0)
        sources[source] = sources.get(source, 0) + (n if others("source") else 0)
        teams[team] = teams.get(team, 0) + (n if others("team") else 0)
        name0, no0, n0 = people.get(sid, (name, no, 0))
        people[sid] = (name0, no0, n0 + (n if others("staff") else 0))
    rule_title = {p.code: (p.title_zh if lang == "zh" else p.title_en) for p in registry.RULES}
    return Choices(
        rules=[Choice(c, rules[c], rule_title.get(c, c)) for c in sorted(rules)],
        staff=[
            Choice(str(sid), n, f"{name} {no}")
            for sid, (name, no, n) in sorted(people.items(), key=lambda kv: (kv[1][0], kv[1][1]))
            if n or sid == filt.staff_id
        ],
        teams=[Choice(t, teams[t], t) for t in sorted(teams) if teams[t] or t == filt.team],
        sources=[Choice(s, sources[s]) for s in SOURCES if s in sources],
    )


def queue_page(
    ctx: Ctx, filt: QueueFilter, *, page: int = 1, per_page: int = PER_PAGE, lang: str = "zh"
) -> QueuePage:
    """One page of the queue, grouped by staff member, with each finding's evidence."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = count(ctx, filt)
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    found = rows(ctx, filt, offset=(page - 1) * per_page, limit=per_page)
    reads = [FindingRead.model_validate(f) for f, *_ in found]
    evidence = summaries(ctx, reads, lang)
    groups: list[StaffGroup] = []
    for read, (_, name, no, team, total_of) in zip(reads, found, strict=True):
        item = QueueItem(read, name, no, team, evidence.get(read.id, []))
        if groups and groups[-1].staff_id == read.staff_id:
            groups[-1].items.append(item)
        else:
            groups.append(StaffGroup(read.staff_id, name, no, team, total_of, [item]))
    return QueuePage(groups, total, page, per_page, choices(ctx, filt, lang))


def newest_first(
    ctx: Ctx, filt: QueueFilter, *, offset: int = 0, limit: int = 200
) -> tuple[int, list[FindingRow]]:
    """The matching findings newest first, one window of them, and how many match in all
    (two queries): the JSON API's list."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    stmt = select(Finding, col(Staff.name), col(Staff.employee_no)).join(
        Staff, col(Staff.id) == col(Finding.staff_id)
    )
    stmt = filt.where(stmt, ctx.actor.office_id, ctx.tz).order_by(
        col(Finding.occurred_at).desc(), col(Finding.id).desc()
    )
    found = ctx.session.execute(stmt.offset(offset).limit(limit))
    out = [
        FindingRow(**FindingRead.model_validate(f).model_dump(), staff_name=name, employee_no=no)
        for f, name, no in found
    ]
    return count(ctx, filt), out
