"""An office's import profile: how its punch clock's export maps to the app."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class ImportProfile(SQLModel, table=True):
    """One per office and kind of file: the file's header for each column the import reads
    (JSON: key -> header as written, "" for absent), and for a clock that knows staff by its
    own enrolment number (登记号码), the enrolment list (JSON: enrolment number -> employee
    number, or "-" for a person who is not on the staff list and is skipped)."""

    __tablename__ = "import_profile"
    __table_args__ = (UniqueConstraint("office_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    kind: str = Field(max_length=16)
    columns_json: str = Field(max_length=4000)
    enrolments_json: str = Field(max_length=200000)
    updated_at: datetime = utc_field()
    updated_by: int | None = fk("user.id", nullable=True, index=False)
