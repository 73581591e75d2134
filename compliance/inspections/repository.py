"""Spot check queries (may flush, never commit)."""

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from compliance.inspections.models import SpotCheck, SpotCheckPhoto


def photos_of_staff(staff_id: int) -> Select[Any]:
    """The ids of the photos of this staff member's spot checks (a subquery for files)."""
    return (
        select(col(SpotCheckPhoto.file_id))
        .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckPhoto.spot_check_id))
        .where(col(SpotCheck.staff_id) == staff_id)
    )
