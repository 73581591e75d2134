"""The shift roster on the web: the list by day and staff member, a shift added, a shift
corrected with a reason. A shift is typed as its day and its start and end times in office
time; an end at or before the start is the next morning (a night shift)."""

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, present, remember_form
from api.pages.periods import (
    BAD_CLOCK,
    BAD_DAY,
    REQUIRED,
    ListParams,
    choices,
    clock_time,
    fail,
    filters,
    shown_history,
)
from api.pages.periods import need_reason as _need_reason
from api.templating import render
from compliance.attendance import entry
from compliance.attendance.service import roster_shift
from compliance.context import Ctx
from compliance.errors import FieldError
from compliance.flows.citations import citations
from compliance.permissions import Permission
from compliance.visits.corrections import history, seen

router = APIRouter(include_in_schema=False)
READERS = require(Permission.VIEW_ATTENDANCE)
ROSTERERS = require(Permission.RECORD_ATTENDANCE)
CORRECTORS = require(Permission.CORRECT_ATTENDANCE)
REASONS = (
    N_("this staff member already has a shift that day"),
    N_("must start on the shift's work_date (local time)"),
    N_("a shift cannot last more than 24 hours"),
    N_("must be after start_at"),
)


@router.get("/rosters", dependencies=[READERS])
def roster_list(request: Request, ctx: CtxDep, q: ListParams, saved: str = "") -> Response:
    """Rostered shifts of a period and staff member, by day."""
    f = filters(translator(request), q)
    listing = entry.list_shifts(ctx, f.period, q.page)
    context = {**choices(ctx), "f": f, "listing": listing, "saved": saved}
    return render(request, "pages/rosters.html", context)


def _shift_times(ctx: Ctx, form: dict[str, str], errors: list[FieldError]) -> dict[str, Any]:
    """work_date, start_at and end_at from the day and the two clock times typed."""
    data: dict[str, Any] = present(form, "staff_id")
    text = form.get("work_date", "").strip()
    try:
        day = datetime.fromisoformat(text).date() if text else None
    except ValueError:
        day = None
        errors.append(FieldError("work_date", BAD_DAY))
    if not text:
        errors.append(FieldError("work_date", REQUIRED))
    start, end = clock_time(form.get("start", "")), clock_time(form.get("end", ""))
    for name, value in (("start", start), ("end", end)):
        if value is None:
            errors.append(FieldError(name, BAD_CLOCK))
    if day is not None and start is not None and end is not None:
        start_at = datetime.combine(day, start, ctx.tz)
        end_at = datetime.combine(day, end, ctx.tz)
        if end_at <= start_at:
            end_at += timedelta(days=1)  # the next morning: a night shift
        data.update(work_date=day, start_at=start_at, end_at=end_at)
    return data


def _form(ctx: Ctx) -> dict[str, Any]:
    return choices(ctx)


@router.get("/rosters/new", dependencies=[ROSTERERS])
def shift_new(request: Request, ctx: CtxDep) -> Response:
    """The form for a shift."""
    today = ctx.now().astimezone(ctx.tz).date().isoformat()
    values = {"work_date": today, "start": "08:00", "end": "17:30"}
    return render(request, "pages/roster_form.html", {**_form(ctx), "values": values})


@router.post("/rosters/new", dependencies=[ROSTERERS, csrf_checked])
def shift_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Roster a shift; a bad value shows the form again as typed."""
    remember_form(
        request,
        FormPage(
            "pages/roster_form.html",
            lambda: _form(ctx),
            form,
            aliases={"start_at": "start", "end_at": "end"},
            session=ctx.session,
        ),
    )
    errors: list[FieldError] = []
    data = _shift_times(ctx, form, errors)
    fail(errors)
    row = roster_shift(ctx, data)
    return RedirectResponse(f"/rosters?saved={row.id}", status_code=303)


def _edit_context(request: Request, ctx: Ctx, shift_id: int) -> dict[str, Any]:
    context = {**_form(ctx), "shift": entry.get_shift(ctx, shift_id)}
    rows = history(ctx, "roster_shift", shift_id, "attendance.shift_corrected")
    names = {"staff_id": context["staff_names"]}
    context["history"] = shown_history(ctx, translator(request), rows, names)
    return context


@router.get("/rosters/{shift_id}/edit", dependencies=[CORRECTORS])
def shift_edit(request: Request, shift_id: IdPath, ctx: CtxDep) -> Response:
    """The shift's values, to correct with a reason."""
    context = _edit_context(request, ctx, shift_id)
    s = context["shift"]
    values = {
        "staff_id": str(s.staff_id),
        "work_date": s.work_date.isoformat(),
        "start": s.start_at.astimezone(ctx.tz).strftime("%H:%M"),
        "end": s.end_at.astimezone(ctx.tz).strftime("%H:%M"),
        "seen": seen(s, entry.SHIFT_FIELDS),
    }
    return render(request, "pages/roster_form.html", {**context, "values": values})


@router.post("/rosters/{shift_id}/edit", dependencies=[CORRECTORS, csrf_checked])
def shift_correct(request: Request, shift_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Correct the shift; the reason and the old values go to the audit trail."""
    remember_form(
        request,
        FormPage(
            "pages/roster_form.html",
            lambda: _edit_context(request, ctx, shift_id),
            form,
            aliases={"start_at": "start", "end_at": "end"},
            session=ctx.session,
        ),
    )
    errors: list[FieldError] = []
    data = _shift_times(ctx, form, errors)
    data["reason"] = _need_reason(form, errors)
    fail(errors)
    entry.correct_shift(ctx, shift_id, data, citations, form.get("seen") or None)
    return RedirectResponse(f"/rosters?saved={shift_id}", status_code=303)
