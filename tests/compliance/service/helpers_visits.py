"""Test data for return visits and lobby notices: an estate of a few buildings, and a front
desk user with a staff record of their own."""

from datetime import datetime, timedelta

from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.context import Ctx
from compliance.residents.models import Unit
from compliance.service import return_visits
from compliance.service.models import ReturnVisit
from tests.factories import T0, OfficeSet


def add_units(session: Session, office: OfficeSet, building: str, n: int) -> list[Unit]:
    """n more units in a building (rooms 201, 202, ...)."""
    out = []
    for i in range(n):
        u = Unit(office_id=office.office.id, building=building, room=f"{201 + i}", created_at=T0)
        session.add(u)
        out.append(u)
    session.flush()
    return out


def front_desk(session: Session, office: OfficeSet) -> Actor:
    """A front-desk user linked to the office's third staff member."""
    user = User(
        office_id=office.office.id,
        username=f"{office.office.code.lower()}-desk",
        display_name="desk",
        role=Role.FRONT_DESK.value,
        staff_id=office.staff[2].id,
        created_at=T0,
    )
    session.add(user)
    session.flush()
    office.users["front_desk"] = user
    return Actor.for_user(user)


def visit(
    ctx: Ctx, unit: Unit, at: datetime, topic: str = "", rating: int | None = 4, **more: object
) -> ReturnVisit:
    """Record a return visit by phone, by the office's first staff member."""
    data = {
        "unit_id": unit.id,
        "method": "phone",
        "visitor_staff_id": more.pop("visitor", None) or _first_staff(ctx),
        "visited_at": at,
        "rating": rating,
        "topic": topic,
        **more,
    }
    return return_visits.record_visit(ctx, data)


def _first_staff(ctx: Ctx) -> int:
    from sqlalchemy import select
    from sqlmodel import col

    from compliance.staff.models import Staff

    return int(
        ctx.session.execute(
            select(col(Staff.id)).where(col(Staff.office_id) == ctx.actor.office_id).limit(1)
        ).scalar_one()
    )


def minutes(n: int) -> timedelta:
    """n minutes."""
    return timedelta(minutes=n)
