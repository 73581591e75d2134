"""The payroll month: the sheet (set-based), its CSV/XLSX files, and executing the month."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.exc import IntegrityError

from compliance.audit import seal_check
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, GuardrailViolation, ValidationFailed
from compliance.exports import safe_cell, text_row
from compliance.i18n import N_
from compliance.money import format_fen
from compliance.pay import repository as repo
from compliance.pay.models import InstalmentStatus, PayrollRun
from compliance.pay.schedule import next_month, profile_for, require_minimum_wage
from compliance.pay.schemas import ExecuteResult, MonthIn, PayrollSheet, SheetLine, SheetRow
from compliance.permissions import Permission
from compliance.usecase import use_case
from compliance.validation import parse


def parse_month(month: date | str) -> date:
    """A payroll month: a first-of-month date."""
    return parse(MonthIn, {"month": month}).month


def latest_executable(ctx: Ctx) -> date:
    """The latest month whose payroll may be executed: next month (office time)."""
    return next_month(local_date(ctx.now(), ctx.tz))


def check_month(ctx: Ctx, month: date | str) -> date:
    """A payroll month to execute: a first-of-month date no more than one month ahead."""
    value = parse_month(month)
    latest = latest_executable(ctx)
    if value > latest:
        raise ValidationFailed.one(
            "month",
            f"{value:%Y-%m} is more than one month ahead (latest {latest:%Y-%m}); its sheet "
            "can be previewed but not executed",
        )
    return value


def check_preview_month(month: date | str) -> date:
    """A month whose sheet may be shown: any first-of-month within the planning horizon."""
    value = parse_month(month)
    if not date(2000, 1, 1) <= value <= date(2199, 12, 1):
        raise ValidationFailed.one("month", f"{value:%Y-%m} is outside 2000-01 to 2199-12")
    return value


def _build(ctx: Ctx, month: date, preview: bool = False) -> PayrollSheet:
    # A fixed handful of queries for the whole office, whatever its size (no per-staff loop).
    session, office_id = ctx.session, ctx.actor.office_id
    office = repo.get_office(session, office_id)
    floor = require_minimum_wage(
        repo.minimum_wage_history(session, office.city), office.city, month
    )
    profile = profile_for(ctx)
    lines = repo.month_lines(session, office_id, month, ctx.now())
    owed = repo.owed_after(session, office_id, month)
    run = repo.payroll_run(session, office_id, month)
    staff = repo.month_wages(session, office_id, month)
    leaving = [w.staff_id for w in staff if w.left_on and w.left_on.replace(day=1) == month]
    balances = repo.balances(session, leaving)
    rows = tuple(
        SheetRow(
            staff_id=w.staff_id,
            employee_no=w.employee_no,
            name=w.name,
            wage_fen=w.wage_fen,
            cap_fen=profile.deduction_cap(w.wage_fen, floor).cap_fen,
            floor_fen=floor,
            taken_fen=sum(line.amount_fen for line in lines.get(w.staff_id, ())),
            carried_fen=0 if w.staff_id in balances else owed.get(w.staff_id, 0),
            lines=tuple(lines.get(w.staff_id, ())),
            left_on=w.left_on if w.staff_id in balances else None,
            unrecovered_fen=max(balances.get(w.staff_id, 0), 0),
        )
        for w in staff
    )
    _refuse_altered_above_cap(ctx, month, rows)
    return PayrollSheet(
        office_code=office.code,
        office_name=office.name,
        city=office.city,
        month=month,
        minimum_wage_fen=floor,
        profile=profile.code,
        executed_at=run.executed_at if run is not None else None,
        rows=rows,
        preview=preview,
    )


class InstalmentAboveCap(Conflict):
    """An instalment above its month's cap whose row was changed outside the app."""

    def __init__(self, month: date, row: SheetRow, line: SheetLine) -> None:
        who = f"{row.employee_no} {row.name}"
        amount, cap = format_fen(line.amount_fen), format_fen(row.cap_fen)
        super().__init__(
            N_(
                "payroll sheet %(month)s not shown: %(who)s's instalment of %(amount)s (case "
                "%(number)s) exceeds this month's cap %(cap)s, and its row was changed outside"
                " the app (the app never plans one above the cap); run `compliance audit verify`"
            ),
            month=f"{month:%Y-%m}",
            year_no=month.year,
            month_no=month.month,
            who=who,
            amount=amount,
            number=line.case_number,
            cap=cap,
        )
        self.staff_id, self.instalment_id = row.staff_id, line.instalment_id


