"""The dashboard: breaches by rule and team per month, repeat offenders, open cases, pay."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api import charts
from api.deps import CtxDep, require
from api.i18n import N_, translator
from api.labels import labeller
from api.read_models import dashboard as stats
from api.templating import render
from compliance.permissions import Permission
from policies import registry

router = APIRouter(include_in_schema=False)
VIEWERS = require(Permission.VIEW_DASHBOARD)


def _title(code: str, lang: str) -> str:
    try:
        policy = registry.get(code)
    except KeyError:
        return ""
    return policy.title_zh if lang == "zh" else policy.title_en


@router.get("/dashboard", dependencies=[VIEWERS])
def dashboard(request: Request, ctx: CtxDep) -> Response:
    """The office's figures for the last six months, as server-drawn SVG charts."""
    t = translator(request)
    label = labeller(t)
    d = stats.dashboard(ctx)
    # The legend names each rule (R04 按质、按量、按时完成), not its bare code.
    by_rule = {f"{code} {_title(code, t.lang)}": v for code, v in d.by_rule.items()}
    return render(
        request,
        "pages/dashboard.html",
        {
            "d": d,
            "label": label,
            "rule_chart": charts.stacked_bars(
                t(N_("Confirmed breaches by rule")), d.months, by_rule
            ),
            "team_chart": charts.lines(t(N_("Confirmed breaches by team")), d.months, d.by_team),
            "case_chart": charts.hbars(
                t(N_("Open cases by state")),
                [(label("status", s), n) for s, n in d.open_cases.items()],
            ),
        },
    )
