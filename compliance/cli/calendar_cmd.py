"""`compliance calendar ...`: the office calendar of public holidays and 调休 workdays.

Years the `chinesecalendar` package covers are copied in on first use (or by `import-year`);
a later year is entered by an admin from the State Council's notice, day by day with `set`,
then declared complete with `confirm-year`. Until then no deadline in that year is counted.
"""

from typing import Annotated

import typer
from rich.table import Table

from compliance.calendar import service as calendar
from compliance.calendar.models import DayKind
from compliance.cli.common import acting, console, parse_day, reports_errors

app = typer.Typer(
    help="The office calendar (工作日历): public holidays and 调休 make-up workdays.",
    no_args_is_help=True,
)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]
WEEKDAY_ZH = "一二三四五六日"


@app.command()
@reports_errors
def show(year: int, as_user: AsUser) -> None:
    """The year's holidays and make-up workdays, and whether deadlines in it are counted."""
    with acting(as_user) as ctx:
        view = calendar.show_year(ctx.session, ctx.actor.office_id, year)
    if view.entered is None:
        hint = (
            f"run `compliance calendar import-year {year}` (chinesecalendar covers it)"
            if view.package_covers
            else f"enter it from the State Council notice: `compliance calendar set {year}-MM-DD "
            f"holiday --name 春节 --as ADMIN` per day, then `compliance calendar confirm-year "
            f"{year} --basis NOTICE --as ADMIN`"
        )
        console.print(f"[red]{year} is not entered[/red]: no deadline in {year} is counted; {hint}")
    else:
        e = view.entered
        console.print(f"{year} entered from {e.source} ({e.basis}); deadlines in it are counted")
    table = Table("day", "weekday", "kind", "name", "source", title=f"office calendar {year}")
    for d in view.days:
        kind = calendar.KIND_ZH.get(d.kind, d.kind)
        table.add_row(d.day.isoformat(), "周" + WEEKDAY_ZH[d.day.weekday()], kind, d.name, d.source)
    console.print(table)


@app.command("set")
@reports_errors
def set_(
    day: str,
    kind: Annotated[str, typer.Argument(help="workday (调休上班) or holiday (放假)")],
    as_user: AsUser,
    name: Annotated[str, typer.Option(help="The holiday, e.g. 春节")] = "",
) -> None:
    """Enter one day off or make-up workday from the State Council's notice (admin)."""
    parsed = parse_day(day, "DATE")
    with acting(as_user) as ctx:
        row = calendar.set_day(ctx, parsed, kind, name)
    console.print(f"{row.day.isoformat()}: {calendar.KIND_ZH[row.kind]} {row.name}".rstrip())


@app.command("unset")
@reports_errors
def unset(day: str, as_user: AsUser) -> None:
    """Remove an entered day: it is an ordinary weekday or weekend day again (admin)."""
    parsed = parse_day(day, "DATE")
    with acting(as_user) as ctx:
        calendar.unset_day(ctx, parsed)
    console.print(f"{parsed.isoformat()}: entry removed")


@app.command("confirm-year")
@reports_errors
def confirm_year(
    year: int,
    as_user: AsUser,
    basis: Annotated[str, typer.Option(help="The notice, e.g. 国办发明电〔2026〕7号")],
) -> None:
    """Declare the year entered in full (admin); deadlines in it are counted from now on."""
    with acting(as_user) as ctx:
        calendar.confirm_year(ctx, year, basis)
        view = calendar.show_year(ctx.session, ctx.actor.office_id, year)
    holidays = sum(d.kind == DayKind.HOLIDAY.value for d in view.days)
    workdays = sum(d.kind == DayKind.WORKDAY.value for d in view.days)
    console.print(f"{year} entered: {holidays} day(s) off, {workdays} make-up workday(s)")


@app.command("import-year")
@reports_errors
def import_year(year: int, as_user: AsUser) -> None:
    """Copy a year from the chinesecalendar package into the office calendar (admin)."""
    with acting(as_user) as ctx:
        added = calendar.import_year(ctx, year)
    console.print(f"{year} imported from chinesecalendar: {added} day(s)")
