"""Output shape for stored files."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class StoredFileRead(BaseModel):
    """A stored file's metadata as shown back (never its path on disk)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    sha256: str
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    original_name: str
    created_at: datetime
