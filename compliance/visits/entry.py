"""Work orders on the web: the list (by day and staff member, a page at a time), a work
order entered with the steps already taken, and a correction with a reason."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
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


@dataclass(frozen=True)
class VisitPage:
    """One page of the list and how many there are in all."""

    rows: list[Visit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.per_page))


def list_visits(
    ctx: Ctx,
    *,
    start: date | None = None,
    end: date | None = None,
    staff_id: int | None = None,
    page: int = 1,
    per_page: int = 25,
) -> VisitPage:
    """The office's work orders of the working days [start, end], newest first."""
    ctx.require(Permission.VIEW_VISITS)
    where = [col(Visit.office_id) == ctx.actor.office_id]
    if start is not None:
        where.append(col(Visit.work_date) >= start)
    if end is not None:
        where.append(col(Visit.work_date) <= end)
    if staff_id is not None:
        where.append(col(Visit.staff_id) == staff_id)
    total = ctx.session.execute(select(func.count()).select_from(Visit).where(*where)).scalar()
    page = max(1, page)
    rows = ctx.session.execute(
        select(Visit)
        .where(*where)
        .order_by(col(Visit.work_date).desc(), col(Visit.requested_at).desc(), col(Visit.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).scalars()
    return VisitPage(list(rows), int(total or 0), page, per_page)


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
    ctx: Ctx, visit_id: int, data: VisitCorrect | dict[str, Any], cited: Citations
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
