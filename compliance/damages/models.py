"""Damage to a resident's property: valuation, sign-off and settlement."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class ValuationBasis(StrEnum):
    """What the assessed value rests on."""

    RECEIPT = "receipt"
    QUOTE = "quote"
    ASSESSMENT = "assessment"


class Settlement(StrEnum):
    """How the compensation is settled."""

    PENDING = "pending"
    PAID_DIRECTLY = "paid_directly"
    DEDUCTED = "deducted"


class DamageIncident(SQLModel, table=True):
    """A damage incident caused by a staff member in a home."""

    __tablename__ = "damage_incident"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    staff_id: int = fk("staff.id")
    unit_id: int = fk("unit.id")
    item: str = Field(max_length=100)
    description: str = Field(default="", max_length=4000)
    occurred_at: datetime = utc_field(index=True)
    assessed_value_fen: int | None = None
    valuation_basis: str | None = Field(default=None, max_length=16)
    valuation_note: str = Field(default="", max_length=500)
    resident_signed_off_at: datetime | None = utc_field(nullable=True)
    settlement: str = Field(default=Settlement.PENDING, max_length=16)
    settled_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class DamagePhoto(SQLModel, table=True):
    """A photo of the damage."""

    __tablename__ = "damage_photo"

    id: int | None = Field(default=None, primary_key=True)
    damage_id: int = fk("damage_incident.id")
    file_id: int = fk("stored_file.id")
