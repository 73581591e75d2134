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

router = APIRouter(include_in_schema=False)
VIEWERS = require(Permission.VIEW_DASHBOARD)


@router.get("/dashboard", dependencies=[VIEWERS])
def dashboard(request: Request, ctx: CtxDep) -> Response:
    """The office's figures for the last six months, as server-drawn SVG charts."""
    t = translator(request)
    label = labeller(t)
    d = stats.dashboard(ctx)
    return render(
        request,
        "pages/dashboard.html",
        {
            "d": d,
            "label": label,
            "rule_chart": charts.stacked_bars(
                t(N_("Confirmed breaches by rule")), d.months, d.by_rule
            ),
            "team_chart": charts.lines(t(N_("Confirmed breaches by team")), d.months, d.by_team),
            "case_chart": charts.hbars(
                t(N_("Open cases by state")),
                [(label("status", s), n) for s, n in d.open_cases.items()],
            ),
        },
    )
