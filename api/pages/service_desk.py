"""The front desk on the web, phone first: a call or a visit becomes a work order in one short
form; the order list and the order page with the step due now; the executor's phone view
(accept, arrive with a check-in, wait on the resident, done with a photo, give back).

The steps are compliance.service.orders' use cases; these routes parse the forms, keep what
was typed when a step is refused, and send the user on (POST -> 303).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, IdQuery, TranslatorDep, csrf_checked, require
from api.i18n import N_
from api.pages.forms import ChosenFile, FormPage, chosen_files, remember_form
from api.read_models import service_orders as view
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, NotFound, ValidationFailed
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.i18n import DEFAULT_LANG, gettext
from compliance.permissions import Permission
from compliance.residents.search import find_unit, units_in_order
from compliance.residents.search import label as unit_label
from compliance.service import calls, emergency, orders
from compliance.service.models import (
    Channel,
    ComplaintClass,
    HopRole,
    OrderKind,
    OrderState,
    Severity,
)
from compliance.service.schemas import CallIn, OrderIn
from compliance.usecase import transaction
from compliance.validation import parse

router = APIRouter(include_in_schema=False)
Chosen = Annotated[list[ChosenFile], Depends(chosen_files)]
RECEIVERS = require(Permission.RECEIVE_SERVICE)
VIEWERS = require(Permission.VIEW_SERVICE)
DISPATCHERS = require(Permission.DISPATCH_SERVICE)
REPLIERS = require(Permission.REPLY_SERVICE)
EXECUTORS = require(Permission.WORK_SERVICE_ORDER)

KINDS = [k.value for k in OrderKind]
STATES = [s.value for s in OrderState]
CHANNELS = [c.value for c in Channel]
SEVERITIES = [s.value for s in Severity]
CLASSES = [c.value for c in ComplaintClass if c.value]
HOW = ("phone", "in_person", "written")

NOTE_REQUIRED = N_("write what was said or done")
REASON_REQUIRED = N_("give the reason")
STAFF_REQUIRED = N_("choose a staff member")
CONFIRM_MISSING = N_("this step cannot be undone: tick the box to confirm it")
PHOTO_REQUIRED = N_("take a photo of the work done")
NOT_THIS_UNIT = N_("this is not the order's unit: scan the QR code by its door")
SCAN_REQUIRED = N_(
    "scan the QR code by the unit's door: a typed unit is only for an order the resident "
    "reported in person at the front desk"
)
HOLDS_ALREADY = N_("%(name)s already holds this service order")
LANG_KEY = "_lang"  # the reader's language, passed to a step with the form's values
KIND_REQUIRED = N_("choose what the resident asks for")
RINGS_NUMBER = N_("the number of rings, e.g. 2")
RINGS_REQUIRED = N_("say after how many rings the call was answered")
DATE_REQUIRED = N_("give the date, e.g. 2026-04-03")
DESCRIPTION_REQUIRED = N_("say what the resident asks for")
# Reasons the services give on these forms, listed for translation.
REASONS = (
    N_("is empty"),
    N_("not an image (JPEG, PNG or WebP expected)"),
    N_("not an image (the image data is damaged)"),
    N_("image has too many pixels"),
)


# --- the front desk ------------------------------------------------------------------------


def _desk_context(ctx: Ctx, lang: str) -> dict[str, Any]:
    return {
        "desk": view.desk_view(ctx, lang),
        "units": units_in_order(ctx),
        "unit_label": unit_label,
        "kinds": KINDS,
        "channels": CHANNELS,
        "severities": SEVERITIES,
        "classes": CLASSES,
        "label": view.labeller(lang),
        "on_file": [],
    }


WAIT_NOTE = N_("write how the resident was contacted and what was agreed")
DESK_DEFAULTS = {"channel": Channel.PHONE.value, "severity": Severity.NORMAL.value}


@router.get("/service/desk", dependencies=[RECEIVERS])
def desk(request: Request, ctx: CtxDep, t: TranslatorDep, kind: str = "") -> Response:
    """The front desk: one short form for a call or a visit, today's open orders and the
    clocks close to due."""
    values = dict(DESK_DEFAULTS)
    if kind in KINDS:
        values["kind"] = kind
    context = {**_desk_context(ctx, t.lang), "values": values}
    return render(request, "pages/service/desk.html", context)


def _int(values: dict[str, str], name: str, reason: str, errors: list[FieldError]) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 6:
        errors.append(FieldError(name, reason))
        return None
    return int(text)


def _unit_of(ctx: Ctx, values: dict[str, str], errors: list[FieldError]) -> int | None:
    typed = values.get("unit", "").strip()
    if not typed:
        return None
    try:
        return find_unit(ctx, typed).id
    except ValidationFailed as exc:
        errors += exc.errors
        return None


def _order_in(ctx: Ctx, values: dict[str, str]) -> dict[str, Any]:
    """The desk form as the service's input; the form's own errors raised together."""
    errors: list[FieldError] = []
    kind = values.get("kind", "")
    if kind not in KINDS:
        errors.append(FieldError("kind", KIND_REQUIRED))
    unit_id = _unit_of(ctx, values, errors)
    channel = values.get("channel", "") or Channel.PHONE.value
    if channel not in CHANNELS:
        errors.append(FieldError("channel", N_("choose how the request came in")))
    rings = _int(values, "rings", RINGS_NUMBER, errors)
    if channel == Channel.PHONE and rings is None and not values.get("rings", "").strip():
        errors.append(FieldError("rings", RINGS_REQUIRED))
    severity = values.get("severity", "") or Severity.NORMAL.value
    if severity not in SEVERITIES:
        errors.append(FieldError("severity", N_("choose how serious it is")))
    complaint_class = values.get("complaint_class", "") if kind == "complaint" else ""
    if kind == "complaint" and complaint_class not in CLASSES:
        errors.append(FieldError("complaint_class", N_("choose what the complaint is about")))
    description = values.get("description", "").strip()
    if not description:
        errors.append(FieldError("description", DESCRIPTION_REQUIRED))
    household = values.get("household", "").strip()
    phone = values.get("contact_phone", "").strip()
    if unit_id is not None and not household:
        found = view.households(ctx, unit_id)
        if found:
            household = found[0].name
            if not phone and not found[0].masked:
                phone = found[0].phone
    if errors:
        raise ValidationFailed(errors)
    data: dict[str, Any] = {
        "kind": kind,
        "channel": channel,
        "severity": severity,
        "complaint_class": complaint_class,
        "unit_id": unit_id,
        "household": household,
        "contact_phone": phone,
        "location": values.get("location", "").strip(),
        "description": description,
    }
    if channel == Channel.PHONE:
        data["call"] = {
            "called_at": ctx.now(),
            "rings": rings,
            "caller_phone": phone,
            "unit_id": unit_id,
            "purpose": description[:500],
            "answered_by_staff_id": ctx.actor.staff_id,
        }
    return data


@router.post("/service/desk", dependencies=[RECEIVERS, csrf_checked])
def receive(request: Request, ctx: CtxDep, form: FormValues, t: TranslatorDep) -> Response:
    """Open the work order (with the call it came on); then its page, dispatch ready. "Look
    up" (a second button) shows the unit's residents on file and keeps the form."""
    page = FormPage(
        "pages/service/desk.html",
        lambda: _desk_context(ctx, t.lang),
        form,
        aliases={"unit_id": "unit", "call.rings": "rings", "call": "rings"},
        session=ctx.session,
    )
    remember_form(request, page)
    if form.get("lookup"):
        errors: list[FieldError] = []
        unit_id = _unit_of(ctx, form, errors)
        if errors:
            raise ValidationFailed(errors)
        context = {**_desk_context(ctx, t.lang), "values": dict(form)}
        if unit_id is not None:
            context["on_file"] = view.households(ctx, unit_id)
            if context["on_file"] and not form.get("household", "").strip():
                first = context["on_file"][0]
                context["values"]["household"] = first.name
                if not first.masked and not form.get("contact_phone", "").strip():
                    context["values"]["contact_phone"] = first.phone
        return render(request, "pages/service/desk.html", context)
    order = orders.receive(ctx, parse(OrderIn, _order_in(ctx, form)))
    return RedirectResponse(f"/service/orders/{order.id}?done=receive", status_code=303)


