"""The staff member's statement: asked for, given, refused, or not given by the deadline."""

from collections.abc import Sequence
from datetime import date

from compliance.actors import Role
from compliance.cases import attachments, transition
from compliance.cases.attachments import AttachedTo, Upload
from compliance.cases.deadlines import statement_due
from compliance.cases.lifecycle import Action
from compliance.cases.models import (
    Case,
    Statement,
    StatementKind,
)
from compliance.cases.schemas import (
    CaseRead,
    NoteIn,
    StatementIn,
    StatementRequest,
)
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.usecase import use_case
from compliance.validation import parse


@use_case
def request_statement(ctx: Ctx, case_id: int, due: date | None = None) -> CaseRead:
    """Ask the staff member for a statement, due in 3 working days unless HR sets a date."""
    case = transition.begin(ctx, case_id, Action.REQUEST_STATEMENT)
    body = parse(StatementRequest, {"due": due})
    today = transition.today(ctx)
    deadline = body.due or statement_due(ctx.session, case.office_id, today)
    if deadline < today:
        raise ValidationFailed.one("due", f"{deadline} is before today ({today})")
    transition.step(
        ctx,
        case,
        Action.REQUEST_STATEMENT,
        note=f"statement due by {deadline.isoformat()}",
        payload={"due": deadline},
        statement_due=deadline,
    )
    return transition.finish(ctx, case)


def _statement(
    ctx: Ctx, case: Case, action: Action, kind: StatementKind, text: str, note: str
) -> None:
    transition.step(ctx, case, action, note=note, payload={"kind": kind.value, "text": text})
    ctx.session.add(
        Statement(
            case_id=case.id or 0,
            kind=kind.value,
            text=text,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user_id,
        )
    )
    ctx.session.flush()


@use_case
def submit_statement(ctx: Ctx, case_id: int, text: str) -> CaseRead:
    """The staff member's statement, in their own words or taken down by HR on paper."""
    case = transition.begin(ctx, case_id, Action.SUBMIT_STATEMENT)
    body = parse(StatementIn, {"text": text})
    by = "the staff member" if ctx.actor.role == Role.STAFF else "HR from a paper statement"
    _statement(
        ctx, case, Action.SUBMIT_STATEMENT, StatementKind.STATEMENT, body.text, f"recorded by {by}"
    )
    return transition.finish(ctx, case)


@use_case
def record_refusal(ctx: Ctx, case_id: int, note: str = "") -> CaseRead:
    """Record that the staff member refused to make a statement (HR)."""
    case = transition.begin(ctx, case_id, Action.RECORD_REFUSAL)
    body = parse(NoteIn, {"note": note})
    _statement(ctx, case, Action.RECORD_REFUSAL, StatementKind.REFUSED, body.note, "refused")
    return transition.finish(ctx, case)


@use_case
def record_silence(ctx: Ctx, case_id: int) -> CaseRead:
    """Record that no statement came by the deadline (HR; only after the deadline)."""
    case = transition.begin(ctx, case_id, Action.RECORD_SILENCE)
    transition.check_date(ctx, case, Action.RECORD_SILENCE, "statement_due")
    due = case.statement_due.isoformat() if case.statement_due else "?"
    _statement(ctx, case, Action.RECORD_SILENCE, StatementKind.SILENT, "", f"no statement by {due}")
    return transition.finish(ctx, case)


def submit_statement_with_files(
    ctx: Ctx, case_id: int, text: str, uploads: Sequence[Upload] = ()
) -> CaseRead:
    """The statement with the photos or documents the staff member hands in with it."""
    return attachments.with_files(
        ctx, case_id, AttachedTo.STATEMENT, uploads, lambda: submit_statement(ctx, case_id, text)
    )
