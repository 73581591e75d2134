"""Use cases for units and residents."""

from typing import Any

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.permissions import Permission
from compliance.residents import repository as repo
from compliance.residents.models import Resident, Unit
from compliance.residents.schemas import ResidentCreate, ResidentRead, UnitCreate, UnitRead
from compliance.usecase import record_new, use_case
from compliance.validation import parse


@use_case
def create_unit(ctx: Ctx, data: UnitCreate | dict[str, Any]) -> UnitRead:
    """Record a unit of the estate; building and room are unique per office (admin or manager)."""
    ctx.require(Permission.MANAGE_RESIDENTS)
    body = parse(UnitCreate, data)
    office_id = ctx.actor.office_id
    if repo.unit_at(ctx.session, office_id, body.building, body.room) is not None:
        raise ValidationFailed.one("room", f"{body.building} {body.room} is already recorded")
    row = record_new(ctx, Unit, body, update={"created_at": ctx.now()}, audit_action="unit.created")
    return UnitRead.model_validate(row)


@use_case
def create_resident(ctx: Ctx, data: ResidentCreate | dict[str, Any]) -> ResidentRead:
    """Record a resident of one of the office's units (admin or manager)."""
    ctx.require(Permission.MANAGE_RESIDENTS)
    body = parse(ResidentCreate, data)
    repo.get_unit_in_office(ctx.session, ctx.actor.office_id, body.unit_id)
    row = Resident(
        unit_id=body.unit_id,
        name=body.name,
        phone=body.phone,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    # The chain is permanent and printed in dossiers: record only masked contact data.
    audit.record(
        ctx,
        "resident.created",
        "resident",
        row.id,
        ResidentRead.model_validate(row).model_dump(
            mode="json", include={"unit_id", "name", "phone"}
        ),
    )
    return ResidentRead.for_viewer(row, ctx.actor.role)


def list_units(ctx: Ctx) -> list[UnitRead]:
    """The office's units (every role: addresses are not personal data)."""
    ctx.require(Permission.USE_APP)
    return [UnitRead.model_validate(u) for u in repo.list_units(ctx.session, ctx.actor.office_id)]


def list_residents(ctx: Ctx, unit_id: int | None = None) -> list[ResidentRead]:
    """Residents of the office, masked unless the actor's role may see contact details."""
    ctx.require(Permission.LIST_RESIDENTS)
    rows = repo.list_residents(ctx.session, ctx.actor.office_id, unit_id)
    return [ResidentRead.for_viewer(r, ctx.actor.role) for r in rows]