# --- the order list ------------------------------------------------------------------------


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@router.get("/service/orders", dependencies=[VIEWERS])
def order_list(
    request: Request,
    ctx: CtxDep,
    t: TranslatorDep,
    state: str = "",
    kind: str = "",
    staff: IdQuery = None,
    page: int = 1,
) -> Response:
    """The office's work orders, newest first, filtered by state, kind, staff and day."""
    q = request.query_params
    filters = view.Filters(
        state=state if state in [*STATES, "open"] else "",
        kind=kind if kind in KINDS else "",
        staff_id=staff,
        day_from=_day(q.get("from", "")),
        day_to=_day(q.get("to", "")),
    )
    listing = view.list_orders(ctx, filters, page=max(1, min(page, 100_000)))
    return render(
        request,
        "pages/service/orders.html",
        {
            "listing": listing,
            "filters": filters,
            "query": filters.query(),
            "states": STATES,
            "kinds": KINDS,
            "staff": view.staff_choices(ctx),
            "label": view.labeller(t.lang),
        },
    )


# --- one order ---------------------------------------------------------------------------


class OrderForm(FormPage):
    """The order page again after a refused step, as the order is now, with the status."""

    def render(
        self, request: Request, status: int, errors: list[FieldError], message: str
    ) -> Response:
        """The page with the step's errors and what was typed (409: a reload hint)."""
        self.context = {**self.page_context(), "status": status}
        return super().render(request, status, errors, message)


