"""The triage queue: open findings, confirm or dismiss with a reason."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, IdPath, IdQuery, csrf_checked, require
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.findings import service
from compliance.flows import open_case
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
TRIAGE = require(Permission.TRIAGE_FINDINGS)
DONE = {"confirmed", "dismissed"}


def _queue(ctx: Ctx) -> dict[str, Any]:
    return {
        "findings": service.triage_queue(ctx, status="open"),
        "done": "",
        "done_id": "",
    }


@router.get("/findings", dependencies=[TRIAGE])
def queue(request: Request, ctx: CtxDep, done: str = "", id: IdQuery = None) -> Response:
    """Open findings of the office, newest first."""
    context = _queue(ctx)
    if done in DONE and id is not None:
        context.update(done=done, done_id=id)
    return render(request, "pages/findings.html", context)


@router.post("/findings/{finding_id}/confirm", dependencies=[TRIAGE, csrf_checked])
def confirm(
    request: Request, finding_id: IdPath, ctx: CtxDep, reason: Annotated[str, Form()] = ""
) -> Response:
    """Confirm a finding, then back to the queue."""
    remember_form(
        request,
        FormPage(
            "pages/findings.html",
            lambda: _queue(ctx),
            {"reason": reason},
            f"confirm-{finding_id}",
            session=ctx.session,
        ),
    )
    # Confirming opens a case, or joins the open one for the same staff member and rule.
    open_case.confirm_into_case(ctx, finding_id, reason)
    return RedirectResponse(f"/findings?done=confirmed&id={finding_id}", status_code=303)


@router.post("/findings/{finding_id}/dismiss", dependencies=[TRIAGE, csrf_checked])
def dismiss(
    request: Request, finding_id: IdPath, ctx: CtxDep, reason: Annotated[str, Form()] = ""
) -> Response:
    """Dismiss a finding with a reason, then back to the queue."""
    remember_form(
        request,
        FormPage(
            "pages/findings.html",
            lambda: _queue(ctx),
            {"reason": reason},
            f"dismiss-{finding_id}",
            session=ctx.session,
        ),
    )
    service.dismiss(ctx, finding_id, {"reason": reason})
    return RedirectResponse(f"/findings?done=dismissed&id={finding_id}", status_code=303)
