"""`compliance service ...`: the service standards. This file holds the sub-app and the clocks'
command (`evaluate`); the work-order commands are added from their own file."""

from typing import Annotated

import typer
from rich.table import Table

from compliance.cli.common import acting, console, parse_day, reports_errors
from compliance.flows import service_clocks

app = typer.Typer(
    help="Service standards: work orders, calls and their clocks.", no_args_is_help=True
)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]


@app.command()
@reports_errors
def evaluate(
    as_user: AsUser,
    from_: Annotated[str, typer.Option("--from", help="First office day, YYYY-MM-DD")],
    to: Annotated[str, typer.Option("--to", help="Last office day, YYYY-MM-DD")],
) -> None:
    """Evaluate every service clock of the subjects started in the period: clock rows
    rewritten, findings raised for breaches blamed on a person (never twice)."""
    start, end = parse_day(from_, "--from"), parse_day(to, "--to")
    with acting(as_user) as ctx:
        s = service_clocks.evaluate(ctx, start, end)
    table = Table("standard state", "clocks")
    for state, n in sorted(s.by_state.items()):
        table.add_row(state, str(n))
    console.print(table)
    console.print(
        f"{s.start} – {s.end}: {s.orders} work orders, {s.calls} calls, {s.notices} notices → "
        f"{s.clocks} clocks; {s.attributable} breaches blamed on a person "
        f"({s.new_findings} new R04 findings, {s.existing_findings} already raised), "
        f"{s.excused} excused, {s.repeat_findings} new R10 findings; {s.seconds:.2f} s"
    )