def _refuse_altered_above_cap(ctx: Ctx, month: date, rows: tuple[SheetRow, ...]) -> None:
    """InstalmentAboveCap if an instalment (taken or planned) above its month's cap does not
    match its seal. One that does is the app's own, planned before the wage or minimum wage
    fell: the sheet shows it and execution asks for a replan (`_refusals`)."""
    above = [(row, line) for row in rows for line in row.lines if line.amount_fen > row.cap_fen]
    if not above:
        return
    ids = [line.instalment_id for _, line in above]
    problems = seal_check.check_rows(ctx.session.connection(), {"instalment": ids})
    altered = {p.row_id for p in problems}
    for row, line in above:
        if line.instalment_id in altered:
            raise InstalmentAboveCap(month, row, line)


def payroll_sheet(ctx: Ctx, month: date | str) -> PayrollSheet:
    """The office's payroll deductions for a month (HR): wage, cap, floor, taken, carried.

    Any month can be shown; one after next month is a read-only preview of the plan (it
    cannot be executed yet). Members who left before the month are not on it.
    """
    ctx.require(Permission.RUN_PAYROLL)
    value = check_preview_month(month)
    return _build(ctx, value, preview=value > latest_executable(ctx))


def _refusals(sheet: PayrollSheet) -> list[str]:
    out: list[str] = []
    for row in sheet.rows:
        who = f"{row.employee_no} {row.name}"
        for line in row.lines:
            if line.status == InstalmentStatus.PLANNED.value and line.notice_served_at is None:
                out.append(
                    f"{who}: case {line.case_number} has no written deduction notice served "
                    "(record the notice of reason and amount first)"
                )
        if row.taken_fen > row.cap_fen:
            cases = ", ".join(sorted({line.case_number for line in row.lines}))
            out.append(
                f"{who}: {format_fen(row.taken_fen)} planned exceeds this month's cap "
                f"{format_fen(row.cap_fen)} (case {cases}; the wage or minimum wage changed "
                "since planning: replan first)"
            )
    return list(dict.fromkeys(out))


@use_case
def execute_month(ctx: Ctx, month: date | str) -> ExecuteResult:
    """Take the month's planned instalments from pay, once (HR).

    Refused as a whole if any instalment's case has no deduction notice served, or a month's
    instalments exceed the cap; a month already executed is a Conflict and takes nothing.
    """
    ctx.require(Permission.RUN_PAYROLL)
    value = check_month(ctx, month)
    office_id = ctx.actor.office_id
    # Queue behind any replan of this office's staff, so what we check is what we take.
    repo.lock_office_staff(ctx.session, office_id)
    done = repo.payroll_run(ctx.session, office_id, value)
    if done is not None:
        when = done.executed_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"payroll for {value:%Y-%m} was already executed at {when}; nothing taken")
    sheet = _build(ctx, value)
    planned = [
        (row.staff_id, line)
        for row in sheet.rows
        for line in row.lines
        if line.status == InstalmentStatus.PLANNED.value
    ]
    refusals = _refusals(sheet)
    if refusals:
        raise GuardrailViolation(f"payroll {value:%Y-%m} not executed: " + "; ".join(refusals))
    now = ctx.now()
    run = PayrollRun(
        office_id=office_id,
        month=value,
        executed_at=now,
        executed_by=ctx.actor.user_id,
        instalments=len(planned),
        total_fen=sum(line.amount_fen for _, line in planned),
    )
    ctx.session.add(run)
    try:
        ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"payroll for {value:%Y-%m} was executed by someone else just now") from None
    count, fen = repo.mark_taken(ctx.session, office_id, value, now)
    # Every planned instalment of the month must be one the checks above have seen.
    if (count, fen) != (run.instalments, run.total_fen):
        raise Conflict(f"instalments of {value:%Y-%m} changed while executing; try again")
    staff = len({staff_id for staff_id, _ in planned})
    audit.record(
        ctx,
        "payroll.executed",
        "payroll_run",
        run.id,
        {"month": value.isoformat(), "instalments": count, "total_fen": fen, "staff": staff},
    )
    return ExecuteResult(
        month=value, run_id=run.id or 0, instalments=count, total_fen=fen, staff=staff
    )


# --- files ---------------------------------------------------------------------------------

HEADERS_ZH = (
    "工号",
    "姓名",
    "月工资(元)",
    "扣款上限(元)",
    "最低工资(元)",
    "本月扣款(元)",
    "扣后工资(元)",
    "结转待扣(元)",
    "未追回余额·民事追偿(元)",
    "扣款明细",
)
HEADERS_EN = (
    "Employee no.",
    "Name",
    "Wage (yuan)",
    "Deduction cap (yuan)",
    "Minimum wage (yuan)",
    "Taken this month (yuan)",
    "Wage after deductions (yuan)",
    "Carried forward (yuan)",
    "Unrecovered balance, civil claim (yuan)",
    "Instalments",
)
MONEY_FORMAT = '"¥"#,##0.00'
TOTAL_LABEL = "合计 Total"
# Which money columns the XLSX total row adds up (a cap or the floor summed means nothing).
_MONEY_TOTALLED = (True, False, False, True, True, True, True)
_STATUS = {"planned": "计划 planned", "taken": "已扣 taken"}


