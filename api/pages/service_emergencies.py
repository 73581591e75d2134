"""Emergencies on the web (突发事件, 第2篇 2、(1)), phone-first for the duty staff.

- /service/emergencies: the office's emergencies (front desk, managers, HR, admin).
- /service/emergencies/duty: for anyone dispatched as duty staff, their emergencies waiting
  for them to arrive, each with the big 到达现场 button first (also atop the list).
- /service/emergencies/new: the front desk takes the report down.
- /service/emergencies/{id}: the steps — dispatch duty staff, each one's check-in on site (the
  server's time of the tap, with the phone's position), under control, the 突发事件处理表
  drafted and submitted, approved (confirmed first) or returned with a reason by the director;
  the report as a PDF.
"""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, local_datetime, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, Forbidden, ValidationFailed
from compliance.permissions import Permission, holds
from compliance.residents.search import find_unit
from compliance.service import emergency as em
from compliance.service.emergency_pdf import ON_SITE_MINUTES, elapsed, render_for
from compliance.service.models import ReportState
from compliance.staff.service import list_staff

router = APIRouter(include_in_schema=False)
SIGNED_IN = require(Permission.USE_APP)
DESK = require(Permission.RECEIVE_SERVICE)
DISPATCHERS = require(Permission.DISPATCH_SERVICE)
DRAFTERS = require(Permission.DRAFT_EMERGENCY_REPORT)
LEADERS = require(Permission.APPROVE_EMERGENCY_REPORT)
VIEWERS = require(Permission.VIEW_SERVICE)
PAGE_SIZE = 30
CONFIRM_MISSING = N_("this step cannot be undone: tick the box to confirm it")
REASONS = (N_("a position is latitude,longitude"),)
KIND_REQUIRED = N_("choose the kind of incident")


def _may_view(ctx: Ctx, view: em.EmergencyView) -> None:
    if holds(ctx.actor, Permission.VIEW_SERVICE):
        return
    if view.duty_of(ctx.actor.staff_id) is None:
        raise Forbidden(N_("only the duty staff dispatched to this emergency check in on site"))


def _duty_cards(ctx: Ctx) -> list[em.EmergencyView]:
    if ctx.actor.staff_id is None:
        return []
    ids = em.open_duty_orders(ctx.session, ctx.actor.office_id, ctx.actor.staff_id)
    return [em.get_emergency(ctx.session, ctx.actor.office_id, i) for i in ids[:5]]


def _names() -> dict[str, Any]:
    return {
        "incident_names": em.INCIDENT_NAMES,
        "report_names": em.REPORT_STATE_NAMES,
        "step_names": em.STEP_NAMES,
        "on_site_minutes": ON_SITE_MINUTES,
    }


