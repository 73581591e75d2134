"""The tip ledger: tips declared by staff and handed over to the cashier."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class TipLine(SQLModel, table=True):
    """A declared tip; handover fields are filled when the cashier receives it."""

    __tablename__ = "tip_line"
    __table_args__ = (UniqueConstraint("office_id", "receipt_no"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    staff_id: int = fk("staff.id")
    unit_id: int = fk("unit.id")
    amount_fen: int
    received_at: datetime = utc_field(index=True)
    declared_at: datetime = utc_field()
    handed_over_at: datetime | None = utc_field(nullable=True)
    receipt_no: str | None = Field(default=None, max_length=32)
    cashier_id: int | None = fk("user.id", nullable=True, index=False)
    countersigned_by: int | None = fk("user.id", nullable=True, index=False)
    # The resident's tip report this handover settles, when the cashier names it (R12 then
    # matches them directly, one line to one report).
    feedback_id: int | None = fk("feedback.id", nullable=True)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
