"""Records a manager keeps: the feedback list, damage incidents, overtime requests, photos."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_
from api.pages.forms import FormPage, local_datetime, present, remember_form, yuan_to_fen
from api.pages.spot_checks import Photos
from api.templating import render
from compliance.context import Ctx
from compliance.damages import service as damages
from compliance.errors import ValidationFailed
from compliance.feedback import views as feedback_views
from compliance.flows import settle_damage
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind, judged_query, shown_judgment
from compliance.flows.photos import open_visible
from compliance.names import NAMES as code_names
from compliance.overtime import service as overtime
from compliance.permissions import Permission
from compliance.residents.service import list_residents, list_units
from compliance.staff.service import list_staff

router = APIRouter(include_in_schema=False)
# The damage and overtime codes these pages name (pending is named alike in both).
NAMES = {**code_names["valuation"], **code_names["settlement"], **code_names["overtime"]}
READERS = require(Permission.VIEW_RECORDS)
RECORDERS = require(Permission.RECORD_DAMAGE)
VALUERS = require(Permission.VALUE_DAMAGE)
OVERTIME_DESK = require(Permission.ENTER_OVERTIME)
VIEWERS = require(Permission.VIEW_FILES)
DIRECTOR = require(Permission.DECIDE_OVERTIME)  # R09


# Reasons the services give for these forms' fields, listed for translation.
REASONS = (
    N_("String should have at least 1 character"),
    N_("required when the value is the office's own assessment"),
    N_("value the damage before the sign-off"),
    N_("value the damage before settling it"),
    N_("cannot be before the damage occurred"),
    N_("Input should be 'receipt', 'quote' or 'assessment'"),
    N_("other residents' appointments must be rearranged before overtime is approved (R09)"),
    N_(
        "an approval entered more than 2 hours after it was given, or after the work began, "
        "needs the reason it is entered late"
    ),
    N_("cannot be before the request was made"),
    N_("the visit is for another staff member or unit"),
    N_("no such work order in this office"),
    N_("cannot be before the tip was received"),
    N_("the cashier cannot countersign their own receipt"),
    N_(
        "Input should be <Settlement.PAID_DIRECTLY: 'paid_directly'> or <Settlement.DEDUCTED: 'deducted'>"  # noqa: E501
    ),
    N_("Input should be 'paid_directly', 'insurance' or 'waived'"),
    N_("is more than is still owed: assessed − settled outside the payroll − taken from pay"),
    N_(
        "Input should be <OvertimeDecision.APPROVED: 'approved'> or <OvertimeDecision.REFUSED: 'refused'>"  # noqa: E501
    ),
)


def _names(ctx: Ctx) -> dict[str, Any]:
    staff = list_staff(ctx)
    units = list_units(ctx)
    return {
        "names": NAMES,
        "staff_names": {s.id: f"{s.employee_no} {s.name}" for s in staff},
        "unit_names": {u.id: f"{u.building} {u.room}" for u in units},
        "staff_options": [
            (s.id, f"{s.employee_no} {s.name}") for s in staff if s.status == "active"
        ],
        "unit_options": [(u.id, f"{u.building} {u.room}") for u in units],
    }


def _now_local(ctx: Ctx) -> str:
    return ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")


# Feedback ---------------------------------------------------------------------------------


@router.get("/feedback", dependencies=[READERS])
def feedback_list(request: Request, ctx: CtxDep) -> Response:
    """Recorded resident feedback of the office, newest first."""
    rows = feedback_views.recent_feedback(ctx, limit=200)
    return render(request, "pages/feedback_list.html", {"rows": rows})


# Damage incidents -------------------------------------------------------------------------


def _damages_context(ctx: Ctx) -> dict[str, Any]:
    return {**_names(ctx), "damages": damages.list_damages(ctx)}


@router.get("/damages", dependencies=[READERS])
def damage_list(request: Request, ctx: CtxDep) -> Response:
    """Damage incidents and, for managers, the form to record one."""
    context = _damages_context(ctx)
    context["values"] = {"occurred_at": _now_local(ctx)}
    return render(request, "pages/damages.html", context)


@router.post("/damages/new", dependencies=[RECORDERS, csrf_checked])
def damage_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a damage incident, then on to its page for valuation and photos."""
    remember_form(
        request,
        FormPage("pages/damages.html", lambda: _damages_context(ctx), form, session=ctx.session),
    )
    data: dict[str, Any] = present(form, "staff_id", "unit_id")
    data["item"] = form.get("item", "")
    data["description"] = form.get("description", "")
    data["occurred_at"] = local_datetime(form.get("occurred_at", "").strip(), ctx.tz)
    row = damages.record_damage(ctx, data)
    judged = judge_saved(ctx, RecordKind.DAMAGE, row.id)
    return RedirectResponse(f"/damages/{row.id}?{judged_query(judged)}", status_code=303)