def _order_context(ctx: Ctx, order_id: int, lang: str) -> dict[str, Any]:
    d = view.order_detail(ctx, order_id, lang)
    return {
        "d": d,
        "o": d.order,
        "steps": view.desk_steps(ctx, d),
        "staff_options": [(str(s.id), f"{s.label} · {s.team}") for s in view.staff_choices(ctx)],
        "label": view.labeller(lang),
        "how": HOW,
        "status": 200,
        "done": "",
    }


@router.get("/service/orders/{order_id}", dependencies=[VIEWERS])
def order_page(
    request: Request, order_id: IdPath, ctx: CtxDep, t: TranslatorDep, done: str = ""
) -> Response:
    """The order: facts, progress, the step due now, timeline, hops and clocks."""
    context = _order_context(ctx, order_id, t.lang)
    context["done"] = done if done in (*view.DESK_STEPS, "receive") else ""
    return render(request, "pages/service/order.html", context)


@router.get("/service/orders/{order_id}/photos/{file_id}", dependencies=[VIEWERS])
def order_photo(order_id: IdPath, file_id: IdPath, ctx: CtxDep) -> Response:
    """A photo on this order's timeline (the work done), to those who see the order."""
    if not view.photo_of_order(ctx, order_id, file_id):
        raise NotFound(N_("photo %(id)s not found"), id=file_id)
    row = files.get_file(ctx, file_id)
    return Response(
        files.open_file(ctx, file_id),
        media_type=row.content_type,
        headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
    )


