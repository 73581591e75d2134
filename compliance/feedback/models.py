"""Resident feedback (praise, complaints, reports) about a staff member."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class Feedback(SQLModel, table=True):
    """One piece of feedback; occurred_at is when the event happened, not when reported."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    staff_id: int = fk("staff.id")
    unit_id: int | None = fk("unit.id", nullable=True)
    channel: str = Field(max_length=16)
    category: str = Field(max_length=32, index=True)
    satisfaction: str | None = Field(default=None, max_length=24)
    text: str = Field(default="", max_length=4000)
    amount_fen: int | None = None
    occurred_at: datetime = utc_field(index=True)
    work_date: date = Field(index=True)
    received_at: datetime = utc_field()
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
    # The damage incident a "damage" feedback opened for valuation (R11).
    damage_id: int | None = fk("damage_incident.id", nullable=True)
