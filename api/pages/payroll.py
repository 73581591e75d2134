"""Payroll: the month's deduction sheet, its CSV/XLSX files, and executing the month.

Executing a month is irreversible: the sheet's button opens a confirmation page that says
what will be taken (how many staff and instalments, the total, what would refuse it), and
only its second submit (with `confirm=yes`) executes.
"""

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.i18n import N_
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.pay import payroll
from compliance.pay.models import InstalmentStatus
from compliance.pay.schemas import PayrollSheet
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
PAY = require(Permission.RUN_PAYROLL)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
BAD_MONTH = N_("Choose a month between 2000-01 and 2199-12, written YYYY-MM (e.g. 2026-03).")


def checked_month(month: str) -> str:
    """A YYYY-MM month the pay services accept, else a field error in the user's words."""
    m = _MONTH.match(month.strip())
    if not m or not (2000 <= int(m[1]) <= 2199 and 1 <= int(m[2]) <= 12):
        raise ValidationFailed.one("month", BAD_MONTH)
    return month.strip()


def _first(month: str) -> str:
    return f"{checked_month(month)}-01"


def _this_month(ctx: Ctx) -> str:
    return f"{local_date(ctx.now(), ctx.tz):%Y-%m}"


def _page(month: str, **extra: Any) -> FormPage:
    context = {"sheet": None, "month": month, "done": "", **extra}
    return FormPage("pages/payroll.html", context, {"month": month}, "month")


@router.get("/payroll", dependencies=[PAY])
def sheet(request: Request, ctx: CtxDep, month: str = "", done: str = "") -> Response:
    """The month's sheet: wage, cap, floor, taken, carried, per staff member."""
    month = month or _this_month(ctx)
    # Without a minimum wage for the city (or with a bad month) the page explains why.
    remember_form(request, _page(month))
    data = payroll.payroll_sheet(ctx, _first(month))
    return render(request, "pages/payroll.html", {"sheet": data, "month": month, "done": done})


def _download(ctx: Ctx, month: str, suffix: str, media_type: str) -> Response:
    data = payroll.payroll_sheet(ctx, _first(month))
    folder = Path(tempfile.mkdtemp(prefix="payroll-"))
    path = folder / f"{payroll.file_stem(data)}.{suffix}"
    writer = payroll.write_csv if suffix == "csv" else payroll.write_xlsx
    writer(data, path)

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(
        path, media_type=media_type, filename=path.name, background=BackgroundTask(cleanup)
    )


@router.get("/payroll/{month}.csv", dependencies=[PAY])
def sheet_csv(ctx: CtxDep, month: str) -> Response:
    """The sheet as UTF-8 CSV: one header row, money as plain yuan numbers."""
    return _download(ctx, month, "csv", "text/csv; charset=utf-8")


@router.get("/payroll/{month}.xlsx", dependencies=[PAY])
def sheet_xlsx(ctx: CtxDep, month: str) -> Response:
    """The sheet as an Excel workbook (bilingual header, a total row)."""
    return _download(ctx, month, "xlsx", XLSX)


def _plan(data: PayrollSheet) -> dict[str, Any]:
    """What executing the month would take, and what would refuse it."""
    planned = [
        (row, line)
        for row in data.rows
        for line in row.lines
        if line.status == InstalmentStatus.PLANNED.value
    ]
    return {
        "staff": len({row.staff_id for row, _ in planned}),
        "instalments": len(planned),
        "total_fen": sum(line.amount_fen for _, line in planned),
        "no_notice": [(row, line) for row, line in planned if line.notice_served_at is None],
        "above_cap": [row for row in data.rows if row.taken_fen > row.cap_fen],
    }


@router.get("/payroll/confirm", dependencies=[PAY])
def confirm(request: Request, ctx: CtxDep, month: str = "") -> Response:
    """What executing the month will do, and the button that does it."""
    month = month or _this_month(ctx)
    remember_form(request, _page(month))
    data = payroll.payroll_sheet(ctx, _first(month))
    if data.preview or data.executed_at is not None:
        return RedirectResponse(f"/payroll?month={month}", status_code=303)
    context = {"sheet": data, "month": month, "plan": _plan(data)}
    return render(request, "pages/payroll_confirm.html", context)


@router.post("/payroll/execute", dependencies=[PAY, csrf_checked])
def execute(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Take the month's planned instalments from pay, once, after the confirmation page."""
    month = form.get("month", "").strip()
    remember_form(request, _page(month))
    first = _first(month)
    if form.get("confirm") != "yes":
        return RedirectResponse(f"/payroll/confirm?month={month}", status_code=303)
    current = payroll.payroll_sheet(ctx, first)
    remember_form(request, _page(month, sheet=current))
    payroll.execute_month(ctx, first)
    return RedirectResponse(f"/payroll?month={month}&done=executed", status_code=303)
