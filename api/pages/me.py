"""Staff self-service: my findings, my cases, and answering a case (statement, sign, appeal)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, IdPath, csrf_checked, require
from api.i18n import N_, Translator, translator
from api.labels import labeller
from api.pages.forms import FormPage, chosen_files, remember_form
from api.read_models import my_case
from api.templating import render
from compliance.cases import appeal as case_appeal
from compliance.cases import notice as case_notice
from compliance.cases import read as case_read
from compliance.cases import statement as case_statement
from compliance.cases.attachments import MAX_FILES, Upload
from compliance.cases.read import DECIDED
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
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
# Reasons a handed-in file is refused, listed for translation.
REASONS = (
    N_("is empty"),
    N_("not a photo or PDF (JPEG, PNG, WebP or PDF expected)"),
    N_("not an image (the image data is damaged)"),
    N_("image has too many pixels"),
    N_("not a PDF (the document is incomplete)"),
    N_("too many files"),
)
MIB = 1024 * 1024


async def uploaded_files(request: Request) -> list[Upload]:
    """The files of the form's `files` field."""
    return [(f.data, f.name) for f in await chosen_files(request) if f.field == "files"]


Files = Annotated[list[Upload], Depends(uploaded_files)]


def _name_file(error: FieldError, uploads: list[Upload], t: Translator, limit: int) -> FieldError:
    """Say which file was refused and why, in the reader's language (the domain counts
    uploads from 0 as files.N)."""
    head, _, index = error.field.partition(".")
    if head != "files" or not index.isdigit() or int(index) >= len(uploads):
        return error
    name = uploads[int(index)][1] or t("file %(n)s", n=int(index) + 1)
    if error.reason.startswith("is larger than the limit"):
        reason = t("is larger than the limit of %(mb)s MB", mb=limit // MIB)
    else:
        reason = t(error.reason)
    return FieldError("files", t("%(name)s was refused: %(reason)s", name=name, reason=reason))


@router.get("/me", dependencies=[STAFF])
def overview(request: Request, ctx: CtxDep) -> Response:
    """Findings and cases about the signed-in staff member (and no one else)."""
    context = {
        "findings": my_case.my_findings(ctx),
        "cases": case_read.list_cases(ctx),
        "states": FINDING_STATES,
        "label": labeller(translator(request)),
    }
    return render(request, "pages/me.html", context)


def _case_context(request: Request, ctx: Ctx, case_id: int) -> dict[str, Any]:
    detail = case_read.get_case(ctx, case_id)
    t = translator(request)
    case = detail.case
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
        "evidence": my_case.evidence(
            ctx.session, ctx.actor.office_id, case.staff_id, detail.findings, t
        ),
        "max_mb": ctx.settings.max_upload_bytes // MIB,
        "max_files": MAX_FILES,
    }


@router.get("/me/cases/{case_id}", dependencies=[STAFF])
def case(request: Request, case_id: IdPath, ctx: CtxDep, done: str = "") -> Response:
    """One of my cases: the rule, the findings, deadlines and what I can do now."""
    context = _case_context(request, ctx, case_id)
    context["done"] = done if done in DONE else ""
    return render(request, "pages/me_case.html", context)


@contextmanager
def _files_named(request: Request, ctx: Ctx, uploads: list[Upload]) -> Iterator[None]:
    """A refused file is named in the error, in the reader's language."""
    try:
        yield
    except ValidationFailed as exc:
        t, limit = translator(request), ctx.settings.max_upload_bytes
        raise ValidationFailed([_name_file(e, uploads, t, limit) for e in exc.errors]) from None


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
    request: Request,
    case_id: IdPath,
    ctx: CtxDep,
    uploads: Files,
    text: Annotated[str, Form()] = "",
) -> Response:
    """Submit my statement (申辩) before the deadline, with photos or documents."""
    _form(request, ctx, case_id, {"text": text}, "statement")
    with _files_named(request, ctx, uploads):
        case_statement.submit_statement_with_files(ctx, case_id, text, uploads)
    return RedirectResponse(f"/me/cases/{case_id}?done=statement", status_code=303)


@router.post("/me/cases/{case_id}/acknowledge", dependencies=[STAFF, csrf_checked])
def acknowledge(request: Request, case_id: IdPath, ctx: CtxDep) -> Response:
    """Sign for the decision notice."""
    _form(request, ctx, case_id, {}, "acknowledge")
    case_notice.acknowledge(ctx, case_id)
    return RedirectResponse(f"/me/cases/{case_id}?done=acknowledge", status_code=303)


@router.post("/me/cases/{case_id}/appeal", dependencies=[STAFF, csrf_checked])
def appeal(
    request: Request,
    case_id: IdPath,
    ctx: CtxDep,
    uploads: Files,
    grounds: Annotated[str, Form()] = "",
) -> Response:
    """Appeal the decision while the window is open, with photos or documents."""
    _form(request, ctx, case_id, {"grounds": grounds}, "appeal")
    with _files_named(request, ctx, uploads):
        case_appeal.appeal_with_files(ctx, case_id, grounds, uploads)
    return RedirectResponse(f"/me/cases/{case_id}?done=appeal", status_code=303)