def _version(values: dict[str, str]) -> int:
    text = values.get("version", "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _staff_id(values: dict[str, str], errors: list[FieldError]) -> int:
    text = values.get("staff", "").strip()
    if not text.isdigit() or len(text) > 9:
        errors.append(FieldError("staff", STAFF_REQUIRED))
        return 0
    return int(text)


def _required(values: dict[str, str], name: str, reason: str, errors: list[FieldError]) -> str:
    text = values.get(name, "").strip()
    if not text:
        errors.append(FieldError(name, reason))
    return text


def _call_with(ctx: Ctx, order_id: int, values: dict[str, str], note: str) -> int | None:
    """The call a contact by phone was made on, logged now (an outgoing call)."""
    if values.get("how", "") != "phone":
        return None
    order = view.order_row(ctx, order_id)
    call = calls.record_call(
        ctx,
        parse(
            CallIn,
            {
                "called_at": ctx.now(),
                "direction": "out",
                "caller_phone": order.contact_phone,
                "unit_id": order.unit_id,
                "purpose": note[:500],
                "order_id": order_id,
                "answered_by_staff_id": ctx.actor.staff_id,
            },
        ),
    )
    return call.id


def _talk(step: str) -> Callable[[Ctx, int, dict[str, str]], None]:
    """reply / contact / follow_up: a note, how it was done, and the call if by phone."""
    runs: dict[str, Callable[..., Any]] = {
        "reply": orders.reply,
        "contact": orders.contact,
        "follow_up": orders.follow_up,
    }
    run = runs[step]

    def take(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
        errors: list[FieldError] = []
        note = _required(v, "note", NOTE_REQUIRED, errors)
        if v.get("how", "") not in HOW:
            errors.append(FieldError("how", N_("choose how the resident was reached")))
        if errors:
            raise ValidationFailed(errors)
        with transaction(ctx.session):
            call_id = _call_with(ctx, order_id, v, note)
            run(ctx, order_id, note=note, method=v["how"], call_id=call_id, version=_version(v))

    return take


def _assign(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
    errors: list[FieldError] = []
    staff_id = _staff_id(v, errors)
    if errors:
        raise ValidationFailed(errors)
    orders.assign_manager(ctx, order_id, staff_id, version=_version(v))


def _dispatch(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
    errors: list[FieldError] = []
    staff_id = _staff_id(v, errors)
    if errors:
        raise ValidationFailed(errors)
    role = HopRole.DUTY if v.get("role") == HopRole.DUTY else HopRole.EXECUTOR
    orders.dispatch(ctx, order_id, staff_id, role=role.value, version=_version(v))


def _transfer(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
    errors: list[FieldError] = []
    staff_id = _staff_id(v, errors)
    reason = _required(v, "reason", REASON_REQUIRED, errors)
    if errors:
        raise ValidationFailed(errors)
    roles = {r.value for r in HopRole}
    role = v.get("role", "") if v.get("role", "") in roles else HopRole.EXECUTOR.value
    order = view.order_row(ctx, order_id)
    manager = role == HopRole.MANAGER.value
    held_by = order.manager_staff_id if manager else order.executor_staff_id
    if held_by is not None and held_by == staff_id:
        # Say who: the service's "already holds" names nobody.
        name = (order.manager_name if manager else order.executor_name) or ""
        text = gettext(v.get(LANG_KEY) or DEFAULT_LANG, HOLDS_ALREADY) % {"name": name}
        raise ValidationFailed.one("staff", text)
    orders.transfer(ctx, order_id, staff_id, role=role, reason=reason, version=_version(v))


def _rectify(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
    errors: list[FieldError] = []
    deadline = _day(v.get("deadline", ""))
    if deadline is None:
        errors.append(FieldError("deadline", DATE_REQUIRED))
    penalty = _required(v, "penalty", N_("write the penalty decided"), errors)
    if errors or deadline is None:
        raise ValidationFailed(errors)
    orders.rectify(ctx, order_id, deadline=deadline, penalty=penalty, version=_version(v))


def _wait(ctx: Ctx, order_id: int, v: dict[str, str], *_: Any) -> None:
    errors: list[FieldError] = []
    note = _required(v, "note", WAIT_NOTE, errors)
    if errors:
        raise ValidationFailed(errors)
    orders.wait_resident(ctx, order_id, note=note, version=_version(v))


def _resume(ctx: Ctx, order_id: int, v: dict[str, str], *_: Any) -> None:
    orders.resume(ctx, order_id, version=_version(v))


def _close(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
    orders.close(ctx, order_id, version=_version(v))


def _with_reason(run: Callable[..., Any], confirm: bool = False) -> Callable[..., None]:
    def take(ctx: Ctx, order_id: int, v: dict[str, str]) -> None:
        errors: list[FieldError] = []
        reason = _required(v, "reason", REASON_REQUIRED, errors)
        if confirm and v.get("confirm") != "1":
            errors.append(FieldError("confirm", CONFIRM_MISSING))
        if errors:
            raise ValidationFailed(errors)
        run(ctx, order_id, reason=reason, version=_version(v))

    return take


@dataclass(frozen=True)
class Step:
    """One step form of the order page: its fields and what it runs."""

    action: str
    fields: tuple[str, ...]
    permission: Permission
    run: Callable[[Ctx, int, dict[str, str]], None]


DESK_STEPS = (
    Step("assign_manager", ("staff",), Permission.DISPATCH_SERVICE, _assign),
    Step("dispatch", ("staff", "role"), Permission.DISPATCH_SERVICE, _dispatch),
    Step("transfer", ("staff", "role", "reason"), Permission.DISPATCH_SERVICE, _transfer),
    Step("reply", ("note", "how"), Permission.REPLY_SERVICE, _talk("reply")),
    Step("contact", ("note", "how"), Permission.REPLY_SERVICE, _talk("contact")),
    Step("follow_up", ("note", "how"), Permission.REPLY_SERVICE, _talk("follow_up")),
    Step("rectify", ("deadline", "penalty"), Permission.DISPATCH_SERVICE, _rectify),
    Step("wait_resident", ("note",), Permission.DISPATCH_SERVICE, _wait),
    Step("resume", (), Permission.DISPATCH_SERVICE, _resume),
    Step("close", (), Permission.DISPATCH_SERVICE, _close),
    Step("reopen", ("reason",), Permission.DISPATCH_SERVICE, _with_reason(orders.reopen)),
    Step(
        "cancel",
        ("reason", "confirm"),
        Permission.DISPATCH_SERVICE,
        _with_reason(orders.cancel, confirm=True),
    ),
)
assert tuple(s.action for s in DESK_STEPS) == view.DESK_STEPS


def _register_desk(step: Step) -> None:
    def take(
        request: Request, order_id: IdPath, ctx: CtxDep, form: FormValues, t: TranslatorDep
    ) -> Response:
        view.order_row(ctx, order_id)  # of the office, else 404 before anything else
        values = {k: form.get(k, "") for k in (*step.fields, "version")}
        remember_form(
            request,
            OrderForm(
                "pages/service/order.html",
                lambda: _order_context(ctx, order_id, t.lang),
                values,
                step.action,
                aliases={"staff_id": "staff", "call_id": "how", "method": "how"},
                session=ctx.session,
            ),
        )
        step.run(ctx, order_id, {**values, LANG_KEY: t.lang})
        return RedirectResponse(f"/service/orders/{order_id}?done={step.action}", status_code=303)

    take.__doc__ = f"Work-order step: {step.action}, then back to the order page."
    router.add_api_route(
        f"/service/orders/{{order_id}}/{step.action}",
        take,
        methods=["POST"],
        dependencies=[require(step.permission), csrf_checked],
        name=f"service_order_{step.action}",
    )


for _step in DESK_STEPS:
    _register_desk(_step)


# --- the executor's phone view -------------------------------------------------------------


def _my_context(ctx: Ctx, lang: str, scanned: int | None = None) -> dict[str, Any]:
    mine = view.my_open_orders(ctx)
    # Emergencies first: their next step is on the duty page, not the unit's QR code.
    mine.sort(key=lambda o: o.kind != OrderKind.EMERGENCY)
    duty_open = (
        set(emergency.open_duty_orders(ctx.session, ctx.actor.office_id, ctx.actor.staff_id))
        if ctx.actor.staff_id is not None
        else set()
    )
    units = units_in_order(ctx)
    scanned_label = next((unit_label(u) for u in units if u.id == scanned), "") if scanned else ""
    return {
        "mine": mine,
        "duty_open": duty_open,
        "scanned_label": scanned_label,
        "at_unit": any(o.unit_id == scanned for o in mine) if scanned else False,
        "steps": {o.id: view.executor_steps(ctx, o.state) for o in mine},
        "units": units,
        "unit_label": unit_label,
        "label": view.labeller(lang),
        "needs_photo": {o.id for o in mine if o.kind in view.KINDS_NEEDING_PHOTO},
        "at_unit_ids": {o.id for o in mine if scanned and o.unit_id == scanned},
        "scanned": scanned,
        "status": 200,
        "done": "",
    }


@router.get("/service/my", dependencies=[EXECUTORS])
def my_orders(request: Request, ctx: CtxDep, t: TranslatorDep, done: str = "") -> Response:
    """The executor's open orders, each with its next step as a big button."""
    context = _my_context(ctx, t.lang)
    context["done"] = done if done in view.MY_STEPS else ""
    return render(request, "pages/service/my.html", context)


@router.get("/service/my/checkin", dependencies=[EXECUTORS])
def checkin(request: Request, ctx: CtxDep, t: TranslatorDep, unit: IdQuery = None) -> Response:
    """Where a scanned unit QR code leads the executor: their orders at that unit, the
    arrival ready to record (method "qr", the server's time)."""
    context = _my_context(ctx, t.lang, scanned=unit)
    return render(request, "pages/service/my.html", context)


def _arrive(ctx: Ctx, order_id: int, v: dict[str, str], *_: Any) -> None:
    """The check-in: the unit's id from its scanned QR code (method "qr"); a typed unit only
    for an order received at the counter. The server's time is the arrival's."""
    order = view.order_row(ctx, order_id)
    scanned = v.get("unit_id", "").strip()
    if scanned.isdigit() and len(scanned) < 10:
        if order.unit_id != int(scanned):
            raise ValidationFailed.one("unit", NOT_THIS_UNIT)
        orders.arrive(ctx, order_id, method="qr", ref=f"unit:{scanned}", version=_version(v))
        return
    if order.channel != Channel.COUNTER:
        raise ValidationFailed.one("unit", SCAN_REQUIRED)
    errors: list[FieldError] = []
    unit_id = _unit_of(ctx, v, errors)
    if errors:
        raise ValidationFailed(errors)
    if order.unit_id is not None and unit_id != order.unit_id:
        raise ValidationFailed.one("unit", NOT_THIS_UNIT)
    ref = v.get("unit", "").strip()
    orders.arrive(ctx, order_id, method="counter", ref=ref, version=_version(v))


def _handle(ctx: Ctx, order_id: int, v: dict[str, str], chosen: list[Any]) -> None:
    """Done: the note, and the photo of the work (required for repairs and housekeeping),
    stored with the step in one transaction (the file is removed if the step is refused)."""
    order = view.order_row(ctx, order_id)
    errors: list[FieldError] = []
    note = v.get("note", "").strip()
    no_access = v.get("no_access") == "1"
    picture = next((f for f in chosen if f.field == "photo"), None)
    image = None
    if picture is not None:
        try:
            image = files.clean_attachment(ctx, picture.data, picture.name)
        except ValidationFailed as exc:
            errors += [FieldError("photo", e.reason) for e in exc.errors]
        if image is not None and image.fmt == "PDF":
            errors.append(FieldError("photo", REASONS[1]))
    elif order.kind in view.KINDS_NEEDING_PHOTO and not no_access:
        errors.append(FieldError("photo", PHOTO_REQUIRED))
    if no_access and not note:
        errors.append(FieldError("note", N_("say why the work could not be done")))
    if errors:
        raise ValidationFailed(errors)
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):
            if image is not None and image.fmt != "PDF":
                stored.append(files.save_clean(ctx, image))
            orders.handle(
                ctx,
                order_id,
                note=note,
                photo_file_id=stored[0].id if stored else None,
                no_access=no_access,
                version=_version(v),
            )
    except BaseException:
        files.discard(ctx, stored)
        raise


@dataclass(frozen=True)
class MyStep:
    """One step of the executor's phone view."""

    action: str
    fields: tuple[str, ...]
    run: Callable[[Ctx, int, dict[str, str], list[Any]], object]


MY_STEPS = (
    MyStep("accept", (), lambda c, i, v, f: orders.accept(c, i, version=_version(v))),
    MyStep("arrive", ("unit", "unit_id"), _arrive),
    MyStep("wait_resident", ("note",), _wait),
    MyStep("resume", (), _resume),
    MyStep("handle", ("note", "no_access"), _handle),
    MyStep("return", ("reason",), lambda c, i, v, f: _with_reason(orders.give_back)(c, i, v)),
)


def _register_mine(step: MyStep) -> None:
    def take(
        request: Request,
        order_id: IdPath,
        ctx: CtxDep,
        form: FormValues,
        chosen: Chosen,
        t: TranslatorDep,
    ) -> Response:
        view.order_row(ctx, order_id)  # one they held, of the office, else 404
        values = {k: form.get(k, "") for k in (*step.fields, "version")}
        remember_form(
            request,
            OrderForm(
                "pages/service/my.html",
                lambda: _my_context(ctx, t.lang),
                values,
                f"{step.action}-{order_id}",
                aliases={"photo_file_id": "photo", "method": "unit", "ref": "unit"},
                session=ctx.session,
            ),
        )
        step.run(ctx, order_id, values, chosen)
        return RedirectResponse(f"/service/my?done={step.action}", status_code=303)

    take.__doc__ = f"The executor's step: {step.action}, then back to their orders."
    router.add_api_route(
        f"/service/my/{{order_id}}/{step.action}",
        take,
        methods=["POST"],
        dependencies=[EXECUTORS, csrf_checked],
        name=f"service_my_{step.action}",
    )


for _mine in MY_STEPS:
    _register_mine(_mine)


__all__ = ["router"]
