"""`compliance findings ...`: list, raise by hand, confirm, dismiss."""

from typing import Annotated

import typer
from rich.table import Table

from compliance.cli.common import acting, console, kv_pairs, reports_errors
from compliance.findings import service
from compliance.findings.schemas import FindingRead
from compliance.permissions import Permission

app = typer.Typer(help="Findings: suspected breaches and their triage.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]


def _show(f: FindingRead) -> None:
    console.print(
        f"finding {f.id} [{f.status}] {f.rule_code} v{f.policy_version} staff {f.staff_id}: "
        f"{f.explanation_zh}"
    )


@app.command("list")
@reports_errors
def list_(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(help="open, confirmed or dismissed")] = "open",
    rule: Annotated[str | None, typer.Option(help="Rule code, e.g. R08")] = None,
    staff: Annotated[int | None, typer.Option(help="Staff id")] = None,
    limit: int = 30,
) -> None:
    """Findings of the acting user's office, newest first."""
    with acting(as_user) as ctx:
        rows = service.triage_queue(ctx, status=status, rule_code=rule, staff_id=staff, limit=limit)
        table = Table("id", "rule", "ver", "staff", "when (local)", "source", "explanation")
        for f in rows:
            table.add_row(
                str(f.id),
                f.rule_code,
                f.policy_version,
                f"{f.employee_no} {f.staff_name}",
                f.occurred_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M"),
                f.source,
                f.explanation_zh,
            )
        console.print(table)


@app.command()
@reports_errors
def confirm(finding_id: int, as_user: AsUser, reason: str = "") -> None:
    """Confirm a finding."""
    with acting(as_user) as ctx:
        _show(service.confirm(ctx, finding_id, {"reason": reason}))


@app.command()
@reports_errors
def dismiss(
    finding_id: int, as_user: AsUser, reason: Annotated[str, typer.Option(help="Why")] = ""
) -> None:
    """Dismiss a finding with a reason."""
    with acting(as_user) as ctx:
        _show(service.dismiss(ctx, finding_id, {"reason": reason}))


@app.command("raise")
@reports_errors
def raise_(
    as_user: AsUser,
    fields: Annotated[
        list[str], typer.Argument(help="rule_code=R05 staff_id=3 occurred_at=... note=...")
    ],
    evidence: Annotated[list[str] | None, typer.Option(help="kind:id, e.g. feedback:12")] = None,
) -> None:
    """Raise a finding by hand from any record."""
    body = kv_pairs(fields)
    body["evidence"] = [
        {"kind": e.split(":", 1)[0], "id": e.split(":", 1)[-1]} for e in (evidence or [])
    ]
    with acting(as_user) as ctx:
        _show(service.raise_manual(ctx, body))


@app.command("nightly")
@reports_errors
def nightly(as_user: AsUser) -> None:
    """Run tonight's detection now, unless a server (or another command) already has.

    The same claim as the app's own nightly thread: one run per night across processes.
    """
    from compliance.cli.common import engine
    from compliance.clock import SystemClock
    from compliance.flows.nightly import default_holder, run_nightly

    with acting(as_user) as ctx:
        ctx.require(Permission.RUN_DETECTION)
    eng = engine()
    try:
        holder = f"cli:{as_user}:{default_holder()}"[:120]
        result = run_nightly(eng, SystemClock(), holder=holder)
    finally:
        eng.dispose()
    if not result.ran:
        console.print(f"night {result.night}: already run or running elsewhere; nothing done")
        return
    for office_id, summary in result.runs.items():
        console.print(
            f"night {result.night}, office {office_id}: run {summary.run_id}, "
            f"{summary.new} new findings, {summary.existing} found again, {summary.errors} errors"
        )
    for office_id, error in result.errors.items():
        console.print(f"[red]office {office_id} failed:[/red] {error}")