def _damage_context(ctx: Ctx, damage_id: int) -> dict[str, Any]:
    row = damages.get_damage(ctx, damage_id)
    # What each of the page's forms starts with; a form sent back with an error shows what
    # was typed in it, and the other forms keep these.
    now = _now_local(ctx)
    defaults = {"signed_off_at": now, "settled_at": now, "basis": row.valuation_basis or "receipt"}
    if row.assessed_value_fen is not None:
        yuan, fen = divmod(row.assessed_value_fen, 100)
        defaults.update(amount=f"{yuan}.{fen:02d}", note=row.valuation_note)
    return {
        **_names(ctx),
        "d": row,
        "residents": list_residents(ctx, row.unit_id),
        "saved": "",
        "defaults": defaults,
    }


def _damage_form(
    request: Request, ctx: Ctx, damage_id: int, form: dict[str, str], fid: str
) -> None:
    page = FormPage(
        "pages/damage_detail.html",
        lambda: _damage_context(ctx, damage_id),
        form,
        fid,
        aliases={
            "assessed_value_fen": "amount",
            "amount_fen": "settled_amount",
            "file": "photo",
            "file_id": "photo",
        },
        session=ctx.session,
    )
    remember_form(request, page)


@router.get("/damages/{damage_id}", dependencies=[READERS])
def damage_detail(
    request: Request, damage_id: IdPath, ctx: CtxDep, saved: str = "", judged: int = 0
) -> Response:
    """One incident: valuation, the resident's sign-off, settlement and photos; after it is
    recorded, what the rules concluded (R11)."""
    context = _damage_context(ctx, damage_id)
    context.update(
        saved=saved,
        values=context["defaults"],
        judgment=shown_judgment(ctx, judged, RecordKind.DAMAGE, damage_id),
    )
    return render(request, "pages/damage_detail.html", context)


