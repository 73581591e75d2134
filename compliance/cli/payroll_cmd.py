"""`compliance payroll ...`: the monthly sheet and files, executing a month, minimum wages."""

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from compliance.actors import Role
from compliance.cli.common import acting, console, parse_day, reports_errors
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.money import format_fen, parse_yuan
from compliance.pay import leaving, payroll, service
from compliance.pay.plans import case_money
from compliance.pay.repository import get_office
from compliance.pay.schemas import PayrollSheet
from compliance.permissions import Permission, holds

app = typer.Typer(help="Payroll deductions: sheet, execution, minimum wages.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff members leaving (deductions end).", no_args_is_help=True)
min_wage_app = typer.Typer(help="Per-city monthly minimum wages.", no_args_is_help=True)
app.add_typer(min_wage_app, name="min-wage")

AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]
Month = Annotated[str, typer.Option("--month", help="The payroll month (YYYY-MM).")]


def parse_month(value: str) -> date:
    """A YYYY-MM option value as the month's first day."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise ValidationFailed.one("--month", f"not a month (YYYY-MM): {value!r}")
    return date(int(m.group(1)), int(m.group(2)), 1)


def _print_sheet(sheet: PayrollSheet, show_all: bool) -> None:
    state = f"executed {sheet.executed_at:%Y-%m-%d %H:%M} UTC" if sheet.executed_at else "planned"
    if sheet.preview:
        state = "PREVIEW 预览: the plan as it stands today, cannot be executed yet"
    table = Table(
        title=(
            f"{sheet.office_name} payroll {sheet.month:%Y-%m} ({state}); minimum wage "
            f"{format_fen(sheet.minimum_wage_fen)} ({sheet.city}), profile {sheet.profile}"
        )
    )
    table.add_column("工号", no_wrap=True)
    table.add_column("姓名", no_wrap=True)
    for name in ("wage", "cap", "taken", "carried"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("instalments (case, amount, status)")
    shown = [r for r in sheet.rows if show_all or r.lines or r.carried_fen or r.unrecovered_fen]
    for r in shown:
        table.add_row(
            r.employee_no,
            r.name,
            format_fen(r.wage_fen),
            format_fen(r.cap_fen),
            format_fen(r.taken_fen),
            format_fen(r.carried_fen),
            "\n".join(
                [f"{x.case_number} {format_fen(x.amount_fen)} {x.status}" for x in r.lines]
                + (
                    [
                        f"left {r.left_on}, last pay month; unrecovered "
                        f"{format_fen(r.unrecovered_fen)} (civil claim 民事追偿)"
                    ]
                    if r.left_on
                    else []
                )
            ),
        )
    console.print(table)
    console.print(
        f"{len(sheet.rows):,} staff with a wage, {len(shown):,} shown; "
        f"total taken {format_fen(sheet.total_taken_fen)}"
    )
    if sheet.total_unrecovered_fen:
        console.print(
            f"unrecovered balances after the last pay month (civil claim 民事追偿): "
            f"{format_fen(sheet.total_unrecovered_fen)}"
        )


@app.command()
@reports_errors
def sheet(
    as_user: AsUser,
    month: Annotated[
        str, typer.Option("--month", help="The month (YYYY-MM); after next month: a preview.")
    ],
    office: Annotated[str, typer.Option("--office", help="Office code, e.g. BSW.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the CSV and XLSX.")] = Path("."),
    show_all: Annotated[bool, typer.Option("--all", help="Show staff without deductions.")] = False,
) -> None:
    """Build a month's payroll sheet, write payroll-OFFICE-YYYY-MM.csv/.xlsx and show it."""
    with acting(as_user) as ctx:
        code = get_office(ctx.session, ctx.actor.office_id).code
        if office.upper() != code:
            raise ValidationFailed.one("--office", f"{as_user} works for office {code}")
        result = payroll.payroll_sheet(ctx, parse_month(month))
    out.mkdir(parents=True, exist_ok=True)
    stem = payroll.file_stem(result)
    csv_path = payroll.write_csv(result, out / f"{stem}.csv")
    xlsx_path = payroll.write_xlsx(result, out / f"{stem}.xlsx")
    _print_sheet(result, show_all)
    console.print(f"wrote {csv_path} and {xlsx_path}")


@app.command()
@reports_errors
def execute(as_user: AsUser, month: Month) -> None:
    """Take the month's planned instalments from pay (once; refused without served notices)."""
    with acting(as_user) as ctx:
        r = payroll.execute_month(ctx, parse_month(month))
    console.print(
        f"payroll {r.month:%Y-%m} executed (run {r.run_id}): {r.instalments} instalments from "
        f"{r.staff} staff, {format_fen(r.total_fen)} taken"
    )


