"""Payroll: the month's deduction sheet, its CSV/XLSX files, and executing the month."""

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, RedirectResponse, Response

from api.deps import CtxDep, FormValues, csrf_checked, require
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.pay import payroll
from compliance.permissions import Permission

router = APIRouter(include_in_schema=False)
PAY = require(Permission.RUN_PAYROLL)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _first(month: str) -> str:
    """'2026-03' as the first day the pay services expect; anything else is left to them."""
    return f"{month}-01" if len(month) == 7 else month


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
    """The sheet as UTF-8 CSV (Chinese and English header rows)."""
    return _download(ctx, month, "csv", "text/csv; charset=utf-8")


@router.get("/payroll/{month}.xlsx", dependencies=[PAY])
def sheet_xlsx(ctx: CtxDep, month: str) -> Response:
    """The sheet as an Excel workbook."""
    return _download(ctx, month, "xlsx", XLSX)


@router.post("/payroll/execute", dependencies=[PAY, csrf_checked])
def execute(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Take the month's planned instalments from pay, once."""
    month = form.get("month", "").strip()
    remember_form(request, _page(month))
    current = payroll.payroll_sheet(ctx, _first(month))
    remember_form(request, _page(month, sheet=current))
    payroll.execute_month(ctx, _first(month))
    return RedirectResponse(f"/payroll?month={month}&done=executed", status_code=303)