def _money(row: SheetRow) -> tuple[int, ...]:
    # A leaver's balance is not carried anywhere: it is unrecovered, in its own column.
    return (
        row.wage_fen,
        row.cap_fen,
        row.floor_fen,
        row.taken_fen,
        row.net_fen,
        row.carried_fen,
        row.unrecovered_fen,
    )


def _total(sheet: PayrollSheet, index: int) -> int | None:
    if not _MONEY_TOTALLED[index]:
        return None
    return sum(_money(row)[index] for row in sheet.rows)


def _describe(line: SheetLine) -> str:
    text = (
        f"{line.case_number} {format_fen(line.amount_fen)} "
        f"{_STATUS.get(line.status, line.status)}: {line.reason}"
    )
    if line.legal_risk:
        text += " [法律风险 legal risk]"
    if line.notice_served_at is None:
        text += " [未送达扣款通知 no deduction notice served]"
    return text


def describe_lines(row: SheetRow) -> str:
    """The month's instalments of one row: case number, amount, status, reason, warnings."""
    parts = [_describe(line) for line in row.lines]
    if row.left_on is not None:
        parts.append(
            f"{row.left_on.isoformat()} 离职 left: 本月为最后工资月,此后不再扣款 last pay month"
        )
    return "; ".join(parts)


def file_stem(sheet: PayrollSheet) -> str:
    """`payroll-BSW-2026-03`."""
    return f"payroll-{sheet.office_code}-{sheet.month:%Y-%m}"


def yuan_text(fen: int) -> str:
    """Fen as a plain number of yuan with two decimals ('4000.00'), exact, no ¥ or commas."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def write_csv(sheet: PayrollSheet, path: Path) -> Path:
    """Write the sheet as UTF-8 CSV (BOM for Excel) for payroll software: one header row
    (Chinese; each money column says it holds yuan), money as plain numbers ('4000.00')."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS_ZH)
        for row in sheet.rows:
            money = [yuan_text(v) for v in _money(row)]
            text = [safe_cell(row.employee_no), safe_cell(row.name)]
            out.writerow([*text, *money, safe_cell(describe_lines(row))])
    return path


def _yuan(fen: int) -> Decimal:
    # Exact decimal yuan for the spreadsheet cell; the arithmetic stays in fen.
    return Decimal(fen) / 100


def _cell(ws: Any, value: Any, **style: Any) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def write_xlsx(sheet: PayrollSheet, path: Path) -> Path:
    """Write the sheet as XLSX: numeric yuan cells shown as ¥1,234.50, plus an 'about' sheet."""
    # Write-only mode streams rows: a 2,000-staff office takes a fraction of a second.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{sheet.month:%Y-%m}")
    ws.freeze_panes = "C3"
    widths = (10, 10, 12, 14, 14, 14, 16, 14, 18, 80)
    for letter, width in zip("ABCDEFGHIJ", widths, strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    for headers in (HEADERS_ZH, HEADERS_EN):
        ws.append([_cell(ws, h, font=bold) for h in headers])
    for row in sheet.rows:
        money = [_cell(ws, _yuan(fen), number_format=MONEY_FORMAT) for fen in _money(row)]
        ws.append(text_row(ws, [row.employee_no, row.name, *money, describe_lines(row)]))
    # The total row: numeric values (no formula cell, see compliance/exports.py).
    totals = [_total(sheet, i) for i in range(len(_MONEY_TOTALLED))]
    money_totals = [
        _cell(ws, _yuan(t), number_format=MONEY_FORMAT, font=bold) if t is not None else None
        for t in totals
    ]
    ws.append(text_row(ws, [_cell(ws, TOTAL_LABEL, font=bold), None, *money_totals, None]))
    about = wb.create_sheet("说明 About")
    executed = (
        sheet.executed_at.strftime("%Y-%m-%d %H:%M UTC") if sheet.executed_at else "未执行 not yet"
    )
    if sheet.preview:
        executed = "预览,尚不能执行 preview, cannot be executed yet"
    for label, value in (
        ("管理处 Office", f"{sheet.office_name} ({sheet.office_code})"),
        ("月份 Month", f"{sheet.month:%Y-%m}"),
        ("城市 City", sheet.city),
        ("最低工资 Minimum wage", format_fen(sheet.minimum_wage_fen)),
        ("规则 Guardrail profile", sheet.profile),
        ("执行 Executed", executed),
        ("本月扣款合计 Total taken", format_fen(sheet.total_taken_fen)),
        ("未追回余额合计 Unrecovered (civil claim)", format_fen(sheet.total_unrecovered_fen)),
        (
            "依据 Basis",
            "《工资支付暂行规定》第十六条:每月扣除部分不得超过当月工资的20%,"
            "扣除后的剩余工资不得低于当地月最低工资标准",
        ),
    ):
        about.append(text_row(about, [label, value]))
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90
    wb.save(path)
    return path
