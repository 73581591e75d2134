"""Return visits (回访) and lobby notices (大堂公告) on the web: the month's visits with their
ratings in words, a phone-first entry form (the unit typed as people say it, the unit's recent
work orders to pick from), and the notices that majority issues opened, to post with a photo."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_
from api.pages.forms import FormPage, chosen_files, local_datetime, remember_form
from api.pages.periods import BAD_MONTH, choices, local_input
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.permissions import Permission
from compliance.residents.search import find_unit, label, matching, units_in_order
from compliance.service import lobby
from compliance.service import return_visits as rv

router = APIRouter(include_in_schema=False)
READERS = require(Permission.VIEW_SERVICE)
VISITORS = require(Permission.RECORD_RETURN_VISIT)
POSTERS = require(Permission.POST_LOBBY_NOTICE)
RATING_REQUIRED = N_("choose how satisfied the household is, or no valid answer")
# Reasons the services give for these forms' fields, listed for translation.
REASONS = (
    N_("Input should be 'phone' or 'in_person'"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
)


@dataclass
class VisitQuery:
    """The list's filters as typed: month, unit, visitor, rating, topic, method, page."""

    month: str = ""
    unit: str = ""
    visitor: str = ""
    rating: str = ""
    topic: str = ""
    method: str = ""
    page: int = 1


VisitParams = Annotated[VisitQuery, Depends()]


def _filters(ctx: Ctx, q: VisitQuery) -> tuple[rv.VisitFilters, dict[str, str], dict[str, Any]]:
    """The filters to apply, the values to show, and an error next to a bad one."""
    values = {k: str(getattr(q, k)).strip() for k in ("month", "unit", "visitor", "rating")}
    values |= {"topic": q.topic.strip(), "method": q.method.strip()}
    if not values["month"]:
        values["month"] = ctx.now().astimezone(ctx.tz).strftime("%Y-%m")
    errors: dict[str, list[str]] = {}
    start = end = None
    try:
        start = date.fromisoformat(values["month"] + "-01")
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    except ValueError:
        errors["month"] = [BAD_MONTH]
    unit_id = None
    if values["unit"]:
        found = matching(units_in_order(ctx), values["unit"])
        if len(found) == 1:
            unit_id = found[0].id
        else:
            errors["unit"] = [N_("no unit with this building and room")]
            unit_id = -1
    f = rv.VisitFilters(
        start=start,
        end=end,
        unit_id=unit_id,
        visitor_staff_id=int(values["visitor"]) if values["visitor"].isdigit() else None,
        rating=values["rating"],
        topic=values["topic"],
        method=values["method"],
    )
    return f, values, errors


@router.get("/service/return-visits", dependencies=[READERS])
def visit_list(request: Request, ctx: CtxDep, q: VisitParams, saved: str = "") -> Response:
    """The month's return visits, newest first, with how many households and how satisfied."""
    f, values, errors = _filters(ctx, q)
    listing, summary = rv.list_visits(ctx, f, q.page)
    context = {
        **choices(ctx, units=True),
        "f": values,
        "filter_errors": errors,
        "listing": listing,
        "summary": summary,
        "orders": rv.order_numbers(ctx, [v.order_id for v in listing.rows if v.order_id]),
        "topics": rv.office_topics(ctx),
        "saved": saved,
        **_words(),
    }
    return render(request, "pages/service_visits.html", context)


def _words() -> dict[str, Any]:
    return {
        "rating_word": rv.rating_word,
        "ratings": rv.RATINGS,
        "methods": rv.METHODS,
        "no_answer": rv.NO_ANSWER,
    }


def _form_context(ctx: Ctx, typed_unit: str) -> dict[str, Any]:
    units = units_in_order(ctx)
    found = matching(units, typed_unit) if typed_unit.strip() else []
    chosen = found[0] if len(found) == 1 else None
    return {
        **choices(ctx),
        "units": units,
        "unit_label": label,
        "chosen_unit": chosen,
        "orders": rv.recent_orders(ctx, chosen.id) if chosen else [],
        "topics": rv.office_topics(ctx),
        **_words(),
    }


# What a link may carry to the visit form (an order's page links with its order).
LINKED = ("unit", "order_id")
# What the form posts back when "list its work orders" is pressed.
TYPED = (
    "unit", "order_id", "method", "log_call", "rating", "topic", "comments",
    "visitor_staff_id", "visited_at",
)  # fmt: skip


