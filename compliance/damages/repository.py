"""Damage incident queries (may flush, never commit)."""

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from compliance.damages.models import DamageIncident, DamagePhoto


def photos_of_staff(staff_id: int) -> Select[Any]:
    """The ids of the photos of this staff member's damage incidents (a subquery for files)."""
    return (
        select(col(DamagePhoto.file_id))
        .join(DamageIncident, col(DamageIncident.id) == col(DamagePhoto.damage_id))
        .where(col(DamageIncident.staff_id) == staff_id)
    )
