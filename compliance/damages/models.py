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
    """Where the damage's account stands (a summary of its settlement rows).

    `pending`: something is still owed; otherwise the kind that settled the last of it.
    `deducted` is kept for rows recorded before settlements were amounts.
    """

    PENDING = "pending"
    PAID_DIRECTLY = "paid_directly"
    INSURANCE = "insurance"
    WAIVED = "waived"
    DEDUCTED = "deducted"


class SettlementKind(StrEnum):
    """How part of the compensation was settled outside the payroll."""

    PAID_DIRECTLY = "paid_directly"  # the staff member paid the resident
    INSURANCE = "insurance"  # the office's insurance paid the resident
    WAIVED = "waived"  # the resident or the office waived it


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
    # The sum of the settlement rows: assessed − settled is what may still be recovered.
    settled_fen: int = 0
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class DamagePhoto(SQLModel, table=True):
    """A photo of the damage."""

    __tablename__ = "damage_photo"

    id: int | None = Field(default=None, primary_key=True)
    damage_id: int = fk("damage_incident.id")
    file_id: int = fk("stored_file.id")


class DamageSettlement(SQLModel, table=True):
    """An amount of a damage's compensation settled outside the payroll (append-only)."""

    __tablename__ = "damage_settlement"

    id: int | None = Field(default=None, primary_key=True)
    damage_id: int = fk("damage_incident.id")
    kind: str = Field(max_length=16)
    amount_fen: int
    at: datetime = utc_field()
    by: int | None = fk("user.id", nullable=True, index=False)
    note: str = Field(default="", max_length=500)
    # What the settlement cancelled of an existing deduction plan (0 if none was planned).
    cancelled_fen: int = 0
