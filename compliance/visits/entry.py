"""Work orders on the web: the list (by day and staff member, a page at a time), a work
order entered with the steps already taken, and a correction with a reason."""

from datetime import datetime
from typing import Any

from sqlmodel import col

from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, NotFound, ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW, parse
from compliance.visits import service
from compliance.visits.corrections import Citations, correct
from compliance.visits.listing import Page, Period, paged
from compliance.visits.models import Visit
from compliance.visits.schemas import VisitCorrect, VisitRead, VisitStep
from policies.facts import MAX_TRIP

STEP_FIELDS = ("assigned_at", "arrived_at", "done_at", "left_at")
BEFORE_REQUEST = N_("must not be before the request")
BEFORE_ARRIVAL = N_("must not be before the arrival")
BEFORE_ASSIGNED = N_("must not be before the job was assigned")
BEFORE_DONE = N_("must not be before the job was done")
NEEDS_ARRIVAL = N_("record the arrival first")
OUTCOME_NEEDS_DONE = N_("an outcome goes with the time the job was done")
IN_FUTURE = N_("is in the future")
ONE_TRIP = N_(
    "more than 12 hours after the arrival, on another day: a job that needed another trip "
    "is two trips (record when the first trip left, then the next trip)"
)


def list_visits(ctx: Ctx, period: Period, page: int = 1, per_page: int = 25) -> Page[Visit]:
    """The office's work orders of the working days in the period, newest first."""
    ctx.require(Permission.VIEW_VISITS)
    order = [col(Visit.work_date).desc(), col(Visit.requested_at).desc(), col(Visit.id)]
    return paged(ctx, Visit, order, period, page, per_page)


@use_case
def enter_visit(
    ctx: Ctx, data: dict[str, Any], steps: dict[str, datetime], outcome: str
) -> VisitRead:
    """A work order and the steps already taken on it, in one go (all or nothing)."""
    row = service.create_visit(ctx, data)
    _check_order(steps, outcome, ctx, row.requested_at)
    for step in VisitStep:
        at = steps.get(f"{step.value}_at")
        if at is not None:
            body = {"step": step.value, "at": at}
            if step is VisitStep.DONE and outcome:
                body["outcome"] = outcome
            row = service.record_step(ctx, row.id, body)
    return row


@use_case
def correct_visit(
    ctx: Ctx,
    visit_id: int,
    data: VisitCorrect | dict[str, Any],
    cited: Citations,
    loaded: str | None = None,
) -> dict[str, Any]:
    """Correct a work order (its people, place, kind, text and step times) with a reason."""
    ctx.require(Permission.MANAGE_VISITS)
    body = parse(VisitCorrect, data)
    visit = ctx.session.get(Visit, visit_id)
    if visit is None or visit.office_id != ctx.actor.office_id:
        raise NotFound(N_("no such work order in this office"))
    get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    get_unit_in_office(ctx.session, ctx.actor.office_id, body.unit_id)
    steps = {f: getattr(body, f) for f in STEP_FIELDS if getattr(body, f) is not None}
    _check_order(steps, body.outcome, ctx, body.requested_at)
    if body.requested_at > ctx.now() + CLOCK_SKEW:
        raise ValidationFailed.one("requested_at", IN_FUTURE)
    first_day = body.arrived_at or body.requested_at
    values: dict[str, Any] = {
        "staff_id": body.staff_id,
        "unit_id": body.unit_id,
        "kind": body.kind.value,
        "description": body.description,
        "requested_at": body.requested_at,
        "work_date": local_date(first_day, ctx.tz),
        "outcome": body.outcome,
        "done_date": None if body.done_at is None else local_date(body.done_at, ctx.tz),
        **{f: getattr(body, f) for f in STEP_FIELDS},
    }
    return correct(
        ctx,
        visit,
        values,
        reason=body.reason,
        kind="visit",
        cited=cited,
        action="visit.corrected",
        entity="visit",
        loaded=loaded,
    )


def _check_order(steps: dict[str, datetime], outcome: str, ctx: Ctx, requested: datetime) -> None:
    """Every step in its order, none in the future, one trip; all the bad fields at once."""
    errors: list[FieldError] = []
    arrived, done, left = (steps.get(f) for f in ("arrived_at", "done_at", "left_at"))
    for name, at in steps.items():
        if at < requested:
            errors.append(FieldError(name, BEFORE_REQUEST))
        elif at > ctx.now() + CLOCK_SKEW:
            errors.append(FieldError(name, IN_FUTURE))
    for name, end in (("done_at", done), ("left_at", left)):
        if end is None:
            continue
        if arrived is None:
            errors.append(FieldError(name, NEEDS_ARRIVAL))
        elif end < arrived:
            errors.append(FieldError(name, BEFORE_ARRIVAL))
        elif end - arrived > MAX_TRIP and local_date(end, ctx.tz) != local_date(arrived, ctx.tz):
            errors.append(FieldError(name, ONE_TRIP))
    assigned = steps.get("assigned_at")
    if assigned is not None and arrived is not None and arrived < assigned:
        errors.append(FieldError("arrived_at", BEFORE_ASSIGNED))
    if done is not None and left is not None and left < done:
        errors.append(FieldError("left_at", BEFORE_DONE))
    if outcome and done is None:
        errors.append(FieldError("outcome", OUTCOME_NEEDS_DONE))
    if errors:
        raise ValidationFailed(errors)


# What a correction sets (compliance.visits.corrections.seen digests them for the form).
VISIT_FIELDS = (
    "staff_id",
    "unit_id",
    "kind",
    "description",
    "requested_at",
    "work_date",
    "outcome",
    "done_date",
    *STEP_FIELDS,
)
