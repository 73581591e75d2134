"""Office punches on the web (the list, a punch entered by hand, a correction with a reason)
and the attendance exceptions: rostered duties held against the punches, every day alike,
as a page, a CSV and a printable sheet."""

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_, Translator, translator
from api.pages.forms import FormPage, present, remember_form
from api.pages.periods import (
    Filters,
    ListParams,
    ListQuery,
    choices,
    fail,
    filters,
    local_input,
    need_reason,
    read_times,
    shown_history,
)
from api.templating import render
from compliance.attendance import entry
from compliance.attendance.exceptions import AttendanceException, DayType, Problem, find_exceptions
from compliance.attendance.service import record_punch
from compliance.context import Ctx
from compliance.exports import safe_row
from compliance.flows.citations import citations
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.visits.corrections import history, seen

router = APIRouter(include_in_schema=False)
READERS = require(Permission.VIEW_ATTENDANCE)
RECORDERS = require(Permission.RECORD_ATTENDANCE)
CORRECTORS = require(Permission.CORRECT_ATTENDANCE)
KINDS = ["check_in", "sign_back"]
PROBLEMS = {
    Problem.ABSENT: N_("Absent all day"),
    Problem.LATE: N_("Late"),
    Problem.NO_CHECK_IN: N_("No check-in"),
    Problem.NO_SIGN_BACK: N_("No sign-back"),
    Problem.NO_DUTY: N_("Punch without a rostered duty"),
}
DAY_TYPES = {
    DayType.WORKING: N_("Working day"),
    DayType.WEEKEND: N_("Weekend"),
    DayType.HOLIDAY: N_("Public holiday"),
    DayType.MAKEUP: N_("Make-up workday"),
}
SOURCES = {"manual": N_("Entered by hand"), "import": N_("Punch clock")}
REASONS = (
    N_("no such record in this office"),
    N_("String should have at least 1 character"),
    N_("Field required"),
)


# Punches -----------------------------------------------------------------------------------


@router.get("/attendance", dependencies=[READERS])
def punch_list(request: Request, ctx: CtxDep, q: ListParams, saved: str = "") -> Response:
    """The office's punches of a period and staff member, newest first."""
    f = filters(translator(request), q)
    listing = entry.list_punches(ctx, f.period, q.page)
    context = {**choices(ctx), "f": f, "listing": listing, "saved": saved, "sources": SOURCES}
    return render(request, "pages/attendance.html", context)


def _punch_form(ctx: Ctx) -> dict[str, Any]:
    return {**choices(ctx), "kinds": KINDS}


@router.get("/attendance/new", dependencies=[RECORDERS])
def punch_new(request: Request, ctx: CtxDep) -> Response:
    """The form for a punch entered by hand (the clock was down, say)."""
    values = {"at": local_input(ctx.now(), ctx.tz), "kind": "check_in"}
    return render(request, "pages/attendance_form.html", {**_punch_form(ctx), "values": values})


@router.post("/attendance/new", dependencies=[RECORDERS, csrf_checked])
def punch_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Save a punch; a bad value shows the form again as typed."""
    page = FormPage("pages/attendance_form.html", lambda: _punch_form(ctx), form)
    page.session = ctx.session
    remember_form(request, page)
    times, errors = read_times(form, ("at",), ctx.tz, ("at",))
    fail(errors)
    data: dict[str, Any] = present(form, "staff_id", "kind")
    data["at"] = times["at"]
    row = record_punch(ctx, data)
    return RedirectResponse(f"/attendance?saved={row.id}", status_code=303)


def _edit_context(request: Request, ctx: Ctx, punch_id: int) -> dict[str, Any]:
    context = {**_punch_form(ctx), "punch": entry.get_punch(ctx, punch_id), "sources": SOURCES}
    rows = history(ctx, "attendance_event", punch_id, "attendance.punch_corrected")
    names = {"staff_id": context["staff_names"]}
    context["history"] = shown_history(ctx, translator(request), rows, names, "punch_kind")
    return context


@router.get("/attendance/{punch_id}/edit", dependencies=[CORRECTORS])
def punch_edit(request: Request, punch_id: IdPath, ctx: CtxDep) -> Response:
    """The punch's values, to correct with a reason."""
    context = _edit_context(request, ctx, punch_id)
    p = context["punch"]
    values = {"staff_id": str(p.staff_id), "kind": p.kind, "at": local_input(p.at, ctx.tz)}
    values["seen"] = seen(p, entry.PUNCH_FIELDS)
    return render(request, "pages/attendance_form.html", {**context, "values": values})


