"""Work orders (jobs in residents' homes) on the web: the list by day and staff member, a
work order entered with the steps already taken, and a correction with a reason."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, present, remember_form
from api.pages.periods import (
    ListParams,
    choices,
    fail,
    filters,
    local_input,
    need_reason,
    read_times,
    shown_history,
)
from api.templating import render
from compliance.context import Ctx
from compliance.flows.citations import citations
from compliance.permissions import Permission
from compliance.visits import entry
from compliance.visits.corrections import history, seen
from compliance.visits.schemas import VisitKind
from compliance.visits.service import get_visit

router = APIRouter(include_in_schema=False)
READERS = require(Permission.VIEW_VISITS)
KEEPERS = require(Permission.MANAGE_VISITS)
STEPS = ("assigned_at", "arrived_at", "done_at", "left_at")
KINDS = [k.value for k in VisitKind]
# Reasons the services give for these forms' fields, listed for translation.
REASONS = (
    N_("no such work order in this office"),
    N_("String should have at least 1 character"),
)


def _form_context(ctx: Ctx) -> dict[str, Any]:
    return {**choices(ctx, units=True), "kinds": KINDS}


@router.get("/visits", dependencies=[READERS])
def visit_list(request: Request, ctx: CtxDep, q: ListParams, saved: str = "") -> Response:
    """Work orders of a period and staff member, newest first, a page at a time."""
    f = filters(translator(request), q)
    listing = entry.list_visits(ctx, f.period, q.page)
    context = {**choices(ctx, units=True), "f": f, "listing": listing, "saved": saved}
    return render(request, "pages/visits.html", context)


@router.get("/visits/new", dependencies=[KEEPERS])
def visit_new(request: Request, ctx: CtxDep) -> Response:
    """The form for a work order and the steps already taken."""
    values = {"requested_at": local_input(ctx.now(), ctx.tz), "kind": "repair"}
    return render(request, "pages/visit_form.html", {**_form_context(ctx), "values": values})


@router.post("/visits/new", dependencies=[KEEPERS, csrf_checked])
def visit_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Save a work order with its steps; a bad value shows the form again as typed."""
    remember_form(
        request,
        FormPage("pages/visit_form.html", lambda: _form_context(ctx), form, session=ctx.session),
    )
    times, errors = read_times(form, ("requested_at", *STEPS), ctx.tz, ("requested_at",))
    fail(errors)
    data: dict[str, Any] = present(form, "staff_id", "unit_id", "kind")
    data["description"] = form.get("description", "")
    data["requested_at"] = times["requested_at"]
    steps = {k: v for k, v in times.items() if k in STEPS and v is not None}
    row = entry.enter_visit(ctx, data, steps, form.get("outcome", "").strip())
    return RedirectResponse(f"/visits?saved={row.id}", status_code=303)


def _edit_context(request: Request, ctx: Ctx, visit_id: int) -> dict[str, Any]:
    context = {**_form_context(ctx), "visit": get_visit(ctx, visit_id)}
    rows = history(ctx, "visit", visit_id, "visit.corrected")
    names = {"staff_id": context["staff_names"], "unit_id": context["unit_names"]}
    context["history"] = shown_history(ctx, translator(request), rows, names, "visit_kind")
    return context


@router.get("/visits/{visit_id}/edit", dependencies=[KEEPERS])
def visit_edit(request: Request, visit_id: IdPath, ctx: CtxDep) -> Response:
    """The work order's values, to correct with a reason."""
    context = _edit_context(request, ctx, visit_id)
    v = context["visit"]
    values = {
        "staff_id": str(v.staff_id),
        "unit_id": str(v.unit_id),
        "kind": v.kind,
        "description": v.description,
        "outcome": v.outcome,
        **{k: local_input(getattr(v, k), ctx.tz) for k in ("requested_at", *STEPS)},
        "seen": seen(v, entry.VISIT_FIELDS),
    }
    return render(request, "pages/visit_form.html", {**context, "values": values})


@router.post("/visits/{visit_id}/edit", dependencies=[KEEPERS, csrf_checked])
def visit_correct(request: Request, visit_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Correct the work order; the reason and the old values go to the audit trail."""
    remember_form(
        request,
        FormPage(
            "pages/visit_form.html",
            lambda: _edit_context(request, ctx, visit_id),
            form,
            session=ctx.session,
        ),
    )
    times, errors = read_times(form, ("requested_at", *STEPS), ctx.tz, ("requested_at",))
    reason = need_reason(form, errors)
    fail(errors)
    data: dict[str, Any] = present(form, "staff_id", "unit_id", "kind")
    data.update(times)
    data.update(
        description=form.get("description", ""), outcome=form.get("outcome", ""), reason=reason
    )
    entry.correct_visit(ctx, visit_id, data, citations, form.get("seen") or None)
    return RedirectResponse(f"/visits?saved={visit_id}", status_code=303)
