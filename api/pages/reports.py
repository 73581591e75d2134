"""The monthly office report from the web: pick a month and a language, download the PDF.

Printing anchors the audit head (as the command line's `compliance dossier report` does), so
the download is a POST with the CSRF token. The file is named by office and month:
`report-BSW-2026-03.pdf`.
"""

from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import lang_of
from api.pages.forms import FormPage, remember_form
from api.pages.payroll import checked_month
from api.templating import render
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.dossiers.report import parse_weights, print_report
from compliance.errors import ValidationFailed
from compliance.i18n import LANGS, N_
from compliance.offices.models import Office
from compliance.permissions import Permission
from policies.service.standards import SATISFACTION_WEIGHTS_DEFAULT

router = APIRouter(include_in_schema=False)
PRINTERS = require(Permission.PRINT_DOSSIERS)
# The satisfaction degree's (S13) weights for ratings 5 to 1 unless the office types its own.
DEFAULT_WEIGHTS = "/".join(str(w) for w in SATISFACTION_WEIGHTS_DEFAULT)


def _last_month(ctx: Ctx) -> str:
    first = local_date(ctx.now(), ctx.tz).replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def _page(request: Request, ctx: Ctx, month: str, lang: str, weights: str = "") -> FormPage:
    office = ctx.session.get(Office, ctx.actor.office_id)
    context = {"month": month, "report_lang": lang, "office": office}
    values = {"month": month, "lang": lang, "weights": weights or DEFAULT_WEIGHTS}
    return FormPage("pages/reports.html", context, values, "report")


@router.get("/reports", dependencies=[PRINTERS])
def reports(request: Request, ctx: CtxDep, month: str = "") -> Response:
    """The month picker for the monthly office report."""
    page = _page(request, ctx, month or _last_month(ctx), lang_of(request))
    return render(request, page.template, {**page.page_context(), "values": page.values})


@router.post("/reports/monthly.pdf", dependencies=[PRINTERS, csrf_checked])
def monthly_pdf(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Print the month's report and download it as report-OFFICE-YYYY-MM.pdf."""
    month = form.get("month", "").strip()
    lang = form.get("lang", "zh")
    typed_weights = form.get("weights", "").strip()
    page = _page(request, ctx, month, lang, typed_weights)
    remember_form(request, page)
    month = checked_month(month)
    if lang not in LANGS:
        raise ValidationFailed.one("lang", N_("Choose Chinese or English."))
    if date.fromisoformat(f"{month}-01") > local_date(ctx.now(), ctx.tz):
        raise ValidationFailed.one("month", N_("This month has not begun yet."))
    weights = parse_weights(typed_weights)
    data = print_report(ctx, month, lang, weights)
    code = page.page_context()["office"].code
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{code}-{month}.pdf"'},
    )
