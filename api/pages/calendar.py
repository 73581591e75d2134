"""Admin: the office calendar (工作日历), kept from the State Council's holiday notice."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import N_
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.calendar import service as calendar
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
ADMIN = require(Permission.ADMINISTER)
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _year(text: str | None, ctx: Ctx) -> int:
    if text is None or not text.strip():
        return ctx.now().astimezone(ctx.tz).year
    try:
        year = int(text.strip())
    except ValueError:
        raise ValidationFailed.one("year", N_("must be a whole number")) from None
    if not 2000 <= year <= 2100:
        raise ValidationFailed.one("year", N_("must be a year between 2000 and 2100"))
    return year


def _context(ctx: Ctx, year: int, done: str = "") -> dict[str, Any]:
    return {
        "view": calendar.show_year(ctx.session, ctx.actor.office_id, year),
        "year": year,
        "weekdays": WEEKDAYS,
        "done": done,
    }


def _remember(request: Request, ctx: Ctx, year: int, values: dict[str, str], form_id: str) -> None:
    remember_form(
        request,
        FormPage(
            "pages/calendar.html",
            lambda: _context(ctx, year),
            values,
            form_id,
            session=ctx.session,
        ),
    )


@router.get("/admin/calendar", dependencies=[ADMIN])
def page(request: Request, ctx: CtxDep, year: str = "", done: str = "") -> Response:
    """One year of the office calendar, whether deadlines in it are counted, and the forms."""
    return render(request, "pages/calendar.html", _context(ctx, _year(year, ctx), done))


@router.post("/admin/calendar/days", dependencies=[ADMIN, csrf_checked])
def set_day(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Enter a day off or a make-up workday from the notice."""
    values = {k: form.get(k, "") for k in ("day", "kind", "name")}
    try:
        day = date.fromisoformat(values["day"].strip())
    except ValueError:
        _remember(request, ctx, _year(None, ctx), values, "day")
        raise ValidationFailed.one("day", N_("not a date (e.g. 2026-04-01)")) from None
    _remember(request, ctx, day.year, values, "day")
    calendar.set_day(ctx, day, values["kind"], values["name"])
    return RedirectResponse(f"/admin/calendar?year={day.year}&done=day", status_code=303)


@router.post("/admin/calendar/confirm", dependencies=[ADMIN, csrf_checked])
def confirm(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Declare the year entered in full, naming the notice."""
    values = {k: form.get(k, "") for k in ("year", "basis")}
    _remember(request, ctx, _year(None, ctx), values, "confirm")
    year = _year(values["year"] or "x", ctx)
    _remember(request, ctx, year, values, "confirm")
    calendar.confirm_year(ctx, year, values["basis"])
    return RedirectResponse(f"/admin/calendar?year={year}&done=confirm", status_code=303)


@router.post("/admin/calendar/import", dependencies=[ADMIN, csrf_checked])
def import_year(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Copy a year the chinesecalendar package covers."""
    values = {"year": form.get("year", "")}
    _remember(request, ctx, _year(None, ctx), values, "import")
    year = _year(values["year"] or "x", ctx)
    _remember(request, ctx, year, values, "import")
    calendar.import_year(ctx, year)
    return RedirectResponse(f"/admin/calendar?year={year}&done=import", status_code=303)
