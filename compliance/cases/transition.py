"""Taking one life-cycle step: check, conditional update, CaseStep row, audit event."""

from datetime import date
from typing import Any

from compliance.audit import service as audit
from compliance.cases import lifecycle
from compliance.cases import repository as repo
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, CaseStatus, CaseStep
from compliance.cases.schemas import CaseRead
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import ValidationFailed


def today(ctx: Ctx) -> date:
    """The office's calendar date now."""
    return local_date(ctx.now(), ctx.tz)


def begin(ctx: Ctx, case_id: int, action: Action) -> Case:
    """Load the case the actor may see, check their capacity and that the state allows it."""
    case = repo.get_visible(ctx.session, ctx.actor, case_id)
    lifecycle.check_may(ctx.actor, case.staff_id, action)
    lifecycle.targets(case, action)
    return case


def check_date(ctx: Ctx, case: Case, action: Action, field: str) -> None:
    """ValidationFailed naming the deadline if the date does not allow the action yet/any more."""
    reason = lifecycle.time_block(case, action, today(ctx))
    if reason is not None:
        raise ValidationFailed.one(field, reason)


def move(
    ctx: Ctx, case: Case, action: Action, to: CaseStatus | None = None, **values: Any
) -> tuple[str, CaseStatus]:
    """Conditionally move the case (Conflict if someone else moved it first)."""
    before = case.status
    dest = lifecycle.target(case, action, to)
    repo.move(ctx.session, case, dest, **values)
    return before, dest


def record(
    ctx: Ctx,
    case: Case,
    action: Action,
    before: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> None:
    """Write the CaseStep row and the audit event of a step already applied."""
    ctx.session.add(
        CaseStep(
            case_id=case.id or 0,
            action=action.value,
            from_status=before,
            to_status=case.status,
            note=note[:4000],
            at=ctx.now(),
            actor_id=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    body = {"number": case.number, "from": before, "to": case.status, "note": note}
    audit.record(ctx, f"case.{action.value}", "case", case.id, {**body, **(payload or {})})


def step(
    ctx: Ctx,
    case: Case,
    action: Action,
    *,
    to: CaseStatus | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    **values: Any,
) -> CaseStatus:
    """Move the case and record the step (the usual case)."""
    before, dest = move(ctx, case, action, to, **values)
    record(ctx, case, action, before, note, payload)
    return dest


def finish(ctx: Ctx, case: Case) -> CaseRead:
    """The case's read model, built inside the use case (its one commit follows)."""
    return CaseRead.model_validate(case)
