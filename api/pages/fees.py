"""Fee collection on the web (收费): the quarter's collection rate against 99%, the households
in arrears with their last reminder and any open objection, the forms to record a payment, a
bill, a reminder, an objection or a reply, and the billing export's import (upload, preview,
confirm; the file kept under its SHA-256 between the steps, as the attendance import does)."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import N_
from api.pages.attendance_import import Upload, _path, _stored
from api.pages.forms import FormPage, local_datetime, remember_form, yuan_to_fen
from api.pages.periods import choices, local_input
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.imports import fees as fee_import
from compliance.permissions import Permission
from compliance.residents.search import find_unit, label, units_in_order
from compliance.service import fees

router = APIRouter(include_in_schema=False)
READERS = require(Permission.VIEW_FEES)
KEEPERS = require(Permission.MANAGE_FEES)
REASONS = (
    N_("Input should be 'management', 'water' or 'electricity'"),
    N_("Input should be 'reminder', 'objection', 'reply' or 'escalated'"),
    N_("Input should be 'management', 'water', 'electricity' or ''"),
)


def _quarter(ctx: Ctx, typed: str) -> str:
    """The quarter asked for (this quarter when none or a bad one)."""
    try:
        return fees.parse_quarter(typed) if typed.strip() else _this_quarter(ctx)
    except ValueError:
        return _this_quarter(ctx)


def _this_quarter(ctx: Ctx) -> str:
    return fees.quarter_of(ctx.now().astimezone(ctx.tz).date())


def _context(ctx: Ctx, quarter: str) -> dict[str, Any]:
    c = fees.collection(ctx, quarter)
    units = units_in_order(ctx)
    return {
        **choices(ctx, units=True),
        "c": c,
        "quarter": quarter,
        "quarters": [fees.shift_quarter(_this_quarter(ctx), -n) for n in range(0, 6)],
        "rate": fees.rate_text(c.rate_tenths),
        "target": fees.rate_text(fees.TARGET_PER_MILLE),
        "contacts": fees.contacts_of(ctx, quarter),
        "items": fees.ITEMS,
        "contact_kinds": fees.CONTACT_KINDS,
        "units": units,
        "unit_label": label,
    }


def _defaults(ctx: Ctx, quarter: str) -> dict[str, str]:
    now = local_input(ctx.now(), ctx.tz)
    return {"quarter": quarter, "paid_at": now, "at": now, "item": "management"}


@router.get("/fees", dependencies=[READERS])
def fee_page(request: Request, ctx: CtxDep, quarter: str = "", saved: str = "") -> Response:
    """The quarter's collection rate, arrears and contacts; the recording forms."""
    q = _quarter(ctx, quarter)
    context = {**_context(ctx, q), "values": _defaults(ctx, q), "saved": saved}
    return render(request, "pages/fees.html", context)


def _remember(request: Request, ctx: CtxDep, form: dict[str, str], form_id: str) -> None:
    q = _quarter(ctx, form.get("quarter", ""))
    remember_form(
        request,
        FormPage(
            "pages/fees.html",
            lambda: {**_context(ctx, q), "saved": ""},
            form,
            form_id=form_id,
            aliases={"unit_id": "unit", "amount_fen": "amount"},
            session=ctx.session,
        ),
    )


def _common(ctx: Ctx, form: dict[str, str], errors: list[FieldError]) -> dict[str, Any]:
    """The unit typed and the quarter, as the services take them."""
    data: dict[str, Any] = {"quarter": form.get("quarter", "")}
    try:
        data["unit_id"] = find_unit(ctx, form.get("unit", "")).id
    except ValidationFailed as exc:
        errors += exc.errors
    return data


def _amount(form: dict[str, str], data: dict[str, Any], errors: list[FieldError]) -> None:
    try:
        yuan_to_fen(form, "amount", "amount_fen", data)
    except ValidationFailed as exc:
        errors += exc.errors
    if "amount_fen" not in data and not any(e.field == "amount" for e in errors):
        errors.append(FieldError("amount", N_("is required")))


def _back(data: dict[str, Any], what: str) -> Response:
    return RedirectResponse(f"/fees?quarter={data['quarter']}&saved={what}", status_code=303)


