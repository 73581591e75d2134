"""Attendance import on the web: upload a punch-clock file, see the first rows with the mapping
the office's import profile gives and every problem, then confirm; and the profile page (the
file's header for each column, the clock's enrolment list).

The uploaded file is kept, under its SHA-256, in the data folder until it is imported, so the
preview and the confirmation read the very bytes that were uploaded.
"""

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, chosen_files, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, NotFound, ValidationFailed
from compliance.imports import clock, profiles
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
IMPORTERS = require(Permission.IMPORT_ATTENDANCE)
_SHA = re.compile(r"^[0-9a-f]{64}$")
LINE = N_("line %(line)s: %(reason)s")


async def uploaded_file(request: Request) -> tuple[bytes, str]:
    """The form's `file` field (bytes, name); empty if none was chosen."""
    files = [f for f in await chosen_files(request) if f.field == "file"]
    return (files[0].data, files[0].name) if files else (b"", "")


Upload = Annotated[tuple[bytes, str], Depends(uploaded_file)]


def _folder(ctx: Ctx) -> Path:
    return Path(ctx.settings.data_dir) / "imports"


def _path(ctx: Ctx, sha: str) -> Path:
    if not _SHA.match(sha):
        raise NotFound(N_("no such uploaded file"))
    return _folder(ctx) / f"{ctx.actor.office_id}-{sha}.upload"


def _stored(ctx: Ctx, sha: str) -> bytes:
    try:
        return _path(ctx, sha).read_bytes()
    except FileNotFoundError:
        raise NotFound(N_("no such uploaded file")) from None


def _upload_page(ctx: Ctx) -> FormPage:
    return FormPage(
        "pages/attendance_import.html", {"fields": _fields(), "done": None}, {}, "upload"
    )


def _fields() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(key, label, every header recognised, those written in Chinese) per column."""
    out = []
    for k in profiles.FIELDS:
        names = profiles.ALIASES[k]
        out.append((k, profiles.LABELS[k], names, tuple(n for n in names if not n.isascii())))
    return out


@router.get("/attendance/import", dependencies=[IMPORTERS])
def upload_form(request: Request, ctx: CtxDep) -> Response:
    """Step 1: choose the clock's file. After an import, what it did."""
    done = {k: request.query_params.get(k, "") for k in ("imported", "recorded", "single")}
    context = {"fields": _fields(), "done": done if done["imported"] else None}
    return render(request, "pages/attendance_import.html", context)


