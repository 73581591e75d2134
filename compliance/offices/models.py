"""The office (管理处) that everything else belongs to."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from compliance.models_base import utc_field


class Office(SQLModel, table=True):
    """A property-management office, e.g. 碧水湾管理处 (code BSW)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    name: str = Field(max_length=100)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    city: str = Field(default="", max_length=50)
    created_at: datetime = utc_field()
