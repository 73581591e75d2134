"""Unit and resident queries."""

from sqlmodel import Session, col, select

from compliance.errors import ValidationFailed
from compliance.residents.models import Resident, Unit


def get_unit_in_office(
    session: Session, office_id: int, unit_id: int, field: str = "unit_id"
) -> Unit:
    """The unit if it belongs to the office, else a validation error on the field."""
    unit = session.exec(
        select(Unit).where(col(Unit.id) == unit_id, col(Unit.office_id) == office_id)
    ).one_or_none()
    if unit is None:
        raise ValidationFailed.one(field, f"unknown unit {unit_id}")
    return unit


def unit_at(session: Session, office_id: int, building: str, room: str) -> Unit | None:
    """The office's unit at a building and room, if recorded."""
    return session.exec(
        select(Unit).where(
            col(Unit.office_id) == office_id, col(Unit.building) == building, col(Unit.room) == room
        )
    ).one_or_none()


def list_units(session: Session, office_id: int) -> list[Unit]:
    """The office's units by building and room."""
    stmt = select(Unit).where(col(Unit.office_id) == office_id)
    return list(session.exec(stmt.order_by(col(Unit.building), col(Unit.room))))


def list_residents(session: Session, office_id: int, unit_id: int | None = None) -> list[Resident]:
    """Residents of the office's units (or of one unit), in the order recorded."""
    stmt = (
        select(Resident)
        .join(Unit, col(Unit.id) == col(Resident.unit_id))
        .where(col(Unit.office_id) == office_id)
    )
    if unit_id is not None:
        stmt = stmt.where(col(Resident.unit_id) == unit_id)
    return list(session.exec(stmt.order_by(col(Resident.id))))