@router.post("/attendance/import", dependencies=[IMPORTERS, csrf_checked])
def upload(request: Request, ctx: CtxDep, file: Upload) -> Response:
    """Keep the file and show its preview (a file that cannot be read is refused here)."""
    remember_form(request, _upload_page(ctx))
    data, _name = file
    if not data:
        raise ValidationFailed.one("file", N_("Choose the clock's file (CSV or XLSX)."))
    preview = clock.preview_clock_file(ctx, data)  # file-level problems refuse here
    folder = _folder(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(ctx, preview.sha256)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return RedirectResponse(f"/attendance/import/{preview.sha256}", status_code=303)


def _profile_page(ctx: Ctx, values: dict[str, str]) -> FormPage:
    profile = profiles.load_profile(ctx.session, ctx.actor.office_id)
    return FormPage(
        "pages/attendance_import_profile.html",
        {"fields": _fields(), "profile": profile, "saved": ""},
        values,
        "profile",
    )


@router.get("/attendance/import/profile", dependencies=[IMPORTERS])
def profile_form(request: Request, ctx: CtxDep, saved: str = "") -> Response:
    """The office's import profile: the header of each column, the enrolment list."""
    profile = profiles.load_profile(ctx.session, ctx.actor.office_id)
    values = {f"col_{k}": profile.columns.get(k, "") for k in profiles.FIELDS}
    values["enrolments"] = profile.enrolments_text()
    context = {"fields": _fields(), "profile": profile, "values": values, "saved": saved}
    return render(request, "pages/attendance_import_profile.html", context)


@router.post("/attendance/import/profile", dependencies=[IMPORTERS, csrf_checked])
def save_profile_form(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Save the profile; a bad enrolment line is named with its line number."""
    remember_form(request, _profile_page(ctx, form))
    columns = {k: form.get(f"col_{k}", "") for k in profiles.FIELDS}
    try:
        profiles.save_profile(ctx, columns=columns, enrolments=form.get("enrolments", ""))
    except ValidationFailed as exc:
        raise _with_lines(request, exc) from None
    return RedirectResponse("/attendance/import/profile?saved=1", status_code=303)


def _with_lines(request: Request, exc: ValidationFailed) -> ValidationFailed:
    """The enrolment list's errors with their line numbers, in the reader's language."""
    t = translator(request)
    return ValidationFailed(
        [
            FieldError(e.field, t(LINE, line=e.line, reason=t(e.reason)) if e.line else e.reason)
            for e in exc.errors
        ]
    )


def _preview_context(ctx: Ctx, sha: str) -> dict[str, Any]:
    data = _stored(ctx, sha)
    preview = clock.preview_clock_file(ctx, data)
    profile = profiles.load_profile(ctx.session, ctx.actor.office_id)
    return {
        "sha": sha,
        "p": preview,
        "rows": preview.punches[: clock.PREVIEW_ROWS],
        "fields": _fields(),
        "profile": profile,
        "new_enrolments": "\n".join(f"{u.key}," for u in preview.unknown),
        "tz": ctx.tz,
    }


@router.get("/attendance/import/{sha}", dependencies=[IMPORTERS])
def preview_page(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 2: the detected mapping, the first rows, every problem; the confirm button."""
    return render(request, "pages/attendance_import_preview.html", _preview_context(ctx, sha))


def _preview_form(ctx: Ctx, sha: str, values: dict[str, str]) -> FormPage:
    return FormPage(
        "pages/attendance_import_preview.html",
        lambda: _preview_context(ctx, sha),
        values,
        "mapping",
        session=ctx.session,
    )


@router.post("/attendance/import/{sha}/mapping", dependencies=[IMPORTERS, csrf_checked])
def save_mapping(request: Request, ctx: CtxDep, sha: str, form: FormValues) -> Response:
    """Save the file's headers as the office's column mapping, and preview again."""
    _stored(ctx, sha)
    remember_form(request, _preview_form(ctx, sha, form))
    columns = {k: form.get(f"col_{k}", "") for k in profiles.FIELDS}
    profiles.save_profile(ctx, columns=columns)
    return RedirectResponse(f"/attendance/import/{sha}?saved=mapping", status_code=303)


@router.post("/attendance/import/{sha}/enrolments", dependencies=[IMPORTERS, csrf_checked])
def add_enrolments(request: Request, ctx: CtxDep, sha: str, form: FormValues) -> Response:
    """Add the unknown people's enrolment numbers to the office's list, and preview again."""
    _stored(ctx, sha)
    remember_form(request, _preview_form(ctx, sha, form))
    current = profiles.load_profile(ctx.session, ctx.actor.office_id).enrolments_text()
    try:
        profiles.save_profile(ctx, enrolments=current + "\n" + form.get("enrolments", ""))
    except ValidationFailed as exc:
        raise _with_lines(request, exc) from None
    return RedirectResponse(f"/attendance/import/{sha}?saved=enrolments", status_code=303)


@router.post("/attendance/import/{sha}/confirm", dependencies=[IMPORTERS, csrf_checked])
def confirm(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 3: import the new punches, all or nothing."""
    data = _stored(ctx, sha)
    remember_form(request, _preview_form(ctx, sha, {}))
    result = clock.import_clock_file(ctx, data, f"{sha[:12]}.upload")
    _path(ctx, sha).unlink(missing_ok=True)
    query = f"imported={result.imported}&recorded={result.recorded}&single={result.single}"
    return RedirectResponse(f"/attendance/import?{query}", status_code=303)
