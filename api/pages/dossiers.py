"""Printing a case's dossier from the case page, and the public verification page.

Anyone holding a printed or e-mailed dossier can check it here, with no sign-in: the QR code
on a printed dossier's cover opens the page for its number, which shows what the office
recorded when it issued it (the fingerprints printed on it, when, by whom) and whether the
audit trail still verifies; an e-mailed PDF can be uploaded, hashed and looked up (nothing
is stored).
"""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.deps import CtxDep, IdPath, SessionDep, csrf_checked, public, require
from api.templating import render
from compliance.dossiers.service import case_number, print_dossier
from compliance.dossiers.verify import check_number, verify_pdf
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
PRINTERS = require(Permission.PRINT_DOSSIERS)
# A dossier runs to a few MB at most; anything far bigger is not one of ours.
MAX_PDF_BYTES = 50 * 1024 * 1024


@router.post("/cases/{case_id}/dossier.pdf", dependencies=[PRINTERS, csrf_checked])
def print_case_dossier(ctx: CtxDep, case_id: IdPath, lang: str = "zh") -> Response:
    """Print the dossier (numbered, its SHA-256 in the audit chain) and download it."""
    data, record = print_dossier(ctx, case_id, lang)
    case = case_number(ctx, case_id)
    word = "案卷" if lang == "zh" else "dossier"
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": attachment(
                f"{case} {word} {record.number}.pdf", f"{case}-dossier-{record.number}.pdf"
            )
        },
    )


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition for a download: an ASCII name for old clients, and the real
    (possibly Chinese) name as RFC 5987 `filename*`."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/dossiers/verify", dependencies=[public])
def verify_form(request: Request, session: SessionDep, number: str = "") -> Response:
    """The QR code's page: what the office recorded for this dossier number, and the upload
    form for an e-mailed PDF."""
    paper = check_number(session, number) if number.strip() else None
    return render(
        request,
        "pages/dossier_verify.html",
        {"number": number.strip()[:32], "paper": paper, "result": None, "error": False},
    )


@router.post("/dossiers/verify", dependencies=[public])
async def verify_upload(
    request: Request, session: SessionDep, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    """Whether the uploaded PDF is a dossier the office issued: which case, when, by whom."""
    data = await file.read(MAX_PDF_BYTES + 1) if file is not None else b""
    if not data or len(data) > MAX_PDF_BYTES:
        return render(
            request,
            "pages/dossier_verify.html",
            {"number": "", "paper": None, "result": None, "error": True},
            status_code=422,
        )
    # Walking the audit chain reads the database: a worker thread, never the event loop.
    result = await run_in_threadpool(verify_pdf, session, data)
    return render(
        request,
        "pages/dossier_verify.html",
        {"number": "", "paper": None, "result": result, "error": False},
    )
