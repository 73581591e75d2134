"""`compliance case ...`: every life-cycle step, each taken `--as` a user.

Separation of duties and role checks live in the services, so they apply here exactly as
in the web app.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from compliance.cases import service
from compliance.cases.schemas import CaseDetail, CaseRead
from compliance.cli.common import acting, console, parse_day, reports_errors
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.money import format_fen

app = typer.Typer(help="Disciplinary cases (案件): the whole life cycle.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]
Text = Annotated[str, typer.Option(help="The text to record")]


def _step(as_user: str, fn: Callable[[Ctx], CaseRead]) -> None:
    with acting(as_user) as ctx:
        case = fn(ctx)
    console.print(f"case {case.number} (id {case.id}) is now [bold]{case.status}[/bold]")


@app.command("list")
@reports_errors
def list_(
    as_user: AsUser,
    status: Annotated[str | None, typer.Option(help="Only cases in this state")] = None,
    staff: Annotated[int | None, typer.Option(help="Only this staff member")] = None,
) -> None:
    """Cases the acting user may see (staff see only their own)."""
    with acting(as_user) as ctx:
        rows = service.list_cases(ctx, status=status, staff_id=staff)
    table = Table("id", "number", "staff", "rule", "status", "severity", "incident")
    for c in rows:
        table.add_row(
            str(c.id),
            c.number,
            str(c.staff_id),
            c.rule_code,
            c.status,
            c.severity or "",
            c.incident_at.astimezone(ctx.tz).strftime("%Y-%m-%d"),
        )
    console.print(table)


def _print_detail(d: CaseDetail, tz: Any) -> None:
    c = d.case
    console.print(
        f"[bold]{c.number}[/bold] staff {c.staff_id} · {c.rule_code} v{c.policy_version} · "
        f"[bold]{c.status}[/bold] · severity {c.severity or '—'}"
    )
    for f in d.findings:
        console.print(f"  finding {f.id}: {f.explanation_zh}")
    if d.statement:
        console.print(f"  statement ({d.statement.kind}): {d.statement.text}")
    if d.proposals:
        p = d.proposals[-1]
        console.print(
            f"  proposal rev {p.revision}{' [red]legal risk[/red]' if p.legal_risk else ''}:"
        )
        for o in p.outcomes:
            amount = f" {format_fen(o['amount_fen'])}" if o.get("amount_fen") else ""
            console.print(f"    • {o.get('label_zh', o['kind'])}{amount}")
        for line in p.reasoning.get("explanation_zh", []):
            console.print(f"    {line}")
    for a in d.approvals:
        state = "lapsed" if a.lapsed_at else "valid"
        console.print(f"  approval by user {a.approver_id} as {a.capacity} ({state})")
    for g in d.dismissal_gates or []:
        mark = "✓" if g.passed else ("✗" if g.blocking else "!")
        console.print(f"  gate {mark} {g.text_zh} ({g.law_zh})")
    if d.wrongful_dismissal_cost:
        cost = d.wrongful_dismissal_cost
        console.print(f"  wrongful-dismissal cost: {format_fen(cost.amount_fen)}")
    for s in d.steps:
        at = s.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        console.print(f"  {at} {s.action}: {s.from_status} → {s.to_status} {s.note}")
    console.print(f"  next: {', '.join(d.allowed_actions) or '—'}")


@app.command()
@reports_errors
def show(case_id: int, as_user: AsUser, as_json: bool = False) -> None:
    """Everything about a case, with the actions the acting user may take next."""
    with acting(as_user) as ctx:
        detail = service.get_case(ctx, case_id)
        if as_json:
            console.print_json(detail.model_dump_json())
        else:
            _print_detail(detail, ctx.tz)


@app.command("open")
@reports_errors
def open_(finding_id: int, as_user: AsUser, reason: str = "") -> None:
    """Confirm a finding into a case (opens one or joins the open case)."""
    _step(as_user, lambda ctx: service.confirm_into_case(ctx, finding_id, reason))


@app.command("add-evidence")
@reports_errors
def add_evidence(case_id: int, finding_id: int, as_user: AsUser) -> None:
    """Add a confirmed finding to a case (an approval given before lapses)."""
    _step(as_user, lambda ctx: service.add_evidence(ctx, case_id, finding_id))


@app.command("request-statement")
@reports_errors
def request_statement(case_id: int, as_user: AsUser, due: str | None = None) -> None:
    """Ask the staff member for a statement (default: 3 working days)."""
    day = parse_day(due, "--due") if due else None
    _step(as_user, lambda ctx: service.request_statement(ctx, case_id, day))


@app.command()
@reports_errors
def statement(case_id: int, as_user: AsUser, text: Text) -> None:
    """Submit the staff member's statement (申辩)."""
    _step(as_user, lambda ctx: service.submit_statement(ctx, case_id, text))


@app.command("refused")
@reports_errors
def refused(case_id: int, as_user: AsUser, note: str = "") -> None:
    """Record that the staff member refused to give a statement."""
    _step(as_user, lambda ctx: service.record_refusal(ctx, case_id, note))


