"""The monthly office report PDF: breaches by rule and team, 12-month trends, repeat
offenders, open cases, and deductions taken and carried forward. Aggregates run in SQL."""

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func
from sqlmodel import col, select

from compliance.audit.anchor import anchor_quietly
from compliance.cases.models import Case, CaseStatus
from compliance.context import Ctx
from compliance.dossiers import codes
from compliance.dossiers import labels as lb
from compliance.dossiers.batch import parse_month
from compliance.dossiers.render import html_to_pdf, render_html
from compliance.errors import ValidationFailed
from compliance.findings.models import Finding, FindingStatus
from compliance.i18n import N_
from compliance.money import format_fen
from compliance.offices.models import Office
from compliance.pay.models import Deduction, Instalment, InstalmentStatus
from compliance.permissions import Permission
from compliance.service import figures as service_figures
from compliance.staff.models import Staff
from policies import registry

CHART_W, CHART_H, CHART_PAD = 480, 130, 22


@dataclass(frozen=True, slots=True)
class Count:
    """A label and a number."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    x: float
    y: float
    w: float
    h: float
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart drawn by the template as inline SVG."""

    title: str
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Offender:
    """A staff member with repeated breaches."""

    name: str
    team: str
    count: int
    rules: str


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """A staff member and an amount."""

    name: str
    team: str
    amount: str


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service standard's line: its target, the month's and the quarter's figures, the
    month's clocks by state (clock standards) and whether it misses its target."""

    code: str
    title: str
    target: str
    month: str
    quarter: str
    met: int | None
    breached: int | None
    excused: int | None
    missed: bool
    verdict: str  # the same words as the dashboard's workbook says (figures.verdict_word)


@dataclass(frozen=True, slots=True)
class ServiceSection:
    """The service standards for the month and its quarter, and the S13 weights used."""

    quarter: str
    lines: tuple[ServiceLine, ...]
    weights: str
    missed: int


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything the monthly report prints."""

    lang: str
    office_name: str
    office_code: str
    month: str
    generated: str
    by_rule: tuple[Count, ...]
    by_team: tuple[Count, ...]
    total: int
    charts: tuple[Chart, ...]
    offenders: tuple[Offender, ...]
    open_cases: tuple[Count, ...]
    taken: tuple[MoneyLine, ...]
    taken_total: str
    carried: tuple[MoneyLine, ...]
    carried_total: str
    service: ServiceSection | None = None


def rule_label(code: str, lang: str) -> str:
    """A rule as a reader knows it: its code and title ("R01 迟到早退")."""
    try:
        policy = registry.get(code)
    except KeyError:
        return code
    return f"{code} {policy.title_zh if lang == 'zh' else policy.title_en}"


def _month_start(d: date, back: int = 0) -> date:
    m = d.year * 12 + d.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def _next(d: date) -> date:
    return _month_start(d, -1)


def _chart(title: str, months: list[date], values: list[int]) -> Chart:
    top = max([*values, 1])
    inner_w = CHART_W - 2 * CHART_PAD
    inner_h = CHART_H - 2 * CHART_PAD
    slot = inner_w / len(values)
    bars = []
    for i, (m, v) in enumerate(zip(months, values, strict=True)):
        h = inner_h * v / top
        bars.append(
            Bar(
                x=round(CHART_PAD + i * slot + slot * 0.15, 2),
                y=round(CHART_PAD + inner_h - h, 2),
                w=round(slot * 0.7, 2),
                h=round(h, 2),
                label=m.strftime("%y-%m"),
                value=v,
            )
        )
    return Chart(title, CHART_W, CHART_H, CHART_PAD + inner_h, tuple(bars))


def _monthly_counts(ctx: Ctx, column: Any, where: list[Any], bounds: list[datetime]) -> list[int]:
    """Counts per month in one query (a SUM(CASE ...) per month)."""
    sums = [
        func.coalesce(func.sum(case((and_(column >= a, column < b), 1), else_=0)), 0)
        for a, b in itertools.pairwise(bounds)
    ]
    row = ctx.session.exec(select(*sums).where(*where)).one()
    return [int(v) for v in row]


def _carried(ctx: Ctx, month: date, end: datetime) -> dict[int, int]:
    """Per staff member: what deductions decided by the month's end still owe after it."""
    oid = ctx.actor.office_id
    owed: dict[int, int] = defaultdict(int)
    decided = [col(Deduction.office_id) == oid, col(Deduction.created_at) < end]
    for sid, fen in ctx.session.exec(
        select(Deduction.staff_id, func.sum(Deduction.amount_fen))
        .where(*decided)
        .group_by(col(Deduction.staff_id))
    ):
        owed[sid] += int(fen)
    for sid, fen in ctx.session.exec(
        select(Instalment.staff_id, func.sum(Instalment.amount_fen))
        .join(Deduction, col(Deduction.id) == col(Instalment.deduction_id))
        .where(*decided, col(Instalment.month) <= month)
        .group_by(col(Instalment.staff_id))
    ):
        owed[sid] -= int(fen)
    return dict(owed)