@app.command()
@reports_errors
def replan(
    staff_id: int,
    as_user: AsUser,
    start: Annotated[str, typer.Option("--from", help="First month to replan (YYYY-MM).")],
) -> None:
    """Recompute a staff member's planned instalments (after a wage or minimum-wage change)."""
    with acting(as_user) as ctx:
        summary = service.replan_staff(ctx, staff_id, parse_month(start))
    for m in summary["months"]:
        console.print(
            f"{m['month'][:7]}: take {format_fen(m['taken_fen'])} of cap "
            f"{format_fen(m['cap_fen'])} ({m['binding']}), carried {format_fen(m['carried_fen'])}"
        )
    if summary["remaining_fen"]:
        console.print(f"not yet scheduled: {format_fen(summary['remaining_fen'])}")


@app.command()
@reports_errors
def notice(
    case_id: int,
    as_user: AsUser,
    content: Annotated[str, typer.Option(help="The notice text: reason and amount.")],
) -> None:
    """Record the written deduction notice served for a case (before the first deduction)."""
    with acting(as_user) as ctx:
        n = service.record_deduction_notice(ctx, case_id, content)
    console.print(f"notice {n.id} served for case {n.case_id}: {format_fen(n.amount_fen or 0)}")


@min_wage_app.command("set")
@reports_errors
def min_wage_set(
    city: str,
    amount_yuan: Annotated[str, typer.Argument(help="Monthly amount in yuan, e.g. 2360.00")],
    start: Annotated[str, typer.Option("--from", help="Effective from (YYYY-MM-DD).")],
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="Source, e.g. the government notice.")] = "",
) -> None:
    """Record a city's monthly minimum wage from a date on (admin)."""
    try:
        fen = parse_yuan(amount_yuan)
    except ValueError as exc:
        raise ValidationFailed.one("AMOUNT_YUAN", str(exc)) from None
    with acting(as_user) as ctx:
        row = service.set_minimum_wage(ctx, city, fen, parse_day(start, "--from"), note)
    console.print(
        f"minimum wage {row.city} {format_fen(row.monthly_fen)} from {row.effective_from}"
    )


@min_wage_app.command("list")
@reports_errors
def min_wage_list(
    as_user: AsUser,
    city: Annotated[str | None, typer.Option(help="Only this city.")] = None,
) -> None:
    """Recorded minimum wages by city and date."""
    with acting(as_user) as ctx:
        rows = service.list_minimum_wages(ctx, city)
    table = Table("city", "from", "monthly", "note")
    for r in rows:
        table.add_row(r.city, r.effective_from.isoformat(), format_fen(r.monthly_fen), r.note)
    console.print(table)


@staff_app.command("leave")
@reports_errors
def staff_leave(
    staff_id: int,
    as_user: AsUser,
    left_on: Annotated[str, typer.Option("--on", help="Last working day (YYYY-MM-DD).")],
    reason: Annotated[
        str, typer.Option("--reason", help="resigned, contract_ended or other")
    ] = "resigned",
    note: Annotated[str, typer.Option(help="A note, e.g. the resignation letter's date.")] = "",
) -> None:
    """Record that a staff member left: nothing is deducted after that month's pay."""
    with acting(as_user) as ctx:
        r = leaving.record_leaving(
            ctx,
            staff_id,
            {"left_on": parse_day(left_on, "--on"), "reason": reason, "note": note},
        )
    console.print(
        f"{r.staff.employee_no} {r.staff.name} left on {r.staff.left_on} ({reason}); "
        f"last pay month {r.last_pay_month:%Y-%m}"
    )
    for line in r.notes_zh:
        console.print(line)
    if r.unrecovered_fen:
        console.print(
            f"unrecovered balance (civil claim 民事追偿): {format_fen(r.unrecovered_fen)}"
        )


def print_case_money(ctx: Ctx, case_id: int, staff_id: int) -> None:
    """The case's money in words under `case show`: the account and what pay cannot take
    (HR and the staff member concerned; others do not see wages)."""
    if not holds(ctx.actor, Permission.VIEW_PAY_SCHEDULE):
        return
    if ctx.actor.role == Role.STAFF and ctx.actor.staff_id != staff_id:
        return
    money = case_money(ctx, case_id)
    if money is None:
        return
    state = "planned" if money.executed else "preview: planned when the case is executed"
    console.print(f"money from pay ({state}): {format_fen(money.owed_fen)}")
    for line in [*money.lines_zh, *money.notes_zh]:
        console.print(f"  {line}")
    if money.unrecovered_fen:
        console.print(f"  unrecovered balance (civil claim): {format_fen(money.unrecovered_fen)}")
