"""Unit and resident queries."""

from sqlalchemy import select
from sqlmodel import Session

from compliance.errors import ValidationFailed
from compliance.residents.models import Unit


def get_unit_in_office(session: Session, office_id: int, unit_id: int, field: str = "unit_id") -> Unit:
    """The unit if it belongs to the office, else a validation error on the field."""
    unit = session.execute(
        select(Unit).where(Unit.id == unit_id, Unit.office_id == office_id)
    ).scalar_one_or_none()
    if unit is None:
        raise ValidationFailed.one(field, f"unknown unit {unit_id}")
    return unit