@router.post("/attendance/{punch_id}/edit", dependencies=[CORRECTORS, csrf_checked])
def punch_correct(request: Request, punch_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Correct the punch; the reason and the old values go to the audit trail."""
    remember_form(
        request,
        FormPage(
            "pages/attendance_form.html",
            lambda: _edit_context(request, ctx, punch_id),
            form,
            session=ctx.session,
        ),
    )
    times, errors = read_times(form, ("at",), ctx.tz, ("at",))
    reason = need_reason(form, errors)
    fail(errors)
    data: dict[str, Any] = present(form, "staff_id", "kind")
    data.update(at=times["at"], reason=reason)
    entry.correct_punch(ctx, punch_id, data, citations, form.get("seen") or None)
    return RedirectResponse(f"/attendance?saved={punch_id}", status_code=303)


# Exceptions --------------------------------------------------------------------------------


def _period(ctx: Ctx, f: Filters) -> tuple[date, date]:
    """The filters' period; by default the month so far."""
    today = ctx.now().astimezone(ctx.tz).date()
    start = f.start or (today.replace(day=1) if f.end is None else f.end.replace(day=1))
    end = f.end or (today if start <= today else start)
    if (end - start).days > 366:
        end = start.replace(year=start.year + 1)
    return start, end


def _exceptions(request: Request, ctx: Ctx, q: ListQuery) -> dict[str, Any]:
    ctx.require(Permission.VIEW_ATTENDANCE)
    f = filters(translator(request), q)
    start, end = _period(ctx, f)
    if not (f.values["month"] or f.values["date_from"] or f.values["date_to"]):
        f.values["month"] = start.strftime("%Y-%m")
    rows = find_exceptions(
        ctx.session, ctx.actor.office_id, ctx.tz, start, end, ctx.now(), staff_id=f.staff_id
    )
    counts = {p: sum(1 for r in rows if r.problem == p) for p in Problem}
    return {
        **choices(ctx),
        "f": f,
        "start": start,
        "end": end,
        "rows": rows,
        "counts": counts,
        "problems": PROBLEMS,
        "day_types": DAY_TYPES,
    }


@router.get("/attendance/exceptions", dependencies=[READERS])
def exceptions_page(request: Request, ctx: CtxDep, q: ListParams) -> Response:
    """Missed punches, lateness, absences and punches without a duty, day by day."""
    context = _exceptions(request, ctx, q)
    return render(request, "pages/attendance_exceptions.html", context)


@router.get("/attendance/exceptions/print", dependencies=[READERS])
def exceptions_print(request: Request, ctx: CtxDep, q: ListParams) -> Response:
    """The same report as a sheet to print (the browser's print, no menus)."""
    context = _exceptions(request, ctx, q)
    office = ctx.session.get(Office, ctx.actor.office_id)
    context["office_name"] = office.name if office else ""
    return render(request, "pages/attendance_exceptions_print.html", context)


def punches_of(r: AttendanceException) -> tuple[Any, Any]:
    """The check-in and sign-back a line shows (a loose punch in its own column)."""
    if r.problem != Problem.NO_DUTY:
        return r.check_in, r.sign_back
    return (r.punch_at, None) if r.punch_kind == "check_in" else (None, r.punch_at)


def csv_rows(t: Translator, ctx: Ctx, context: dict[str, Any]) -> list[list[Any]]:
    """The report as CSV rows: one header row, then one row per exception; minutes as numbers."""
    header = [
        t(N_("Date")),
        t(N_("Employee number")),
        t(N_("Name")),
        t(N_("Day")),
        t(N_("Exception")),
        t(N_("Shift start")),
        t(N_("Shift end")),
        t(N_("Check-in")),
        t(N_("Sign-back")),
        t(N_("Minutes late")),
    ]
    staff = {s_id: name for s_id, name in context["staff_names"].items()}

    def hhmm(value: Any) -> str:
        return "" if value is None else value.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")

    out: list[list[Any]] = [header]
    r: AttendanceException
    for r in context["rows"]:
        number, _, name = staff.get(r.staff_id, "").partition(" ")
        check_in, sign_back = punches_of(r)
        out.append(
            safe_row(
                [
                    r.work_date.isoformat(),
                    number,
                    name,
                    t(DAY_TYPES[r.day_type]),
                    t(PROBLEMS[r.problem]),
                    hhmm(r.shift_start),
                    hhmm(r.shift_end),
                    hhmm(check_in),
                    hhmm(sign_back),
                    r.late_minutes,
                ]
            )
        )
    return out


@router.get("/attendance/exceptions.csv", dependencies=[READERS])
def exceptions_csv(request: Request, ctx: CtxDep, q: ListParams) -> Response:
    """The report for a spreadsheet: UTF-8 with a BOM (Excel), one header row."""
    context = _exceptions(request, ctx, q)
    buf = io.StringIO()
    csv.writer(buf).writerows(csv_rows(translator(request), ctx, context))
    name = f"attendance-exceptions-{context['start']}-{context['end']}.csv"
    return Response(
        "\ufeff" + buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