def parse_weights(text: str) -> tuple[int, ...] | None:
    """The S13 weights typed as "100/80/60/30/0" (ratings 5 to 1); None for blank. Five whole
    numbers from 0 to 100, else a field error."""
    if not text.strip():
        return None
    parts = [p.strip() for p in text.replace(",", "/").replace("，", "/").split("/")]
    if len(parts) != 5 or not all(p.isdigit() and int(p) <= 100 for p in parts):
        raise ValidationFailed.one(
            "weights",
            N_("Give five whole numbers from 0 to 100, for ratings 5 to 1 (e.g. 100/80/60/30/0)."),
        )
    return tuple(int(p) for p in parts)


def service_section(
    ctx: Ctx, first: date, lang: str, weights: tuple[int, ...] | None = None
) -> ServiceSection:
    """The service standards' figures for the month and its quarter (SQL aggregates)."""
    f = service_figures.service_figures(ctx.session, ctx.actor.office_id, first, weights=weights)
    lines = []
    for line in f.lines:
        tally = line.month.tally
        lines.append(
            ServiceLine(
                code=line.code,
                title=service_figures.title(line.standard, lang),
                target=service_figures.target_words(line.standard, lang),
                month=service_figures.figure_text(line, line.month),
                quarter=service_figures.figure_text(line, line.quarter),
                met=tally.met if tally else None,
                breached=tally.breached if tally else None,
                excused=tally.excused if tally else None,
                missed=line.missed,
                verdict=service_figures.verdict_word(line, lang),
            )
        )
    return ServiceSection(
        quarter=f.period.quarter,
        lines=tuple(lines),
        weights="/".join(str(w) for w in f.weights),
        missed=f.missed,
    )


