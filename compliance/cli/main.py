"""Top-level commands."""

import logging
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance import logging_config
from compliance.audit import service as audit
from compliance.cli import (
    backup_cmd,
    calendar_cmd,
    cases_cmd,
    dossier_cmd,
    findings_cmd,
    payroll_cmd,
    policy_cmd,
    records_cmd,
    service_clocks,
    service_orders,
    users_cmd,
)
from compliance.cli.common import acting, console, engine, err_console, parse_day, reports_errors
from compliance.config import get_settings
from compliance.findings.detect import RunSummary, run_detection
from compliance.migrate import upgrade
from compliance.permissions import Permission
from compliance.usecase import transaction

app = typer.Typer(
    help="Staff conduct and compliance auditing (物业管理处员工行为合规审计).", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo office (碧水湾管理处).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(findings_cmd.app, name="findings")
app.add_typer(service_clocks.app, name="service")
service_orders.register(service_clocks.app)
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(records_cmd.app, name="record")
app.add_typer(records_cmd.import_app, name="import")
app.add_typer(users_cmd.office_app, name="office")
app.add_typer(users_cmd.user_app, name="user")
app.add_typer(payroll_cmd.app, name="payroll")
app.add_typer(payroll_cmd.staff_app, name="staff")
app.add_typer(cases_cmd.app, name="case")
app.add_typer(dossier_cmd.app, name="dossier")
app.add_typer(calendar_cmd.app, name="calendar")
backup_cmd.register(app)


@app.callback()
def _logging() -> None:
    """Log warnings and errors with timestamps (COMPLIANCE_LOG_FORMAT=text|json)."""
    logging_config.configure(level=logging.WARNING)


AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema (Alembic)."""
    eng = engine()
    upgrade(eng)
    console.print(f"database at head: {eng.url.render_as_string(hide_password=True)}")
    eng.dispose()


@demo_app.command("load")
@reports_errors
def demo_load() -> None:
    """Load the demo office into an empty database (does nothing if an office exists)."""
    from compliance.demo.load import load_demo

    eng = engine()
    upgrade(eng)
    today = datetime.now(ZoneInfo(get_settings().timezone)).date()
    counts = load_demo(eng, today=today)
    eng.dispose()
    if not counts:
        console.print("database already holds an office; demo not loaded again")
        return
    table = Table("table", "rows", title="demo office loaded: 碧水湾管理处 (BSW)")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


def print_summary(s: RunSummary) -> None:
    """Print a detection run's figures per rule."""
    table = Table(
        "rule",
        "new findings",
        "already found",
        "errors",
        title=f"detection run {s.run_id}: {s.start} → {s.end}",
    )
    for code, c in s.per_rule.items():
        table.add_row(code, str(c.new), str(c.existing), str(c.errors))
    table.add_row("total", str(s.new), str(s.existing), str(s.errors), style="bold")
    console.print(table)
    facts = ", ".join(f"{k} {v:,}" for k, v in s.facts.items())
    console.print(f"facts examined: {facts}; {s.seconds:.2f} s; ruleset {s.ruleset_digest[:12]}")
    for msg in s.error_messages:
        err_console.print(f"[red]rule error:[/red] {msg}")


@app.command()
@reports_errors
def detect(
    as_user: AsUser,
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
) -> None:
    """Run every automatic detector over a period (default: the last 92 days)."""
    with acting(as_user) as ctx:
        today = ctx.now().astimezone(ctx.tz).date()
        last = parse_day(end, "--to") if end else today
        first = parse_day(start, "--from") if start else last - timedelta(days=92)
        print_summary(run_detection(ctx, first, last))


@audit_app.command("verify")
def audit_verify(
    expect: Annotated[
        str | None,
        typer.Option("--expect", help="A head printed on paper, SEQ:HASH, that must be held."),
    ] = None,
) -> None:
    """Walk the whole chain, check it against every anchor (and --expect), and recompute every
    sealed business row; exit 1 naming what does not fit."""
    from compliance.audit import anchor, seal_check

    eng = engine()
    settings = get_settings()
    with Session(eng) as session:
        conn = session.connection()
        report = audit.verify(session)
        anchored, anchor_problems = anchor.check_anchors(conn, settings)
        expected = anchor.check_expected(conn, expect) if expect else None
        rows = seal_check.verify_rows(conn)
    eng.dispose()
    bad = False
    if report.ok:
        console.print(
            f"[green]audit chain intact[/green]: {report.events:,} events, head "
            f"{report.head_seq} {report.head_hash}"
        )
    else:
        bad = True
        err_console.print(
            f"[red]audit chain broken at event {report.first_bad_seq}[/red]: {report.reason} "
            f"({report.events:,} events verified before it)"
        )
    for problem in anchor_problems:
        bad = True
        err_console.print(f"[red]anchor:[/red] {problem}")
    if not anchor_problems:
        console.print(f"anchors: {anchored:,} checked, all agree with the chain")
    if expect:
        if expected is None:
            console.print(f"[green]expected head {expect} is in the chain[/green]")
        else:
            bad = True
            err_console.print(f"[red]expected head:[/red] {expected}")
    if rows.chain_error:
        err_console.print(f"[red]row seals:[/red] {rows.chain_error}")
    for p in rows.problems:
        err_console.print(f"[red]row:[/red] {p.describe()}")
    if rows.ok:
        console.print(
            f"[green]business rows intact[/green]: {rows.rows:,} rows match their seals "
            f"({rows.links:,} seal links, head {rows.head_seq} {rows.head_hash})"
        )
    else:
        bad = True
        unsealed = sum(p.kind == "unsealed" for p in rows.problems)
        if unsealed:
            err_console.print(
                f"{unsealed:,} row(s) have no seal: written outside the app, or before sealing "
                "began (an upgraded database: run `compliance audit seal-baseline --as <admin>`"
                " once)"
            )
    if bad:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Append the current heads to the anchor log now (the app also does it nightly and at
    every dossier or report printed)."""
    from compliance.audit import anchor
    from compliance.clock import SystemClock

    eng = engine()
    settings = get_settings()
    with Session(eng) as session:
        a = anchor.write_anchor(session.connection(), settings, SystemClock().now(), "manual")
    eng.dispose()
    console.print(
        f"anchored audit head {a.seq} {a.hash} and seal head {a.seal_seq} in "
        f"{anchor.anchor_dir(settings) / anchor.ANCHOR_FILE}"
    )


@audit_app.command("seal-baseline")
@reports_errors
def audit_seal_baseline(as_user: AsUser) -> None:
    """Seal, once, the business rows written before sealing began (an upgraded database)."""
    from compliance.audit import seal_check

    with acting(as_user) as ctx, transaction(ctx.session):
        ctx.require(Permission.ADMINISTER)
        n = seal_check.seal_baseline(ctx.session.connection())
        audit.record(ctx, "audit.seal_baseline", "row_seal", "baseline", {"rows": n})
    console.print(f"sealed {n:,} row(s) written before sealing began")


@app.command()
def status() -> None:
    """Counts of the main records, findings by status, and the audit chain head."""
    from compliance.findings.models import Finding

    eng = engine()
    with Session(eng) as session:
        rows = session.execute(
            select(col(Finding.status), func.count()).group_by(col(Finding.status))
        ).all()
        report = audit.verify(session)
    eng.dispose()
    console.print("findings: " + ", ".join(f"{s} {n:,}" for s, n in rows))
    console.print(f"audit chain: {'intact' if report.ok else 'BROKEN'}, head {report.head_seq}")


@demo_app.command("sign-ins")
def demo_sign_ins(url: str = "http://127.0.0.1:8000") -> None:
    """Print the web address and one demo sign-in per role."""
    from compliance.accounts.models import User
    from compliance.demo.load import DEMO_PASSWORD

    eng = engine()
    with Session(eng) as session:
        users = session.execute(select(User).order_by(User.id)).scalars().all()  # type: ignore[arg-type]
    eng.dispose()
    table = Table("role", "username", "password", title=f"demo office: open {url}")
    seen: set[str] = set()
    for u in users:
        role = "director" if u.is_director else u.role
        if role in seen:
            continue
        seen.add(role)
        table.add_row(role, u.username, DEMO_PASSWORD)
    console.print(table)
