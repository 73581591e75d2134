"""Unannounced spot checks, their checklist answers and photos."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class SpotCheck(SQLModel, table=True):
    """An inspection of one staff member at a unit or an area."""

    __tablename__ = "spot_check"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    staff_id: int = fk("staff.id")
    inspector_id: int = fk("user.id")
    unit_id: int | None = fk("unit.id", nullable=True)
    area: str = Field(default="", max_length=100)
    checked_at: datetime = utc_field(index=True)
    work_date: date = Field(index=True)
    notes: str = Field(default="", max_length=2000)
    created_at: datetime = utc_field()


class SpotCheckItem(SQLModel, table=True):
    """One checklist answer: pass / fail / n.a., with the observed value if measured."""

    __tablename__ = "spot_check_item"

    id: int | None = Field(default=None, primary_key=True)
    spot_check_id: int = fk("spot_check.id")
    rule_code: str = Field(max_length=8)
    item_key: str = Field(max_length=40)
    result: str = Field(max_length=8)
    observed: int | None = None
    note: str = Field(default="", max_length=500)


class SpotCheckPhoto(SQLModel, table=True):
    """A photo taken during a spot check, optionally tied to one item."""

    __tablename__ = "spot_check_photo"

    id: int | None = Field(default=None, primary_key=True)
    spot_check_id: int = fk("spot_check.id")
    item_id: int | None = fk("spot_check_item.id", nullable=True)
    file_id: int = fk("stored_file.id")
