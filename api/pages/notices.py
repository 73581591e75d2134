"""A case's notices, drafted from the case: the list, the edit form (edit, reset to the
draft, print, serve) and the printed PDFs, each kept with its SHA-256."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.pages.dossiers import attachment
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.notices import service as notices
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
EDITORS = require(Permission.EDIT_NOTICES)
# decision, deduction or union; any other is not found (compliance.notices.service.DocKind).
Kind = Annotated[str, Path(max_length=16)]
NAMES = {k.value: msgid for k, msgid in notices.NAMES.items()}
EVENTS = notices.EVENTS


def _pdf(row: notices.NoticeDocument, number: str) -> Response:
    title = notices.title_of(notices.DocKind(row.kind))
    name = f"{number} {title} 第{row.version}版.pdf"
    return Response(
        row.pdf or b"",
        media_type="application/pdf",
        headers={
            "Content-Disposition": attachment(name, f"{number}-{row.kind}-v{row.version}.pdf"),
            "X-Content-SHA256": row.sha256 or "",
        },
    )


def _list_context(ctx: Ctx, case_id: int) -> dict[str, Any]:
    case, states = notices.states(ctx, case_id)
    return {"case": case, "notices": states, "names": NAMES, "events": EVENTS}


@router.get("/cases/{case_id}/notices", dependencies=[EDITORS])
def notices_page(request: Request, ctx: CtxDep, case_id: IdPath, done: str = "") -> Response:
    """The case's notices: which apply now, whether edited, printed or served."""
    context = _list_context(ctx, case_id)
    context["done"] = done
    return render(request, "pages/notices.html", context)


def _edit_context(ctx: Ctx, case_id: int, kind: str) -> dict[str, Any]:
    case, states = notices.states(ctx, case_id)
    state = notices.state(ctx, case_id, kind)
    return {
        "case": case,
        "n": state,
        "others": [s for s in states if s.kind != kind],
        "names": NAMES,
        "events": EVENTS,
        "values": {"text": state.text},
    }


@router.get("/cases/{case_id}/notices/{kind}", dependencies=[EDITORS])
def notice_page(
    request: Request, ctx: CtxDep, case_id: IdPath, kind: Kind, done: str = ""
) -> Response:
    """One notice: its text to edit (the draft, or the last edit), print and serve."""
    context = _edit_context(ctx, case_id, kind)
    context["done"] = done
    return render(request, "pages/notice_edit.html", context)


@router.post("/cases/{case_id}/notices/{kind}", dependencies=[EDITORS, csrf_checked])
def save_notice(
    request: Request, ctx: CtxDep, case_id: IdPath, kind: Kind, form: FormValues
) -> Response:
    """Keep HR's edit of the notice (audited), then back to it."""
    text = form.get("text", "")

    def again() -> dict[str, Any]:
        context = _edit_context(ctx, case_id, kind)
        context["done"] = ""
        return context

    remember_form(
        request,
        FormPage("pages/notice_edit.html", again, {"text": text}, "edit", session=ctx.session),
    )
    notices.save_edit(ctx, case_id, kind, text)
    return RedirectResponse(f"/cases/{case_id}/notices/{kind}?done=saved", status_code=303)


@router.post("/cases/{case_id}/notices/{kind}/reset", dependencies=[EDITORS, csrf_checked])
def reset_notice(ctx: CtxDep, case_id: IdPath, kind: Kind) -> Response:
    """Throw the edits away: the notice is the draft generated from the case again."""
    notices.reset(ctx, case_id, kind)
    return RedirectResponse(f"/cases/{case_id}/notices/{kind}?done=reset", status_code=303)


@router.post("/cases/{case_id}/notices/{kind}/pdf", dependencies=[EDITORS, csrf_checked])
def print_notice(ctx: CtxDep, case_id: IdPath, kind: Kind) -> Response:
    """Print the notice as it stands: the PDF, kept with its SHA-256 as a new version."""
    row = notices.print_pdf(ctx, case_id, kind)
    return _pdf(row, notices.case_of(ctx, case_id).number)


@router.post("/cases/{case_id}/notices/{kind}/serve", dependencies=[EDITORS, csrf_checked])
def serve_notice(ctx: CtxDep, case_id: IdPath, kind: Kind) -> Response:
    """Serve the notice through its case step; the PDF handed over is kept with its hash."""
    notices.serve(ctx, case_id, kind)
    return RedirectResponse(f"/cases/{case_id}/notices/{kind}?done=served", status_code=303)


@router.get("/cases/{case_id}/notices/{kind}/v{version}.pdf", dependencies=[EDITORS])
def notice_pdf(ctx: CtxDep, case_id: IdPath, kind: Kind, version: IdPath) -> Response:
    """A printed version again, byte for byte (its SHA-256 is on the notices page)."""
    row = notices.pdf_of(ctx, case_id, kind, version)
    return _pdf(row, notices.case_of(ctx, case_id).number)