@router.post("/damages/{damage_id}/valuation", dependencies=[VALUERS, csrf_checked])
def damage_value(request: Request, damage_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Set the assessed value (yuan) and its basis."""
    _damage_form(request, ctx, damage_id, form, "valuation")
    data: dict[str, Any] = {"basis": form.get("basis", ""), "note": form.get("note", "")}
    yuan_to_fen(form, "amount", "assessed_value_fen", data)
    if "assessed_value_fen" not in data:
        raise ValidationFailed.one("amount", N_("is required"))
    damages.set_valuation(ctx, damage_id, data)
    return RedirectResponse(f"/damages/{damage_id}?saved=valuation", status_code=303)


@router.post("/damages/{damage_id}/sign-off", dependencies=[RECORDERS, csrf_checked])
def damage_sign_off(request: Request, damage_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Record when the resident signed off the incident and its value."""
    _damage_form(request, ctx, damage_id, form, "sign-off")
    when = local_datetime(form.get("signed_off_at", "").strip(), ctx.tz)
    damages.record_sign_off(ctx, damage_id, {"signed_off_at": when})
    return RedirectResponse(f"/damages/{damage_id}?saved=sign-off", status_code=303)


@router.post("/damages/{damage_id}/settle", dependencies=[VALUERS, csrf_checked])
def damage_settle(request: Request, damage_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Record an amount of the compensation settled outside the payroll (blank: all still owed)."""
    _damage_form(request, ctx, damage_id, form, "settle")
    when = local_datetime(form.get("settled_at", "").strip(), ctx.tz)
    data: dict[str, Any] = {
        "kind": form.get("kind", ""),
        "settled_at": when,
        "note": form.get("settle_note", ""),
    }
    yuan_to_fen(form, "settled_amount", "amount_fen", data)
    settle_damage.settle(ctx, damage_id, data)
    return RedirectResponse(f"/damages/{damage_id}?saved=settle", status_code=303)


@router.post("/damages/{damage_id}/photos", dependencies=[RECORDERS, csrf_checked])
def damage_photo(
    request: Request, damage_id: IdPath, ctx: CtxDep, form: FormValues, photos: Photos
) -> Response:
    """Upload a photo of the damage (stored without metadata) and attach it."""
    _damage_form(request, ctx, damage_id, form, "photo")
    if len(photos) != 1:
        raise ValidationFailed.one("photo", N_("choose one photo"))
    damages.attach_upload(ctx, damage_id, photos[0].data, photos[0].name)
    return RedirectResponse(f"/damages/{damage_id}?saved=photo", status_code=303)


# Overtime ---------------------------------------------------------------------------------


def _overtime_context(ctx: Ctx) -> dict[str, Any]:
    return {**_names(ctx), "requests": overtime.list_overtime(ctx)}


@router.get("/overtime", dependencies=[READERS])
def overtime_list(request: Request, ctx: CtxDep, done: str = "") -> Response:
    """Overtime requests; the office director decides the pending ones here."""
    context = _overtime_context(ctx)
    context.update(values={"requested_at": _now_local(ctx)}, done=done)
    return render(request, "pages/overtime.html", context)


@router.post("/overtime/new", dependencies=[OVERTIME_DESK, csrf_checked])
def overtime_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a resident's request for overtime."""
    page = FormPage(
        "pages/overtime.html",
        lambda: {**_overtime_context(ctx), "done": ""},
        form,
        "new",
        session=ctx.session,
    )
    remember_form(request, page)
    data: dict[str, Any] = present(form, "staff_id", "unit_id", "visit_id")
    data["reason"] = form.get("reason", "")
    data["requested_at"] = local_datetime(form.get("requested_at", "").strip(), ctx.tz)
    overtime.request_overtime(ctx, data)
    return RedirectResponse("/overtime?done=recorded", status_code=303)


@router.post("/overtime/{request_id}/decision", dependencies=[DIRECTOR, csrf_checked])
def overtime_decide(
    request: Request,
    request_id: IdPath,
    ctx: CtxDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    rearranged_others: Annotated[str, Form()] = "",
    decided_at: Annotated[str, Form()] = "",
    late_entry_reason: Annotated[str, Form()] = "",
) -> Response:
    """The director approves or refuses (approval needs the others rearranged, R09).

    decided_at is when the director gave the decision (by phone, say); blank is now.
    """
    values = {
        "decision": decision,
        "note": note,
        "rearranged_others": rearranged_others,
        "decided_at": decided_at,
        "late_entry_reason": late_entry_reason,
    }
    page = FormPage(
        "pages/overtime.html",
        lambda: {**_overtime_context(ctx), "done": ""},
        values,
        f"decide-{request_id}",
        session=ctx.session,
    )
    remember_form(request, page)
    body: dict[str, Any] = {
        "decision": decision,
        "note": note,
        "rearranged_others": rearranged_others == "on",
        "late_entry_reason": late_entry_reason,
    }
    if decided_at.strip():
        body["decided_at"] = local_datetime(decided_at.strip(), ctx.tz)
    overtime.decide_overtime(ctx, request_id, body)
    return RedirectResponse(f"/overtime?done={decision}", status_code=303)


# Photos -----------------------------------------------------------------------------------


@router.get("/files/{file_id}", dependencies=[VIEWERS])
def photo(file_id: IdPath, ctx: CtxDep) -> Response:
    """A stored photo; staff only see those of their own checks and incidents."""
    row, data = open_visible(ctx, file_id)
    return Response(
        data,
        media_type=row.content_type,
        headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
    )