def _form(request: Request, ctx: Ctx, given: dict[str, str]) -> Response:
    values = dict(given)
    values.setdefault("visited_at", local_input(ctx.now(), ctx.tz))
    values.setdefault("method", "phone")
    values.setdefault("log_call", "1")
    if ctx.actor.staff_id is not None:
        values.setdefault("visitor_staff_id", str(ctx.actor.staff_id))
    order = values.get("order_id", "")
    if order.isdigit() and not values.get("unit"):
        unit_id = rv.get_order_unit(ctx, int(order))
        if unit_id is not None:
            values["unit"] = next(label(u) for u in units_in_order(ctx) if u.id == unit_id)
    context = _form_context(ctx, values.get("unit", ""))
    return render(request, "pages/service_visit_form.html", {**context, "values": values})


@router.get("/service/return-visits/new", dependencies=[VISITORS])
def visit_new(request: Request, ctx: CtxDep) -> Response:
    """The visit form; a link may name the unit or the work order to fill in."""
    q = request.query_params
    return _form(request, ctx, {k: q[k] for k in LINKED if k in q})


@router.post("/service/return-visits/new/orders", dependencies=[VISITORS, csrf_checked])
def visit_orders(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """ "List its work orders": the form again with the unit's orders, everything typed so far
    kept (a POST, so that nothing typed — nor the form's token — lands in a URL or a log)."""
    given = {k: form[k] for k in TYPED if k in form}
    if "log_call" not in form:
        given["log_call"] = ""
    return _form(request, ctx, given)


def _visit_data(ctx: Ctx, form: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """The service's input from the form, and the form's own errors."""
    errors: list[FieldError] = []
    data: dict[str, Any] = {
        "method": form.get("method", ""),
        "visitor_staff_id": form.get("visitor_staff_id", "") or None,
        "visited_at": local_datetime(form.get("visited_at", "").strip(), ctx.tz),
        "comments": form.get("comments", ""),
        "topic": form.get("topic", ""),
        "order_id": form.get("order_id", "") or None,
        "log_call": bool(form.get("log_call")) and form.get("method") == "phone",
    }
    rating = form.get("rating", "").strip()
    if not rating:
        errors.append(FieldError("rating", RATING_REQUIRED))
    data["rating"] = None if rating in ("", "none") else rating
    try:
        data["unit_id"] = find_unit(ctx, form.get("unit", "")).id
    except ValidationFailed as exc:
        errors += exc.errors
        data["unit_id"] = None
    return data, errors


@router.post("/service/return-visits/new", dependencies=[VISITORS, csrf_checked])
def visit_create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record the visit; on an error the form comes back as typed."""
    page = FormPage(
        "pages/service_visit_form.html",
        lambda: _form_context(ctx, form.get("unit", "")),
        form,
        aliases={"unit_id": "unit", "call_id": "method"},
        session=ctx.session,
    )
    remember_form(request, page)
    data, errors = _visit_data(ctx, form)
    if errors:
        raise ValidationFailed(errors)
    row = rv.record_visit(ctx, data)
    return RedirectResponse(f"/service/return-visits?saved={row.id}", status_code=303)


# --- lobby notices --------------------------------------------------------------------------


def _notices_context(ctx: Ctx) -> dict[str, Any]:
    return {
        **choices(ctx),
        "open": lobby.open_notices(ctx),
        "posted": lobby.posted_notices(ctx),
        "min_households": lobby.MIN_HOUSEHOLDS,
    }


@router.get("/service/lobby-notices", dependencies=[READERS])
def notices(request: Request, ctx: CtxDep, posted: str = "") -> Response:
    """Notices to post (days left, red when overdue), each with its post form; those posted."""
    context = {**_notices_context(ctx), "values": {}, "done": posted}
    return render(request, "pages/lobby_notices.html", context)


async def _photo(request: Request) -> tuple[bytes, str]:
    files = [f for f in await chosen_files(request) if f.field == "photo"]
    return (files[0].data, files[0].name) if files else (b"", "")


Photo = Annotated[tuple[bytes, str], Depends(_photo)]


@router.post("/service/lobby-notices/{notice_id}/post", dependencies=[POSTERS, csrf_checked])
def post(
    request: Request, ctx: CtxDep, notice_id: IdPath, form: FormValues, photo: Photo
) -> Response:
    """Record the notice as posted, with its text and the photo of it on the board."""
    remember_form(
        request,
        FormPage(
            "pages/lobby_notices.html",
            lambda: {**_notices_context(ctx), "done": ""},
            form,
            form_id=f"notice-{notice_id}",
            session=ctx.session,
        ),
    )
    at = form.get("posted_at", "").strip()
    posted_at = local_datetime(at, ctx.tz) if at else None
    if isinstance(posted_at, str):
        raise ValidationFailed.one("posted_at", N_("not a date and time (e.g. 2026-03-30 08:00)"))
    lobby.post_notice(
        ctx,
        notice_id,
        text=form.get("text", ""),
        photo=photo[0],
        photo_name=photo[1],
        posted_at=posted_at,
    )
    return RedirectResponse(f"/service/lobby-notices?posted={notice_id}", status_code=303)