@app.command("silent")
@reports_errors
def silent(case_id: int, as_user: AsUser) -> None:
    """Record silence after the statement deadline."""
    _step(as_user, lambda ctx: service.record_silence(ctx, case_id))


@app.command()
@reports_errors
def propose(
    case_id: int,
    as_user: AsUser,
    severity: Annotated[str, typer.Option(help="minor, standard or serious")],
    reason: Annotated[str, typer.Option(help="Why this severity")],
) -> None:
    """Propose the outcome from the rule's sanction schedule."""
    _step(as_user, lambda ctx: service.propose(ctx, case_id, severity, reason))


@app.command()
@reports_errors
def amend(
    case_id: int,
    as_user: AsUser,
    outcomes: Annotated[str, typer.Option(help='JSON list: [{"kind": "...", "amount_fen": 1}]')],
    reason: Annotated[str, typer.Option(help="Why the proposal is amended")],
) -> None:
    """Amend the proposal (a new revision; approvals lapse)."""
    try:
        items = json.loads(outcomes)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.one("--outcomes", f"not valid JSON: {exc}") from None
    _step(as_user, lambda ctx: service.amend(ctx, case_id, items, reason))


@app.command()
@reports_errors
def approve(case_id: int, as_user: AsUser, justification: str = "") -> None:
    """Approve the proposal (dismissal: HR and the director, two people)."""
    _step(as_user, lambda ctx: service.approve(ctx, case_id, justification))


@app.command("union-notice")
@reports_errors
def union_notice(case_id: int, as_user: AsUser, reasons: Text) -> None:
    """Record that the trade union was told the reasons for a dismissal."""
    _step(as_user, lambda ctx: service.record_union_notice(ctx, case_id, reasons))


@app.command("union-reply")
@reports_errors
def union_reply(case_id: int, as_user: AsUser, reply: Text) -> None:
    """Record the trade union's reply."""
    _step(as_user, lambda ctx: service.record_union_reply(ctx, case_id, reply))


@app.command()
@reports_errors
def notify(case_id: int, as_user: AsUser, text: Text) -> None:
    """Serve the written decision notice (the appeal window starts)."""
    _step(as_user, lambda ctx: service.serve_notice(ctx, case_id, text))


@app.command()
@reports_errors
def acknowledge(case_id: int, as_user: AsUser, refused_to_sign: bool = False) -> None:
    """The staff member signs the notice, or HR records a refusal to sign."""
    if refused_to_sign:
        _step(as_user, lambda ctx: service.record_ack_refusal(ctx, case_id))
    else:
        _step(as_user, lambda ctx: service.acknowledge(ctx, case_id))


@app.command()
@reports_errors
def appeal(case_id: int, as_user: AsUser, text: Text) -> None:
    """The staff member appeals within the window."""
    _step(as_user, lambda ctx: service.appeal(ctx, case_id, text))


@app.command("decide-appeal")
@reports_errors
def decide_appeal(
    case_id: int,
    as_user: AsUser,
    outcome: Annotated[str, typer.Option(help="upheld, varied or overturned")],
    text: Text,
) -> None:
    """Decide an appeal (not by anyone who approved the decision)."""
    _step(as_user, lambda ctx: service.decide_appeal(ctx, case_id, outcome, text))


@app.command()
@reports_errors
def finalize(case_id: int, as_user: AsUser) -> None:
    """Make the decision final once the appeal window has passed."""
    _step(as_user, lambda ctx: service.finalize(ctx, case_id))


@app.command()
@reports_errors
def execute(case_id: int, as_user: AsUser) -> None:
    """Apply the outcome (deductions scheduled, dismissal takes effect)."""
    _step(as_user, lambda ctx: service.mark_executed(ctx, case_id))


@app.command()
@reports_errors
def close(
    case_id: int,
    as_user: AsUser,
    acknowledge_unrecoverable: Annotated[
        bool,
        typer.Option(
            "--acknowledge-unrecoverable",
            help="Acknowledge that pay cannot take the case's money (zero cap, over 12 months, "
            "balance after leaving); required to close such a case.",
        ),
    ] = False,
) -> None:
    """Close an executed case (it can then only be annotated)."""
    _step(
        as_user,
        lambda ctx: service.close(
            ctx, case_id, acknowledge_unrecoverable=acknowledge_unrecoverable
        ),
    )


@app.command()
@reports_errors
def dismiss(case_id: int, as_user: AsUser, reason: Text) -> None:
    """Dismiss a case: no breach."""
    _step(as_user, lambda ctx: service.dismiss(ctx, case_id, reason))


@app.command()
@reports_errors
def annotate(case_id: int, as_user: AsUser, text: Text) -> None:
    """Add a note to a case in any state, closed ones included."""
    with acting(as_user) as ctx:
        service.annotate(ctx, case_id, text)
    console.print("annotation added")
