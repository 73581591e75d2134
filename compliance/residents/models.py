"""Units (building/room) and the residents living there."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class Unit(SQLModel, table=True):
    """A home on the estate."""

    __table_args__ = (UniqueConstraint("office_id", "building", "room"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    building: str = Field(max_length=20)
    room: str = Field(max_length=20)
    created_at: datetime = utc_field()


class Resident(SQLModel, table=True):
    """A resident; name and phone are shown masked except to roles that need them."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = fk("unit.id")
    name: str = Field(max_length=50)
    phone: str = Field(default="", max_length=20)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
