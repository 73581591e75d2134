"""Users (their Role is in compliance.actors); a staff user is linked to its staff record."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class User(SQLModel, table=True):
    """Someone who signs in. The office director is a manager with is_director set."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    username: str = Field(max_length=50, unique=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=16)
    staff_id: int | None = fk("staff.id", nullable=True)
    is_director: bool = False
    active: bool = True
    password_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = utc_field()
