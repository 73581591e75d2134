"""Issued dossiers: which PDF the office printed, for which case, when and by whom."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class Dossier(SQLModel, table=True):
    """One printed case dossier; its SHA-256 is what `verify` compares a PDF against."""

    __tablename__ = "dossier"
    __table_args__ = (UniqueConstraint("office_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    case_id: int = fk("case_file.id")
    number: str = Field(max_length=32)
    sha256: str = Field(max_length=64, index=True)
    content_digest: str = Field(max_length=64)
    size_bytes: int
    language: str = Field(max_length=8)
    issued_at: datetime = utc_field()
    issued_by: int | None = fk("user.id", nullable=True, index=False)
    chain_seq: int
    chain_hash: str = Field(max_length=64)