def build_report(
    ctx: Ctx, month: str, lang: str = "zh", weights: tuple[int, ...] | None = None
) -> ReportView:
    """Read the month's figures (SQL aggregates) and freeze them for printing."""
    ctx.require(Permission.PRINT_DOSSIERS)
    L = lb.labels(lang)
    first = parse_month(month)
    tz = ZoneInfo(ctx.settings.timezone)
    oid = ctx.actor.office_id
    s = ctx.session

    def at(d: date) -> datetime:
        return datetime.combine(d, time(), tz)

    start, end = at(first), at(_next(first))
    office = s.exec(select(Office).where(col(Office.id) == oid)).one()
    confirmed = [
        col(Finding.office_id) == oid,
        col(Finding.status) == FindingStatus.CONFIRMED.value,
    ]
    in_month = [col(Finding.occurred_at) >= start, col(Finding.occurred_at) < end]
    by_rule = s.exec(
        select(Finding.rule_code, func.count())
        .where(*confirmed, *in_month)
        .group_by(col(Finding.rule_code))
        .order_by(col(Finding.rule_code))
    ).all()
    by_team = s.exec(
        select(Staff.team, func.count())
        .select_from(Finding)
        .join(Staff, col(Staff.id) == col(Finding.staff_id))
        .where(*confirmed, *in_month)
        .group_by(col(Staff.team))
        .order_by(func.count().desc(), col(Staff.team))
    ).all()
    months = [_month_start(first, back) for back in range(11, -1, -1)]
    bounds = [at(m) for m in months] + [end]
    trend_f = _monthly_counts(ctx, col(Finding.occurred_at), confirmed, bounds)
    trend_c = _monthly_counts(ctx, col(Case.opened_at), [col(Case.office_id) == oid], bounds)
    year_ago = bounds[0]
    per_rule = s.exec(
        select(Finding.staff_id, Finding.rule_code, func.count())
        .where(*confirmed, col(Finding.occurred_at) >= year_ago, col(Finding.occurred_at) < end)
        .group_by(col(Finding.staff_id), col(Finding.rule_code))
    ).all()
    totals: dict[int, int] = defaultdict(int)
    rules: dict[int, list[str]] = defaultdict(list)
    for sid, code, n in per_rule:
        totals[sid] += int(n)
        rules[sid].append(f"{rule_label(code, lang)}×{n}")
    repeat = [sid for sid, n in totals.items() if n >= 2]
    open_rows = s.exec(
        select(Case.status, func.count())
        .where(
            col(Case.office_id) == oid,
            col(Case.status).not_in([CaseStatus.CLOSED.value, CaseStatus.DISMISSED.value]),
        )
        .group_by(col(Case.status))
    ).all()
    taken = s.exec(
        select(Instalment.staff_id, func.sum(Instalment.amount_fen))
        .join(Deduction, col(Deduction.id) == col(Instalment.deduction_id))
        .where(
            col(Deduction.office_id) == oid,
            col(Instalment.month) == first,
            col(Instalment.status) == InstalmentStatus.TAKEN.value,
        )
        .group_by(col(Instalment.staff_id))
    ).all()
    carried = {k: v for k, v in _carried(ctx, first, end).items() if v > 0}
    ids = set(repeat) | {sid for sid, _ in taken} | set(carried)
    staff = (
        {st.id or 0: st for st in s.exec(select(Staff).where(col(Staff.id).in_(ids))).all()}
        if ids
        else {}
    )

    def who(sid: int) -> tuple[str, str]:
        st = staff.get(sid)
        return (st.name, st.team) if st else (str(sid), "")

    status_order = [x.value for x in CaseStatus]
    return ReportView(
        lang=lang,
        office_name=office.name,
        office_code=office.code,
        month=first.strftime("%Y-%m"),
        generated=ctx.now().astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        by_rule=tuple(Count(rule_label(code, lang), int(n)) for code, n in by_rule),
        by_team=tuple(Count(team, int(n)) for team, n in by_team),
        total=sum(int(n) for _, n in by_rule),
        charts=(
            _chart(L["trend_findings"], months, trend_f),
            _chart(L["trend_cases"], months, trend_c),
        ),
        offenders=tuple(
            Offender(*who(sid), totals[sid], ", ".join(sorted(rules[sid])))
            for sid in sorted(repeat, key=lambda i: (-totals[i], who(i)[0]))
        ),
        open_cases=tuple(
            Count(codes.word(codes.STATUS, lang, st), int(n))
            for st, n in sorted(open_rows, key=lambda r: status_order.index(r[0]))
        ),
        taken=tuple(MoneyLine(*who(sid), format_fen(int(v))) for sid, v in taken),
        taken_total=format_fen(sum(int(v) for _, v in taken)),
        carried=tuple(MoneyLine(*who(sid), format_fen(v)) for sid, v in sorted(carried.items())),
        carried_total=format_fen(sum(carried.values())),
        service=service_section(ctx, first, lang, weights),
    )


def render_report(view: ReportView) -> bytes:
    """The monthly report PDF."""
    return html_to_pdf(render_html("report.html", view.lang, view=view))


def print_report(
    ctx: Ctx, month: str, lang: str = "zh", weights: tuple[int, ...] | None = None
) -> bytes:
    """Build and render the monthly office report (the audit head is anchored as it prints)."""
    view = build_report(ctx, month, lang, weights)
    data = render_report(view)
    # The anchor log keeps the S13 weights the report was printed with.
    used = f" S13 weights {view.service.weights}" if view.service else ""
    anchor_quietly(ctx.session.connection(), ctx.settings, ctx.now(), f"report {month}{used}")
    return data
