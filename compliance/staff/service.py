"""Use cases for staff members: hiring, changes, wages and rulebook acknowledgement."""

from datetime import date
from typing import Any

from compliance.actors import Role
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Forbidden, NotFound, ValidationFailed
from compliance.permissions import Permission
from compliance.staff import repository as repo
from compliance.staff.models import Staff, StaffWage
from compliance.staff.schemas import (
    RulebookAck,
    StaffCreate,
    StaffRead,
    StaffUpdate,
    StaffWageRead,
    WageSet,
)
from compliance.usecase import record_new, use_case
from compliance.validation import not_in_future, parse


def _get(ctx: Ctx, staff_id: int) -> Staff:
    staff = repo.find_in_office(ctx.session, ctx.actor.office_id, staff_id)
    if staff is None:
        raise NotFound(f"staff member {staff_id} not found")
    return staff


def _own_only(ctx: Ctx, staff_id: int) -> None:
    # A staff user may act on their own record only (SPEC §9).
    if ctx.actor.role == Role.STAFF and ctx.actor.staff_id != staff_id:
        raise Forbidden("staff may only act on their own record")


def _not_future_day(ctx: Ctx, field: str, day: date) -> None:
    if day > local_date(ctx.now(), ctx.tz):
        raise ValidationFailed.one(field, "is in the future")


@use_case
def create_staff(ctx: Ctx, data: StaffCreate | dict[str, Any]) -> StaffRead:
    """Hire a staff member, with their first wage from the hire date if given (admin or HR)."""
    ctx.require(Permission.MANAGE_STAFF)
    body = parse(StaffCreate, data)
    office_id = ctx.actor.office_id
    _not_future_day(ctx, "hire_date", body.hire_date)
    if repo.employee_no_taken(ctx.session, office_id, body.employee_no):
        raise ValidationFailed.one("employee_no", f"{body.employee_no} is already in use")
    now = ctx.now()
    # Audited below, once the first wage is written too.
    staff = record_new(
        ctx, Staff, body, update={"created_at": now, "created_by": ctx.actor.user_id}
    )
    if body.monthly_wage_fen is not None:
        ctx.session.add(
            StaffWage(
                staff_id=staff.id or 0,
                monthly_wage_fen=body.monthly_wage_fen,
                effective_from=body.hire_date,
                created_at=now,
                created_by=ctx.actor.user_id,
            )
        )
        ctx.session.flush()
    audit.record(ctx, "staff.created", "staff", staff.id, body.model_dump(mode="json"))
    return StaffRead.model_validate(staff)


@use_case
def update_staff(ctx: Ctx, staff_id: int, data: StaffUpdate | dict[str, Any]) -> StaffRead:
    """Change a staff member's team, position or status (admin or HR)."""
    ctx.require(Permission.MANAGE_STAFF)
    body = parse(StaffUpdate, data)
    staff = _get(ctx, staff_id)
    changes = body.model_dump(mode="json", exclude_none=True)
    for name, value in changes.items():
        setattr(staff, name, value)
    ctx.session.add(staff)
    ctx.session.flush()
    audit.record(ctx, "staff.updated", "staff", staff.id, changes)
    return StaffRead.model_validate(staff)


@use_case
def set_wage(ctx: Ctx, staff_id: int, data: WageSet | dict[str, Any]) -> StaffWageRead:
    """Record the monthly wage in fen from a date on (admin or HR)."""
    ctx.require(Permission.MANAGE_STAFF)
    body = parse(WageSet, data)
    staff = _get(ctx, staff_id)
    if body.effective_from < staff.hire_date:
        raise ValidationFailed.one("effective_from", "is before the hire date")
    # Wage history is never rewritten: a correction is a new line from a new date.
    if repo.wage_from_exists(ctx.session, staff_id, body.effective_from):
        raise ValidationFailed.one(
            "effective_from", f"a wage from {body.effective_from.isoformat()} is already recorded"
        )
    row = StaffWage(
        staff_id=staff_id,
        monthly_wage_fen=body.monthly_wage_fen,
        effective_from=body.effective_from,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, "staff.wage_set", "staff", staff_id, body.model_dump(mode="json"))
    return StaffWageRead.model_validate(row)


@use_case
def record_rulebook_ack(ctx: Ctx, staff_id: int, data: RulebookAck | dict[str, Any]) -> StaffRead:
    """Record that the staff member acknowledged the rulebook (themself, HR or admin)."""
    ctx.require(Permission.RECORD_RULEBOOK_ACK)
    _own_only(ctx, staff_id)
    body = parse(RulebookAck, data)
    staff = _get(ctx, staff_id)
    not_in_future("acknowledged_at", body.acknowledged_at, ctx.now())
    # The latest acknowledgement is kept; earlier ones stay in the audit chain.
    if staff.rulebook_ack_at is not None and body.acknowledged_at < staff.rulebook_ack_at:
        raise ValidationFailed.one(
            "acknowledged_at", "is earlier than the acknowledgement already on record"
        )
    staff.rulebook_ack_at = body.acknowledged_at
    ctx.session.add(staff)
    ctx.session.flush()
    audit.record(
        ctx, "staff.rulebook_acknowledged", "staff", staff_id, body.model_dump(mode="json")
    )
    return StaffRead.model_validate(staff)


def list_staff(ctx: Ctx, status: str | None = None) -> list[StaffRead]:
    """Staff of the actor's office; a staff user sees only themself."""
    ctx.require(Permission.LIST_STAFF)
    only = ctx.actor.staff_id if ctx.actor.role == Role.STAFF else None
    if ctx.actor.role == Role.STAFF and only is None:
        return []
    rows = repo.list_in_office(ctx.session, ctx.actor.office_id, staff_id=only, status=status)
    return [StaffRead.model_validate(s) for s in rows]


def find_active(ctx: Ctx, typed: str) -> StaffRead | None:
    """Whom an inspector means by what they typed or picked: an employee number, alone or
    followed by the name (as the spot-check picker writes it), else the one active staff
    member with that name. None when nobody is meant, or several are.

    Two indexed look-ups rather than reading every staff member of the office."""
    ctx.require(Permission.FIND_STAFF)
    text = typed.strip()
    if not text:
        return None
    found = repo.active_matching(ctx.session, ctx.actor.office_id, text.split()[0], text)
    return StaffRead.model_validate(found[0]) if len(found) == 1 else None


def list_wages(ctx: Ctx, staff_id: int) -> list[StaffWageRead]:
    """A staff member's wage history (admin, HR, or the staff member themself)."""
    ctx.require(Permission.VIEW_WAGES)
    _own_only(ctx, staff_id)
    _get(ctx, staff_id)
    return [StaffWageRead.model_validate(w) for w in repo.wage_history(ctx.session, staff_id)]
