"""Recording resident feedback from a phone."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.pages.forms import FormPage, local_datetime, present, remember_form, yuan_to_fen
from api.templating import render
from compliance.context import Ctx
from compliance.feedback import service
from compliance.feedback import views as feedback_views
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind, judged_query, shown_judgment
from compliance.permissions import Permission
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction

router = APIRouter(include_in_schema=False)
RECORDERS = require(Permission.RECORD_FEEDBACK)
FIELDS = (
    "staff_id",
    "unit_id",
    "channel",
    "category",
    "satisfaction",
    "text",
    "amount",
    "occurred_at",
)


def _form_context(ctx: Ctx) -> dict[str, Any]:
    staff, units = feedback_views.feedback_choices(ctx)
    return {
        "staff": staff,
        "units": units,
        "channels": [c.value for c in FeedbackChannel],
        "categories": [c.value for c in FeedbackCategory],
        "ratings": [r.value for r in Satisfaction],
        "recent": feedback_views.recent_feedback(ctx),
        "saved": False,
    }


def _judgment(ctx: Ctx, judged: int) -> Any:
    """What the rules concluded about the feedback just saved (a rule-less one says so above)."""
    found = shown_judgment(ctx, judged, RecordKind.FEEDBACK)
    return found if found is not None and (found.outcomes or found.error) else None


@router.get("/feedback/new", dependencies=[RECORDERS])
def new(
    request: Request,
    ctx: CtxDep,
    saved: int = 0,
    damage: int = 0,
    archived: int = 0,
    judged: int = 0,
) -> Response:
    """The feedback form, with the latest recorded feedback below it.

    After a save it says where the feedback led: the damage incident it opened for valuation,
    or that it feeds no rule and is kept on file only.
    """
    context = _form_context(ctx)
    now_local = ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")
    context.update(
        saved=bool(saved),
        damage_id=damage if saved and damage > 0 else None,
        archived=bool(saved and archived),
        values={"occurred_at": now_local, "channel": "phone"},
    )
    context["judgment"] = _judgment(ctx, judged)
    return render(request, "pages/feedback_new.html", context)


@router.post("/feedback/new", dependencies=[RECORDERS, csrf_checked])
def create(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record the feedback; on bad input the form comes back with the errors and values."""
    values = {k: form.get(k, "") for k in FIELDS}
    remember_form(
        request,
        FormPage(
            "pages/feedback_new.html",
            lambda: _form_context(ctx),
            values,
            aliases={"amount_fen": "amount"},
            session=ctx.session,
        ),
    )
    data: dict[str, Any] = present(
        values, "staff_id", "unit_id", "channel", "category", "satisfaction"
    )
    data["text"] = values["text"]
    if values["occurred_at"].strip():
        data["occurred_at"] = local_datetime(values["occurred_at"].strip(), ctx.tz)
    yuan_to_fen(values, "amount", "amount_fen", data)
    saved = service.record_feedback(ctx, data)
    judged = judge_saved(ctx, RecordKind.FEEDBACK, saved.id)
    where = f"saved=1&{judged_query(judged)}"
    if saved.damage_id is not None:
        where += f"&damage={saved.damage_id}"
    elif not saved.rules:
        where += "&archived=1"
    return RedirectResponse(f"/feedback/new?{where}", status_code=303)
