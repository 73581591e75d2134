"""`compliance case ...`: every life-cycle step, each taken `--as` a user.

Separation of duties and role checks live in the services, so they apply here exactly as
in the web app.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from compliance.cases import annotations
from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import read as case_read
from compliance.cases import review as case_review
from compliance.cases import statement as case_statement
from compliance.cases.schemas import CaseDetail, CaseRead
from compliance.cli.common import acting, console, parse_day, reports_errors
from compliance.cli.payroll_cmd import print_case_money
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.flows import execute as case_execute
from compliance.flows import open_case
from compliance.flows import propose as case_propose
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
        rows = case_read.list_cases(ctx, status=status, staff_id=staff)
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
    for n in d.notices:
        if n.kind != "decision":
            continue
        if n.acknowledged_at is None or c.service_completed_at is None:
            console.print("  decision notice handed over, [red]not yet served[/red]")
            continue
        served = n.acknowledged_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        how = "signed" if n.ack_kind == "signed" else f"refused to sign before {n.witnesses}"
        console.print(f"  decision notice served {served} ({how})")
    if c.appeal_deadline:
        console.print(f"  appeal possible until {c.appeal_deadline.isoformat()}")
    for s in d.steps:
        at = s.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        console.print(f"  {at} {s.action}: {s.from_status} → {s.to_status} {s.note}")
    console.print(f"  next: {', '.join(d.allowed_actions) or '—'}")


@app.command()
@reports_errors
def show(case_id: int, as_user: AsUser, as_json: bool = False) -> None:
    """Everything about a case, with the actions the acting user may take next."""
    with acting(as_user) as ctx:
        detail = case_read.get_case(ctx, case_id)
        if as_json:
            console.print_json(detail.model_dump_json())
        else:
            _print_detail(detail, ctx.tz)
            print_case_money(ctx, case_id, detail.case.staff_id)


@app.command("open")
@reports_errors
def open_(finding_id: int, as_user: AsUser, reason: str = "") -> None:
    """Confirm a finding into a case (opens one or joins the open case)."""
    _step(as_user, lambda ctx: open_case.confirm_into_case(ctx, finding_id, reason))


@app.command("add-evidence")
@reports_errors
def add_evidence(case_id: int, finding_id: int, as_user: AsUser) -> None:
    """Add a confirmed finding to a case (an approval given before lapses)."""
    _step(as_user, lambda ctx: open_case.add_evidence(ctx, case_id, finding_id))


@app.command("request-statement")
@reports_errors
def request_statement(case_id: int, as_user: AsUser, due: str | None = None) -> None:
    """Ask the staff member for a statement (default: 3 working days)."""
    day = parse_day(due, "--due") if due else None
    _step(as_user, lambda ctx: case_statement.request_statement(ctx, case_id, day))


@app.command()
@reports_errors
def statement(case_id: int, as_user: AsUser, text: Text) -> None:
    """Submit the staff member's statement (申辩)."""
    _step(as_user, lambda ctx: case_statement.submit_statement(ctx, case_id, text))


@app.command("refused")
@reports_errors
def refused(case_id: int, as_user: AsUser, note: str = "") -> None:
    """Record that the staff member refused to give a statement."""
    _step(as_user, lambda ctx: case_statement.record_refusal(ctx, case_id, note))


@app.command("silent")
@reports_errors
def silent(case_id: int, as_user: AsUser) -> None:
    """Record silence after the statement deadline."""
    _step(as_user, lambda ctx: case_statement.record_silence(ctx, case_id))


@app.command()
@reports_errors
def propose(
    case_id: int,
    as_user: AsUser,
    severity: Annotated[str, typer.Option(help="minor, standard or serious")],
    reason: Annotated[str, typer.Option(help="Why this severity")],
) -> None:
    """Propose the outcome from the rule's sanction schedule."""
    _step(as_user, lambda ctx: case_propose.propose(ctx, case_id, severity, reason))


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
    _step(as_user, lambda ctx: case_decision.amend(ctx, case_id, items, reason))


@app.command()
@reports_errors
def approve(
    case_id: int,
    as_user: AsUser,
    justification: Annotated[str, typer.Option(help="Why you approve (同意的理由)")] = "",
    union_answer: Annotated[
        str,
        typer.Option(
            help="Your written answer to the trade union's objection (required "
            "when the union objected to the dismissal)"
        ),
    ] = "",
) -> None:
    """Approve the proposal (dismissal: HR and the director, two people)."""
    _step(as_user, lambda ctx: case_decision.approve(ctx, case_id, justification, union_answer))


Reason = Annotated[str, typer.Option(help="Why (required; HR reads it on the case page)")]


@app.command("reject")
@reports_errors
def reject(case_id: int, as_user: AsUser, reason: Reason) -> None:
    """Reject the proposal (驳回): back to HR under review, who proposes anew."""
    _step(as_user, lambda ctx: case_review.reject_proposal(ctx, case_id, reason))


@app.command("send-back")
@reports_errors
def send_back(case_id: int, as_user: AsUser, reason: Reason) -> None:
    """Send the proposal back to HR to amend (退回修改); approvals given lapse."""
    _step(as_user, lambda ctx: case_review.send_back(ctx, case_id, reason))


