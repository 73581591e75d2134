"""Drafted notices: each edit, reset, print and service of a case's notice, as written.

A row is one version of one notice of a case (decision, deduction or trade-union notice):
the text as it stood, whether it differs from the draft generated from the case, and, once
printed or served, the PDF and its SHA-256.
"""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class NoticeDocument(SQLModel, table=True):
    """One version of a case's notice: `event` says what made it (edited, reset, printed,
    served); `pdf` and `sha256` are set when it was printed or served."""

    __tablename__ = "notice_document"
    __table_args__ = (UniqueConstraint("case_id", "kind", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    case_id: int = fk("case_file.id", index=False)
    kind: str = Field(max_length=16)
    version: int
    event: str = Field(max_length=16)
    text: str = Field(max_length=20000)
    edited: bool = False
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
