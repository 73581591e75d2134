"""Uploaded files (photos) stored under the data directory with server-chosen names."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class StoredFile(SQLModel, table=True):
    """A file's metadata; the bytes live at data_dir/<storage_name>."""

    __tablename__ = "stored_file"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    storage_name: str = Field(max_length=100, unique=True)
    sha256: str = Field(max_length=64, index=True)
    content_type: str = Field(max_length=50)
    size_bytes: int
    width: int | None = None
    height: int | None = None
    original_name: str = Field(default="", max_length=255)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