@router.post("/fees/payments", dependencies=[KEEPERS, csrf_checked])
def add_payment(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a payment received."""
    _remember(request, ctx, form, "payment")
    errors: list[FieldError] = []
    data = _common(ctx, form, errors)
    _amount(form, data, errors)
    data.update(
        item=form.get("item", ""),
        paid_at=local_datetime(form.get("paid_at", "").strip(), ctx.tz),
        receipt_no=form.get("receipt_no", ""),
    )
    if errors:
        raise ValidationFailed(errors)
    fees.record_payment(ctx, data)
    return _back(data, "payment")


@router.post("/fees/bills", dependencies=[KEEPERS, csrf_checked])
def add_bill(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a receivable entered by hand."""
    _remember(request, ctx, form, "bill")
    errors: list[FieldError] = []
    data = _common(ctx, form, errors)
    _amount(form, data, errors)
    data.update(item=form.get("item", ""), due_on=form.get("due_on", "").strip() or None)
    if errors:
        raise ValidationFailed(errors)
    fees.record_bill(ctx, data)
    return _back(data, "bill")


@router.post("/fees/contacts", dependencies=[KEEPERS, csrf_checked])
def add_contact(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a reminder, an objection, a reply or a referral to the office head."""
    _remember(request, ctx, form, "contact")
    errors: list[FieldError] = []
    data = _common(ctx, form, errors)
    data.update(
        kind=form.get("kind", ""),
        at=local_datetime(form.get("at", "").strip(), ctx.tz),
        note=form.get("note", ""),
    )
    if errors:
        raise ValidationFailed(errors)
    fees.record_contact(ctx, data)
    return _back(data, "contact")


# --- the billing export's import ------------------------------------------------------------


def _columns() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each column's headers recognised: all, and those written in Chinese."""
    return [(c.aliases, tuple(a for a in c.aliases if not a.isascii())) for c in fee_import.COLUMNS]


@router.get("/fees/import", dependencies=[KEEPERS])
def import_form(request: Request, ctx: CtxDep) -> Response:
    """Step 1: choose the billing system's export. After an import, what it did."""
    keys = ("bills", "payments", "recorded")
    done = {k: request.query_params.get(k, "") for k in keys}
    context = {"columns": _columns(), "done": done if done["bills"] else None}
    return render(request, "pages/fees_import.html", context)


@router.post("/fees/import", dependencies=[KEEPERS, csrf_checked])
def upload(request: Request, ctx: CtxDep, file: Upload) -> Response:
    """Keep the file and show its preview (a file that cannot be read is refused here)."""
    remember_form(
        request,
        FormPage("pages/fees_import.html", {"columns": _columns(), "done": None}, {}),
    )
    data, _name = file
    if not data:
        raise ValidationFailed.one("file", N_("Choose the billing system's export (CSV or XLSX)."))
    preview = fee_import.preview_fee_file(ctx, data)
    path = _path(ctx, preview.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return RedirectResponse(f"/fees/import/{preview.sha256}", status_code=303)


def _preview_context(ctx: Ctx, sha: str) -> dict[str, Any]:
    p = fee_import.preview_fee_file(ctx, _stored(ctx, sha))
    return {
        "sha": sha,
        "p": p,
        "bills": p.bills[: fee_import.PREVIEW_ROWS],
        "payments": p.payments[: fee_import.PREVIEW_ROWS],
        "items": fees.ITEMS,
    }


@router.get("/fees/import/{sha}", dependencies=[KEEPERS])
def preview_page(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 2: what the file holds, every bad row named; the confirm button."""
    return render(request, "pages/fees_import_preview.html", _preview_context(ctx, sha))


@router.post("/fees/import/{sha}/confirm", dependencies=[KEEPERS, csrf_checked])
def confirm(request: Request, ctx: CtxDep, sha: str) -> Response:
    """Step 3: import the new bills and payments, all or nothing."""
    data = _stored(ctx, sha)
    remember_form(
        request,
        FormPage(
            "pages/fees_import_preview.html",
            lambda: _preview_context(ctx, sha),
            {},
            session=ctx.session,
        ),
    )
    r = fee_import.import_fee_file(ctx, data, f"{sha[:12]}.upload")
    _path(ctx, sha).unlink(missing_ok=True)
    recorded = r.bills_recorded + r.payments_recorded
    query = f"bills={r.bills}&payments={r.payments}&recorded={recorded}"
    return RedirectResponse(f"/fees/import?{query}", status_code=303)
