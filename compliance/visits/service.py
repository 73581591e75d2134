"""Use cases for work orders: create one, then record each step of progress once."""

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from compliance.permissions import Permission
from compliance.recording import record_new
from compliance.usecase import use_case
from compliance.validation import not_in_future, parse
from compliance.visits.models import Visit
from compliance.visits.schemas import (
    NextTripCreate,
    VisitCreate,
    VisitRead,
    VisitStep,
    VisitStepCreate,
)
from policies.facts import MAX_TRIP

# Step -> (its column, the steps that must come first, the steps that must not exist yet).
_STEPS: dict[VisitStep, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    VisitStep.ASSIGNED: ("assigned_at", (), ("arrived_at", "done_at", "left_at")),
    VisitStep.ARRIVED: ("arrived_at", (), ("done_at", "left_at")),
    VisitStep.DONE: ("done_at", ("arrived_at",), ("left_at",)),
    VisitStep.LEFT: ("left_at", ("arrived_at",), ()),
}
_ORDER = ("requested_at", "assigned_at", "arrived_at", "done_at")


@use_case
def create_visit(ctx: Ctx, data: VisitCreate | dict[str, Any]) -> VisitRead:
    """Open a work order for a staff member at a unit (manager or admin)."""
    ctx.require(Permission.MANAGE_VISITS)
    body = parse(VisitCreate, data)
    row = record_new(
        ctx,
        Visit,
        body,
        staff_id=body.staff_id,
        unit_id=body.unit_id,
        not_future={"requested_at": body.requested_at},
        update={
            "work_date": local_date(body.requested_at, ctx.tz),
            "created_at": ctx.now(),
            "created_by": ctx.actor.user_id,
        },
        audit_action="visit.created",
    )
    return VisitRead.model_validate(row)


@use_case
def record_step(ctx: Ctx, visit_id: int, data: VisitStepCreate | dict[str, Any]) -> VisitRead:
    """Record when a work order was assigned, arrived at, done or left (manager or admin)."""
    ctx.require(Permission.MANAGE_VISITS)
    body = parse(VisitStepCreate, data)
    visit = _get(ctx, visit_id)
    column, needs, not_yet = _STEPS[body.step]
    if body.outcome and body.step is not VisitStep.DONE:
        raise ValidationFailed.one("outcome", "only the 'done' step carries an outcome")
    if getattr(visit, column) is not None:
        raise Conflict(f"work order {visit_id}: '{body.step.value}' is already recorded")
    for later in not_yet:
        if getattr(visit, later) is not None:
            raise InvalidTransition(
                f"work order {visit_id}: cannot record '{body.step.value}' after {later}"
            )
    for before in needs:
        if getattr(visit, before) is None:
            raise InvalidTransition(
                f"work order {visit_id}: record {before.removesuffix('_at')} first"
            )
    _not_before_previous(visit, column, body.at)
    not_in_future("at", body.at, ctx.now())
    _one_trip(visit, body, ctx.tz)

    values: dict[str, Any] = {column: body.at}
    if body.step is VisitStep.ARRIVED:
        # The job's working day is the day it was done, not the day it was asked for: a job
        # requested one evening and done the next morning belongs to that morning's shift
        # and check-in (R02, R09), not to the evening before.
        values["work_date"] = local_date(body.at, ctx.tz)
    if body.step is VisitStep.DONE:
        values["done_date"] = local_date(body.at, ctx.tz)
        values["outcome"] = body.outcome
    # Conditional update: if someone recorded this (or a later) step since we read the
    # row, nothing matches and the second writer gets a conflict instead of overwriting.
    guard = [col(getattr(Visit, c)).is_(None) for c in (column, *not_yet)]
    moved = ctx.session.execute(
        update(Visit)
        .where(col(Visit.id) == visit_id, col(Visit.office_id) == ctx.actor.office_id, *guard)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"work order {visit_id} changed while recording '{body.step.value}'")
    ctx.session.refresh(visit)
    audit.record(ctx, f"visit.{body.step.value}", "visit", visit_id, body.model_dump(mode="json"))
    return VisitRead.model_validate(visit)


def _one_trip(visit: Visit, body: VisitStepCreate, tz: tzinfo) -> None:
    """Refuse a done or left time that would make one trip of two (R09 would see overtime)."""
    if body.step not in (VisitStep.DONE, VisitStep.LEFT) or visit.arrived_at is None:
        return
    if body.at - visit.arrived_at > MAX_TRIP and local_date(body.at, tz) != local_date(
        visit.arrived_at, tz
    ):
        raise ValidationFailed.one(
            "at",
            "more than 12 hours after the arrival, on another day: a job that needed another "
            "trip is recorded as two trips (record when the first trip left, then the next trip)",
        )


@use_case
def next_trip(ctx: Ctx, visit_id: int, data: NextTripCreate | dict[str, Any]) -> VisitRead:
    """Record the next trip of a job whose last trip left it undone (manager or admin).

    The trip is a visit of its own, following the last one: the same order, staff and unit,
    judged on its own day and shift (R02, R09), so a job that needed two trips is never
    taken for one long stay or hours of overtime.
    """
    ctx.require(Permission.MANAGE_VISITS)
    body = parse(NextTripCreate, data)
    last = _get(ctx, visit_id)
    if last.arrived_at is None or last.left_at is None:
        raise InvalidTransition(f"work order {visit_id}: record when the last trip left first")
    if last.done_at is not None:
        raise InvalidTransition(f"work order {visit_id} is already done: no next trip")
    taken = ctx.session.execute(
        select(col(Visit.id)).where(col(Visit.follows_visit_id) == visit_id)
    ).first()
    if taken is not None:
        raise Conflict(f"work order {visit_id} already has a next trip (#{taken[0]})")
    if body.at < last.left_at:
        raise ValidationFailed.one("at", f"must not be before left_at ({last.left_at.isoformat()})")
    not_in_future("at", body.at, ctx.now())
    row = Visit(
        office_id=last.office_id,
        staff_id=last.staff_id,
        unit_id=last.unit_id,
        kind=last.kind,
        description=last.description,
        requested_at=last.requested_at,
        work_date=local_date(body.at, ctx.tz),
        arrived_at=body.at,
        follows_visit_id=visit_id,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "visit.next_trip",
        "visit",
        row.id,
        {"follows": visit_id, **body.model_dump(mode="json")},
    )
    return VisitRead.model_validate(row)


def get_visit(ctx: Ctx, visit_id: int) -> VisitRead:
    """One work order of the actor's office (manager, HR or admin)."""
    ctx.require(Permission.VIEW_VISITS)
    return VisitRead.model_validate(_get(ctx, visit_id))


def _get(ctx: Ctx, visit_id: int) -> Visit:
    visit = ctx.session.get(Visit, visit_id)
    if visit is None or visit.office_id != ctx.actor.office_id:
        raise NotFound(f"work order {visit_id} not found")
    return visit


def _not_before_previous(visit: Visit, column: str, at: datetime) -> None:
    """Refuse a time earlier than the latest step already recorded before this one."""
    earlier = _ORDER[: _ORDER.index(column)] if column in _ORDER else _ORDER
    for name in reversed(earlier):
        prev: datetime | None = getattr(visit, name)
        if prev is not None:
            if at < prev:
                raise ValidationFailed.one("at", f"must not be before {name} ({prev.isoformat()})")
            return