@router.get("/service/emergencies", dependencies=[VIEWERS])
def emergency_list(request: Request, ctx: CtxDep, page: int = 1) -> Response:
    """The office's emergencies, newest first; any waiting for me (as duty staff) first."""
    page = max(page, 1)
    rows, total = em.list_emergencies(
        ctx.session, ctx.actor.office_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    context: dict[str, Any] = {
        **_names(),
        "duty": _duty_cards(ctx),
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "duty_page": False,
    }
    return render(request, "pages/emergencies.html", context)


@router.get("/service/emergencies/duty", dependencies=[SIGNED_IN])
def duty_list(request: Request, ctx: CtxDep) -> Response:
    """The emergencies I am dispatched to and have not yet reached, each with the big
    到达现场 button (the page a duty staff member keeps open on the phone)."""
    context: dict[str, Any] = {
        **_names(), "duty": _duty_cards(ctx), "rows": [], "total": 0, "duty_page": True,
    }  # fmt: skip
    return render(request, "pages/emergencies.html", context)


def _new_context(ctx: Ctx) -> dict[str, Any]:
    return {**_names(), "kinds": em.INCIDENT_KINDS}


@router.get("/service/emergencies/new", dependencies=[DESK])
def new_form(request: Request, ctx: CtxDep) -> Response:
    """The report taken down by the front desk (the clock starts when it is saved)."""
    return render(request, "pages/emergency_new.html", {**_new_context(ctx), "values": {}})


@router.post("/service/emergencies", dependencies=[DESK, csrf_checked])
def create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Open the emergency, then on to its page to dispatch the duty staff."""
    remember_form(
        request,
        FormPage("pages/emergency_new.html", _new_context(ctx), form, "emergency-form",
                 aliases={"unit_id": "unit"}),
    )  # fmt: skip
    if form.get("incident_kind", "") not in em.INCIDENT_KINDS:
        raise ValidationFailed.one("incident_kind", KIND_REQUIRED)
    unit_id = find_unit(ctx, form["unit"]).id if form.get("unit", "").strip() else None
    when = form.get("reported_at", "").strip()
    reported_at = local_datetime(when, ctx.tz) if when else None
    if isinstance(reported_at, str):
        raise ValidationFailed.one(
            "reported_at", N_("not a time like 2026-03-02 08:01:00: %(value)s")
        )
    order = em.report_emergency(
        ctx,
        em.EmergencyIn(
            incident_kind=form.get("incident_kind", ""),
            location=form.get("location", ""),
            unit_id=unit_id,
            description=form.get("description", ""),
            household=form.get("household", ""),
            contact_phone=form.get("contact_phone", ""),
            reported_at=reported_at,
        ),
    )
    return RedirectResponse(f"/service/emergencies/{order.id}", status_code=303)


def _detail_context(ctx: Ctx, order_id: int, lang: str) -> dict[str, Any]:
    view = em.get_emergency(ctx.session, ctx.actor.office_id, order_id)
    _may_view(ctx, view)
    mine = view.duty_of(ctx.actor.staff_id)
    report = view.report
    dispatched = {a.staff_id for a in view.arrivals}
    staff = list_staff(ctx) if holds(ctx.actor, Permission.DISPATCH_SERVICE) else []
    closed = view.order.state in ("closed", "cancelled")
    return {
        **_names(),
        "v": view,
        "report": report,
        "mine": mine,
        "can_arrive": mine is not None and mine.arrived_at is None and not closed,
        # Each duty staff member with their minutes after the report, in the page's language.
        "arrivals": [
            (a, elapsed(a.seconds_after_report, lang) if a.seconds_after_report is not None else "")
            for a in view.arrivals
        ],
        "staff_options": [
            (s.id, f"{s.employee_no} {s.name} · {s.team}")
            for s in staff
            if s.status == "active" and s.id not in dispatched
        ],
        "can_dispatch": holds(ctx.actor, Permission.DISPATCH_SERVICE) and not closed,
        "can_control": report.controlled_at is None
        and any(a.arrived_at for a in view.arrivals)
        and (holds(ctx.actor, Permission.DISPATCH_SERVICE) or (mine and mine.arrived_at)),
        "can_draft": holds(ctx.actor, Permission.DRAFT_EMERGENCY_REPORT)
        and report.controlled_at is not None
        and report.state in (ReportState.DRAFT, ReportState.RETURNED),
        "can_submit": holds(ctx.actor, Permission.DRAFT_EMERGENCY_REPORT)
        and report.state == ReportState.DRAFT
        and report.drafted_at is not None,
        "can_decide": holds(ctx.actor, Permission.APPROVE_EMERGENCY_REPORT)
        and report.state == ReportState.SUBMITTED,
        "can_print": holds(ctx.actor, Permission.VIEW_SERVICE),
        "kinds": em.INCIDENT_KINDS,
        "report_values": {
            "incident_kind": report.incident_kind,
            "cause": report.cause,
            "measures": report.measures,
            "losses": report.losses,
        },
    }


@router.get("/service/emergencies/{order_id}", dependencies=[SIGNED_IN])
def detail(request: Request, ctx: CtxDep, order_id: IdPath) -> Response:
    """The emergency's steps; for its duty staff, the check-in button first."""
    context = _detail_context(ctx, order_id, translator(request).lang)
    context["values"] = context["report_values"]
    return render(request, "pages/emergency.html", context)


def _form(request: Request, ctx: CtxDep, order_id: int, form: dict[str, str], fid: str) -> None:
    def build() -> dict[str, Any]:
        return _detail_context(ctx, order_id, translator(request).lang)

    remember_form(request, FormPage("pages/emergency.html", build, form, fid, session=ctx.session))


def _back(order_id: int, done: str = "") -> RedirectResponse:
    query = f"?done={done}" if done else ""
    return RedirectResponse(f"/service/emergencies/{order_id}{query}", status_code=303)


def _version(form: dict[str, str]) -> int:
    text = form.get("version", "")
    return int(text) if text.isdigit() else 0


@router.post("/service/emergencies/{order_id}/dispatch", dependencies=[DISPATCHERS, csrf_checked])
async def dispatch(request: Request, ctx: CtxDep, order_id: IdPath) -> Response:
    """Send the chosen duty staff (one or more)."""
    posted = await request.form()
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    staff_ids = [int(v) for v in posted.getlist("staff_id") if isinstance(v, str) and v.isdigit()]
    _form(request, ctx, order_id, form, "dispatch-form")
    em.dispatch_duty(ctx, order_id, staff_ids, version=_version(form))
    return _back(order_id, "dispatched")


@router.post("/service/emergencies/{order_id}/arrive", dependencies=[SIGNED_IN, csrf_checked])
def arrive(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """到达现场: the duty staff member's check-in, at the server's time of this request."""
    _form(request, ctx, order_id, form, "arrive-form")
    em.check_in(ctx, order_id, method=form.get("method", "position"), ref=form.get("ref", ""))
    return _back(order_id, "arrived")


@router.post("/service/emergencies/{order_id}/controlled", dependencies=[SIGNED_IN, csrf_checked])
def controlled(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """The situation is under control (the server's time)."""
    _form(request, ctx, order_id, form, "controlled-form")
    em.mark_controlled(ctx, order_id, note=form.get("note", ""), version=_version(form))
    return _back(order_id, "controlled")


@router.post("/service/emergencies/{order_id}/report", dependencies=[DRAFTERS, csrf_checked])
def save_report(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """Save the 突发事件处理表 as a draft."""
    _form(request, ctx, order_id, form, "report-form")
    em.save_report(
        ctx,
        order_id,
        em.ReportIn(
            incident_kind=form.get("incident_kind", ""),
            cause=form.get("cause", ""),
            measures=form.get("measures", ""),
            losses=form.get("losses", ""),
        ),
        version=_version(form),
    )
    return _back(order_id, "drafted")


@router.post("/service/emergencies/{order_id}/submit", dependencies=[DRAFTERS, csrf_checked])
def submit(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """Hand the report to the company leader."""
    _form(request, ctx, order_id, form, "submit-form")
    em.submit_report(ctx, order_id, version=_version(form))
    return _back(order_id, "submitted")


@router.post("/service/emergencies/{order_id}/approve", dependencies=[LEADERS, csrf_checked])
def approve(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """The company leader approves (after ticking the confirmation): the emergency closes."""
    em.get_emergency(ctx.session, ctx.actor.office_id, order_id)  # another office's: 404
    _form(request, ctx, order_id, form, "approve-form")
    if form.get("confirm") != "1":
        raise ValidationFailed(FieldError("confirm", CONFIRM_MISSING))
    em.approve_report(ctx, order_id, note=form.get("note", ""), version=_version(form))
    return _back(order_id, "approved")


@router.post("/service/emergencies/{order_id}/return", dependencies=[LEADERS, csrf_checked])
def send_back(request: Request, ctx: CtxDep, order_id: IdPath, form: FormValues) -> Response:
    """The company leader returns the report, saying why."""
    _form(request, ctx, order_id, form, "return-form")
    em.return_report(ctx, order_id, reason=form.get("reason", ""), version=_version(form))
    return _back(order_id, "returned")


@router.get("/service/emergencies/{order_id}/report.pdf", dependencies=[VIEWERS])
def report_pdf(request: Request, ctx: CtxDep, order_id: IdPath) -> Response:
    """The 突发事件处理表 as a PDF in the page's language, as it stands."""
    data = render_for(ctx, order_id, translator(request).lang)
    view = em.get_emergency(ctx.session, ctx.actor.office_id, order_id)
    name = f"emergency-{view.order.number}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