@app.command("union-notice")
@reports_errors
def union_notice(case_id: int, as_user: AsUser, reasons: Text) -> None:
    """Record that the trade union was told the reasons for a dismissal."""
    _step(as_user, lambda ctx: case_decision.record_union_notice(ctx, case_id, reasons))


@app.command("union-reply")
@reports_errors
def union_reply(
    case_id: int,
    as_user: AsUser,
    reply: Text,
    objection: Annotated[
        bool, typer.Option("--objection", help="The union objects to the dismissal")
    ] = False,
) -> None:
    """Record the trade union's reply (--objection: it objects; the dismissal then needs a
    written answer to approve it)."""
    _step(
        as_user,
        lambda ctx: case_decision.record_union_reply(ctx, case_id, reply, objection),
    )


Witness = Annotated[
    list[str] | None,
    typer.Option("--witness", help="A witness of the refusal (repeat for several)"),
]


def _local_time(value: str | None, tz: Any) -> datetime | None:
    """'YYYY-MM-DD HH:MM' in the office's time zone (or an ISO time with its offset)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.one("--at", f"not a time (YYYY-MM-DD HH:MM): {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


@app.command()
@reports_errors
def notify(case_id: int, as_user: AsUser, text: Text) -> None:
    """Hand over the written decision notice; it is served when signed for or refused
    before a witness (`acknowledge` / `refused-service`), and the appeal window counts
    from then."""
    _step(as_user, lambda ctx: case_notice.serve_notice(ctx, case_id, text))


def _refused(
    as_user: str, case_id: int, witness: list[str] | None, at: str | None, place: str, note: str
) -> None:
    with acting(as_user) as ctx:
        when = _local_time(at, ctx.tz)
        case = case_notice.record_ack_refusal(
            ctx, case_id, witness or [], at=when, place=place, note=note
        )
    _print_service(case)


def _print_service(case: CaseRead) -> None:
    console.print(f"case {case.number} (id {case.id}) is now [bold]{case.status}[/bold]")
    if case.service_completed_at is not None:
        deadline = case.appeal_deadline.isoformat() if case.appeal_deadline else "—"
        console.print(f"notice served; appeal possible until {deadline}")


@app.command()
@reports_errors
def acknowledge(
    case_id: int,
    as_user: AsUser,
    refused_to_sign: bool = False,
    witness: Witness = None,
    at: Annotated[str | None, typer.Option(help="When the refusal happened")] = None,
    place: str = "",
    note: str = "",
) -> None:
    """The staff member signs for the notice (served now), or HR records a refusal to sign
    with its witness (same as `refused-service`)."""
    if refused_to_sign:
        _refused(as_user, case_id, witness, at, place, note)
        return
    with acting(as_user) as ctx:
        case = case_notice.acknowledge(ctx, case_id)
    _print_service(case)


@app.command("refused-service")
@reports_errors
def refused_service(
    case_id: int,
    as_user: AsUser,
    witness: Witness = None,
    at: Annotated[
        str | None, typer.Option(help="When the refusal happened (YYYY-MM-DD HH:MM, office time)")
    ] = None,
    place: Annotated[str, typer.Option(help="Where the notice was read out and left")] = "",
    note: Annotated[str, typer.Option(help="How the refusal happened")] = "",
) -> None:
    """HR records that the staff member refused to sign for the decision notice before a
    witness (留置送达): the notice is served at that time."""
    _refused(as_user, case_id, witness, at, place, note)


@app.command()
@reports_errors
def appeal(case_id: int, as_user: AsUser, text: Text) -> None:
    """The staff member appeals within the window."""
    _step(as_user, lambda ctx: case_appeal.appeal(ctx, case_id, text))


@app.command("decide-appeal")
@reports_errors
def decide_appeal(
    case_id: int,
    as_user: AsUser,
    outcome: Annotated[str, typer.Option(help="upheld, varied or overturned")],
    text: Text,
) -> None:
    """Decide an appeal (not by anyone who approved the decision)."""
    _step(as_user, lambda ctx: case_appeal.decide_appeal(ctx, case_id, outcome, text))


@app.command()
@reports_errors
def finalize(case_id: int, as_user: AsUser) -> None:
    """Make the decision final once the appeal window has passed."""
    _step(as_user, lambda ctx: case_appeal.finalize(ctx, case_id))


@app.command()
@reports_errors
def execute(case_id: int, as_user: AsUser) -> None:
    """Apply the outcome (deductions scheduled, dismissal takes effect)."""
    _step(as_user, lambda ctx: case_execute.mark_executed(ctx, case_id))


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
        lambda ctx: case_execute.close(
            ctx, case_id, acknowledge_unrecoverable=acknowledge_unrecoverable
        ),
    )


@app.command()
@reports_errors
def dismiss(case_id: int, as_user: AsUser, reason: Text) -> None:
    """Dismiss a case: no breach."""
    _step(as_user, lambda ctx: case_decision.dismiss(ctx, case_id, reason))


@app.command()
@reports_errors
def annotate(case_id: int, as_user: AsUser, text: Text) -> None:
    """Add a note to a case in any state, closed ones included."""
    with acting(as_user) as ctx:
        annotations.annotate(ctx, case_id, text)
    console.print("annotation added")
