"""Staff self-service: my findings, my cases, and answering a case (statement, sign, appeal)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, IdPath, csrf_checked, require
from api.i18n import N_, translator
from api.labels import labeller
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.cases import appeal as case_appeal
from compliance.cases import notice as case_notice
from compliance.cases import read as case_read
from compliance.cases import statement as case_statement
from compliance.cases.read import DECIDED
from compliance.context import Ctx
from compliance.findings import service as findings
from compliance.names import NAMES as code_names
from compliance.permissions import Permission
from policies import registry
from policies.sanction import outcome_label

router = APIRouter(include_in_schema=False)
STAFF = require(Permission.VIEW_OWN_RECORD)
# What a finding's triage state means to the person it is about.
FINDING_STATES = code_names["finding_status"]
DONE = {
    "statement": N_("Your statement has been recorded."),
    "acknowledge": N_("You have signed for the notice."),
    "appeal": N_("Your appeal has been filed."),
}


@router.get("/me", dependencies=[STAFF])
def overview(request: Request, ctx: CtxDep) -> Response:
    """Findings and cases about the signed-in staff member (and no one else)."""
    context = {
        "findings": findings.list_mine(ctx),
        "cases": case_read.list_cases(ctx),
        "states": FINDING_STATES,
        "label": labeller(translator(request)),
    }
    return render(request, "pages/me.html", context)


def _case_context(request: Request, ctx: Ctx, case_id: int) -> dict[str, Any]:
    detail = case_read.get_case(ctx, case_id)
    t = translator(request)
    # The staff member sees the decision once it has been served on them (until then the
    # case read leaves the proposals out for them).
    decided = detail.case.status in DECIDED and detail.proposals and detail.notices
    return {
        "d": detail,
        "decision": detail.proposals[-1] if decided else None,
        "outcome_label": lambda k: outcome_label(k, t.lang),
        "policy": registry.get(detail.case.rule_code),
        "label": labeller(translator(request)),
        "done": "",
        "done_text": DONE,
    }


@router.get("/me/cases/{case_id}", dependencies=[STAFF])
def case(request: Request, case_id: IdPath, ctx: CtxDep, done: str = "") -> Response:
    """One of my cases: the rule, the findings, deadlines and what I can do now."""
    context = _case_context(request, ctx, case_id)
    context["done"] = done if done in DONE else ""
    return render(request, "pages/me_case.html", context)


def _form(request: Request, ctx: Ctx, case_id: int, values: dict[str, str], fid: str) -> None:
    page = FormPage(
        "pages/me_case.html",
        lambda: _case_context(request, ctx, case_id),
        values,
        fid,
        session=ctx.session,
    )
    remember_form(request, page)


@router.post("/me/cases/{case_id}/statement", dependencies=[STAFF, csrf_checked])
def statement(
    request: Request, case_id: IdPath, ctx: CtxDep, text: Annotated[str, Form()] = ""
) -> Response:
    """Submit my statement (申辩) before the deadline."""
    _form(request, ctx, case_id, {"text": text}, "statement")
    case_statement.submit_statement(ctx, case_id, text)
    return RedirectResponse(f"/me/cases/{case_id}?done=statement", status_code=303)


@router.post("/me/cases/{case_id}/acknowledge", dependencies=[STAFF, csrf_checked])
def acknowledge(request: Request, case_id: IdPath, ctx: CtxDep) -> Response:
    """Sign for the decision notice."""
    _form(request, ctx, case_id, {}, "acknowledge")
    case_notice.acknowledge(ctx, case_id)
    return RedirectResponse(f"/me/cases/{case_id}?done=acknowledge", status_code=303)


@router.post("/me/cases/{case_id}/appeal", dependencies=[STAFF, csrf_checked])
def appeal(
    request: Request, case_id: IdPath, ctx: CtxDep, grounds: Annotated[str, Form()] = ""
) -> Response:
    """Appeal the decision while the window is open."""
    _form(request, ctx, case_id, {"grounds": grounds}, "appeal")
    case_appeal.appeal(ctx, case_id, grounds)
    return RedirectResponse(f"/me/cases/{case_id}?done=appeal", status_code=303)
