"""The service standards dashboard (服务标准): each standard's figure this month and this
quarter against its target, per team and per person, the breaches behind each number, the
gaming flags, and the same figures as an Excel workbook.

The figures are SQL aggregates (compliance.service.figures): the page costs the same few
queries for a quiet month and for a year of a 300-unit estate.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import CtxDep, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, remember_form
from api.pages.payroll import checked_month
from api.read_models import service_dashboard as dash
from api.templating import admits, render
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.findings.models import FindingStatus
from compliance.flows.service_clocks import gaming_flags
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.service import figures as fig
from compliance.service.figures_xlsx import XLSX_TYPE, write_workbook
from policies.service.standards import STANDARDS

router = APIRouter(include_in_schema=False)
VIEWERS = require(Permission.VIEW_SERVICE_DASHBOARD)
CODES = frozenset(s.code for s in STANDARDS)
# The most breaches one workbook lists (a month of a large estate is far fewer).
XLSX_BREACHES = 20_000
DASHBOARD = "pages/service_dashboard.html"


def _this_month(ctx: Ctx, office: Office) -> str:
    return f"{local_date(ctx.now(), ZoneInfo(office.timezone)):%Y-%m}"


def _office(ctx: Ctx) -> Office:
    office = ctx.session.get(Office, ctx.actor.office_id)
    assert office is not None
    return office


def _month(request: Request, ctx: Ctx, month: str) -> tuple[Office, date]:
    """The month asked for (this month by default); a bad one shows the dashboard's month
    picker with the error."""
    office = _office(ctx)
    month = month.strip() or _this_month(ctx, office)
    context = {"f": None, "month": month}
    remember_form(request, FormPage(DASHBOARD, context, {"month": month}, "month"))
    return office, date.fromisoformat(f"{checked_month(month)}-01")


@dataclass(frozen=True)
class Bar:
    """How much of a line's bar is filled (percent of the width) and whether it is short."""

    width: int
    short: bool


def _bar(line: fig.StandardLine) -> Bar | None:
    """A bar for the month's figure against the target (a full bar meets it)."""
    f = line.month if line.month.value is not None else line.quarter
    if f.value is None:
        return None
    std = line.standard
    if line.figure_unit == "households":
        filled = f.value * 100 // max(std.target, 1)
    elif line.figure_unit == "score_tenths":
        filled = f.value // 10
    else:
        filled = f.value // 10
    return Bar(max(0, min(100, filled)), f.meets is False)


@dataclass(frozen=True)
class FindingLink:
    """Where a breach's finding is now: open in the queue, in a case, or dismissed."""

    href: str
    label: str


def _findings(request: Request, ctx: Ctx, rows: fig.BreachPage) -> dict[int, FindingLink]:
    """The findings the page's breaches became, with a link for whoever may follow it. One
    query (none when no breach became a finding)."""
    ids = {r.finding_id for r in rows.rows if r.finding_id is not None}
    if not ids:
        return {}
    t = translator(request)
    actor = ctx.actor
    out: dict[int, FindingLink] = {}
    for fid, status, case_id in dash.finding_states(ctx.session, actor.office_id, ids):
        number = f"#{fid}"
        if case_id is not None and admits(request.app, actor, "GET", "/cases/{case_id}"):
            label = t(N_("%(finding)s, in a case"), finding=number)
            out[fid] = FindingLink(f"/cases/{case_id}", label)
        elif status == FindingStatus.OPEN and admits(request.app, actor, "GET", "/findings"):
            label = t(N_("%(finding)s, to triage"), finding=number)
            out[fid] = FindingLink(f"/findings/{fid}/confirm", label)
        else:
            out[fid] = FindingLink("", f"{number} {t.label('finding_status', status)}")
    return out


GAMING_WORDS = {
    "quick_reopen": N_("Reopened right after closing"),
    "follow_up_without_call": N_("Follow-up by phone without a call record"),
    "revisit_by_handler": N_("Return visit by the one who handled the order"),
    "all_top_ratings": N_("Every rating from one visitor was very satisfied (%(month)s)"),
}


@dataclass(frozen=True)
class GamingLine:
    """A gaming flag as the page shows it."""

    what: str
    who: str
    order_id: int | None
    at: datetime
    count: int


