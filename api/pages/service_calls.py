"""The front desk's call log on the web (来电记录): a day or a month of calls a page at a time,
each with its rings or seconds to answer and whether within 3 rings (S01), the caller's unit,
the purpose and the work order it opened; a form for a call typed in; and the import of a
phone system's export (upload → preview with every problem → confirm), through the office's
call-import profile (column headers, the extension list).

The upload is kept under its SHA-256 until imported, as the punch-clock import does
(api/pages/attendance_import.py), so the preview and the confirmation read the same bytes.
"""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlmodel import col
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import N_
from api.pages.attendance_import import Upload, _folder, _path, _stored, _with_lines
from api.pages.forms import FormPage, local_datetime, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.imports import calls as call_import
from compliance.permissions import Permission, holds
from compliance.residents.masking import can_see_contact, mask_phone
from compliance.residents.search import find_unit
from compliance.service.call_log import MAX_RINGS, list_calls, period
from compliance.service.calls import record_call
from compliance.service.models import ServiceOrder
from compliance.service.schemas import CallIn
from compliance.staff.service import list_staff
from policies.service.standards import SECONDS_PER_RING_DEFAULT

router = APIRouter(include_in_schema=False)
VIEWERS = require(Permission.VIEW_SERVICE)
DESK = require(Permission.RECEIVE_SERVICE)
IMPORTERS = require(Permission.IMPORT_CALLS)
PAGE_SIZE = 50
CLOCK_NAMES = {
    "met": N_("within 3 rings"),
    "breached": N_("over 3 rings"),
    "excused": N_("excused"),
    "running": N_("not yet evaluated"),
}
REASONS = (
    N_("rings: an answered call says how many rings (or seconds) it took"),
    N_("no such service order in this office"),
    N_("not a whole number"),
)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _month(text: str) -> date | None:
    try:
        return date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def _list_context(ctx: Ctx, day: str, month: str, page: int) -> dict[str, Any]:
    today = ctx.now().astimezone(ctx.tz).date()
    d, m = _day(day), _month(month)
    if d is None and m is None:
        d = today
    start, end = period(d, m, ctx.tz)
    page = max(page, 1)
    found = list_calls(
        ctx.session, ctx.actor.office_id, start, end,
        offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
    )  # fmt: skip
    pages = max(1, -(-found.total // PAGE_SIZE))
    staff = list_staff(ctx) if holds(ctx.actor, Permission.RECEIVE_SERVICE) else []
    show_phone = can_see_contact(ctx.actor.role)
    return {
        "calls": found.lines,
        "found": found,
        "day": d.isoformat() if d else "",
        "month": (m or d or today).strftime("%Y-%m"),
        "by_month": d is None,
        "page": page,
        "pages": pages,
        "prev_day": (d.fromordinal(d.toordinal() - 1).isoformat() if d else ""),
        "next_day": (d.fromordinal(d.toordinal() + 1).isoformat() if d and d < today else ""),
        "clock_names": CLOCK_NAMES,
        "max_rings": MAX_RINGS,
        "max_seconds": MAX_RINGS * SECONDS_PER_RING_DEFAULT,
        "phone": (lambda p: p) if show_phone else mask_phone,
        "staff_options": [
            (s.id, f"{s.employee_no} {s.name}") for s in staff if s.status == "active"
        ],
        "now_local": ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M"),
    }


@router.get("/service/calls", dependencies=[VIEWERS])
def call_list(
    request: Request, ctx: CtxDep, day: str = "", month: str = "", page: int = 1
) -> Response:
    """A day's calls (today by default) or a month's, a page at a time."""
    context = _list_context(ctx, day, month, page)
    context["values"] = {"called_at": context["now_local"], "answered": "1"}
    return render(request, "pages/service_calls.html", context)


def _int(form: dict[str, str], name: str, errors: list[FieldError]) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        errors.append(FieldError(name, N_("not a whole number")))
        return None
    return int(text)


@router.post("/service/calls", dependencies=[DESK, csrf_checked])
def call_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Log a call typed in at the front desk, then back to that day's calls."""
    remember_form(
        request,
        FormPage(
            "pages/service_calls.html",
            lambda: _list_context(ctx, "", "", 1),
            form,
            "call-form",
            aliases={"unit_id": "unit", "order_id": "order", "answered_by_staff_id": "staff_id"},
            session=ctx.session,
        ),
    )
    errors: list[FieldError] = []
    data: dict[str, Any] = {
        "caller_phone": form.get("caller_phone", "").strip(),
        "purpose": form.get("purpose", "").strip(),
        "answered": form.get("answered") == "1",
        "rings": _int(form, "rings", errors),
        "answer_seconds": _int(form, "answer_seconds", errors),
        "duration_seconds": _int(form, "duration_seconds", errors),
    }
    when = form.get("called_at", "").strip()
    if not when:
        errors.append(FieldError("called_at", N_("is required")))
    else:
        data["called_at"] = local_datetime(when, ctx.tz)
    if form.get("staff_id", "").strip():
        data["answered_by_staff_id"] = form["staff_id"].strip()
    if form.get("unit", "").strip():
        data["unit_id"] = find_unit(ctx, form["unit"]).id
    number = form.get("order", "").strip()
    if number:
        order_id = ctx.session.execute(
            select(col(ServiceOrder.id)).where(
                col(ServiceOrder.office_id) == ctx.actor.office_id,
                col(ServiceOrder.number) == number,
            )
        ).scalar_one_or_none()
        if order_id is None:
            errors.append(FieldError("order", N_("no such service order in this office")))
        data["order_id"] = order_id
    if errors:
        raise ValidationFailed(errors)
    call = record_call(ctx, CallIn.model_validate(data))
    day = call.called_at.astimezone(ctx.tz).date().isoformat()
    return RedirectResponse(f"/service/calls?day={day}&saved={call.id}", status_code=303)


# --- import --------------------------------------------------------------------------------


def _fields() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    out = []
    for k in call_import.FIELDS:
        names = call_import.ALIASES[k]
        out.append((k, call_import.LABELS[k], names, tuple(n for n in names if not n.isascii())))
    return out


def _upload_context(ctx: Ctx) -> dict[str, Any]:
    profile = call_import.load_profile(ctx)
    return {
        "fields": _fields(),
        "done": None,
        "saved": "",
        "extensions": profile.enrolments_text(),
    }


@router.get("/service/calls/import", dependencies=[IMPORTERS])
def import_form(request: Request, ctx: CtxDep, saved: str = "") -> Response:
    """Step 1: choose the phone system's file; the extension list below. After an import,
    what it did."""
    done = {k: request.query_params.get(k, "") for k in ("imported", "recorded", "missed")}
    context = _upload_context(ctx)
    context["done"] = done if done["imported"] else None
    context["saved"] = saved
    context["values"] = {"extensions": context["extensions"]}
    return render(request, "pages/service_calls_import.html", context)


@router.post("/service/calls/import", dependencies=[IMPORTERS, csrf_checked])
def upload(request: Request, ctx: CtxDep, file: Upload) -> Response:
    """Keep the file and show its preview (a file that cannot be read is refused here)."""
    remember_form(
        request, FormPage("pages/service_calls_import.html", _upload_context(ctx), {}, "upload")
    )
    data, _name = file
    if not data:
        raise ValidationFailed.one("file", N_("Choose the phone system's file (CSV or XLSX)."))
    preview = call_import.preview_calls_file(ctx, data)
    folder = _folder(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(ctx, preview.sha256)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return RedirectResponse(f"/service/calls/import/{preview.sha256}", status_code=303)


@router.post("/service/calls/import/extensions", dependencies=[IMPORTERS, csrf_checked])
def save_extensions(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Save the office's extension list (分机,工号 a line)."""
    remember_form(
        request,
        FormPage("pages/service_calls_import.html", _upload_context(ctx), form, "extensions"),
    )
    try:
        call_import.save_profile(ctx, extensions=form.get("extensions", ""))
    except ValidationFailed as exc:
        raise _with_lines(request, exc) from None
    return RedirectResponse("/service/calls/import?saved=1", status_code=303)


def _preview_context(ctx: Ctx, sha: str) -> dict[str, Any]:
    preview = call_import.preview_calls_file(ctx, _stored(ctx, sha))
    return {
        "sha": sha,
        "p": preview,
        "rows": preview.calls[: call_import.PREVIEW_ROWS],
        "fields": _fields(),
        "new_extensions": "\n".join(f"{u.key}," for u in preview.unknown),
        "max_rings": MAX_RINGS,
    }


@router.get("/service/calls/import/{sha}", dependencies=[IMPORTERS])
def preview_page(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 2: the columns found, the first rows, every problem; the confirm button."""
    return render(request, "pages/service_calls_import_preview.html", _preview_context(ctx, sha))


def _preview_form(ctx: Ctx, sha: str, values: dict[str, str]) -> FormPage:
    return FormPage(
        "pages/service_calls_import_preview.html",
        lambda: _preview_context(ctx, sha),
        values,
        "extensions",
        session=ctx.session,
    )


@router.post("/service/calls/import/{sha}/extensions", dependencies=[IMPORTERS, csrf_checked])
def add_extensions(request: Request, ctx: CtxDep, sha: str, form: FormValues) -> Response:
    """Add the unknown extensions to the office's list, and preview again."""
    _stored(ctx, sha)
    remember_form(request, _preview_form(ctx, sha, form))
    current = call_import.load_profile(ctx).enrolments_text()
    try:
        call_import.save_profile(ctx, extensions=current + "\n" + form.get("extensions", ""))
    except ValidationFailed as exc:
        raise _with_lines(request, exc) from None
    return RedirectResponse(f"/service/calls/import/{sha}?saved=1", status_code=303)


@router.post("/service/calls/import/{sha}/confirm", dependencies=[IMPORTERS, csrf_checked])
def confirm(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 3: import the new calls, all or nothing."""
    data = _stored(ctx, sha)
    remember_form(request, _preview_form(ctx, sha, {}))
    result = call_import.import_calls_file(ctx, data, f"{sha[:12]}.upload")
    _path(ctx, sha).unlink(missing_ok=True)
    query = f"imported={result.imported}&recorded={result.recorded}&missed={result.missed}"
    return RedirectResponse(f"/service/calls/import?{query}", status_code=303)