def _gaming(request: Request, ctx: Ctx, p: fig.Period) -> list[GamingLine]:
    """The month's gaming flags (issue 15 item 10: shown, never a finding by itself), with
    the staff member's name; one query for the names when there are flags."""
    last_day = fig.next_month(p.month) - timedelta(days=1)
    flags = gaming_flags(ctx.session, ctx.actor.office_id, p.month, last_day)
    if not flags:
        return []
    t = translator(request)
    ids = {f.staff_id for f in flags if f.staff_id is not None}
    names = dash.staff_names(ctx.session, ctx.actor.office_id, ids)
    return [
        GamingLine(
            what=t(GAMING_WORDS.get(f.kind, N_("Signs of gaming")), month=f.detail),
            who=names.get(f.staff_id, "") if f.staff_id is not None else "",
            order_id=f.order_id,
            at=f.at,
            count=f.count,
        )
        for f in sorted(flags, key=lambda f: f.at)
    ]


@router.get("/service/dashboard", dependencies=[VIEWERS])
def dashboard(request: Request, ctx: CtxDep, month: str = "") -> Response:
    """The month's and the quarter's figures of every standard against its target."""
    office, first = _month(request, ctx, month)
    f = fig.service_figures(ctx.session, office.id or 0, first)
    t = translator(request)
    lines = [
        {
            "line": line,
            "title": fig.title(line.standard, t.lang),
            "target": fig.target_words(line.standard, t.lang),
            "month": fig.figure_text(line, line.month),
            "quarter": fig.figure_text(line, line.quarter),
            "bar": _bar(line),
        }
        for line in f.lines
    ]
    return render(
        request,
        "pages/service_dashboard.html",
        {
            "f": f,
            "lines": lines,
            "month": f.period.label,
            "office": office,
            "clock_codes": [s.code for s in STANDARDS if s.is_clock],
            "weights": "/".join(str(w) for w in f.weights),
            "gaming": _gaming(request, ctx, f.period),
            "per_mille": fig.per_mille_text,
            "short_title": lambda code: fig.short_title(code, t.lang),
            "rounded_down": t(fig.ROUNDED_DOWN),
        },
    )


@router.get("/service/dashboard/breaches", dependencies=[VIEWERS])
def breaches(
    request: Request,
    ctx: CtxDep,
    month: str = "",
    standard: str = "",
    staff: int | None = None,
    team: str | None = None,
    span: str = "month",
    page: int = 1,
) -> Response:
    """The breaches behind a number: each clock, who held it, due, stopped, excused why, the
    finding it became."""
    office, first = _month(request, ctx, month)
    p = fig.period(ctx.session, office.id or 0, first)
    start = p.quarter_start if span == "quarter" else p.start
    code = standard if standard in CODES else ""
    page = max(1, page)
    rows = fig.breaches(
        ctx.session,
        office.id or 0,
        start,
        p.end,
        standard=code or None,
        staff_id=staff,
        team=team,
        offset=(page - 1) * fig.BREACH_PAGE,
    )
    t = translator(request)
    std = next((s for s in STANDARDS if s.code == code), None)
    query = {"month": p.label, "standard": code, "span": "quarter" if span == "quarter" else ""}
    if staff is not None:
        query["staff"] = str(staff)
    if team is not None:
        query["team"] = team
    return render(
        request,
        "pages/service_breaches.html",
        {
            "f": None,
            "rows": rows,
            "month": p.label,
            "period": p,
            "span": "quarter" if span == "quarter" else "month",
            "std": std,
            "std_title": fig.title(std, t.lang) if std else "",
            "subject_word": lambda kind: t(fig.SUBJECTS.get(kind, N_("Subject"))),
            "excuse_word": lambda code: t(fig.excuse_word(code)),
            "short_title": lambda code: fig.short_title(code, t.lang),
            "page": page,
            "pages": max(1, -(-rows.total // fig.BREACH_PAGE)),
            "query": "&".join(f"{k}={v}" for k, v in query.items() if v),
            "holder_name": (rows.rows[0].holder_name if staff is not None and rows.rows else ""),
            "team": team,
            "findings": _findings(request, ctx, rows),
        },
    )


@router.get("/service/dashboard.xlsx", dependencies=[VIEWERS])
def dashboard_xlsx(request: Request, ctx: CtxDep, month: str = "") -> Response:
    """The dashboard as an Excel workbook: standards, teams, people, breaches, about."""
    office, first = _month(request, ctx, month)
    f = fig.service_figures(ctx.session, office.id or 0, first)
    rows = fig.breaches(
        ctx.session, office.id or 0, f.period.start, f.period.end, limit=XLSX_BREACHES
    )
    lang = translator(request).lang
    data = write_workbook(f, rows.rows, lang, office.name, ctx.now())
    name = f"service-{office.code}-{f.period.label}.xlsx"
    return Response(
        data,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
