"""The append-only, hash-chained audit log."""

from datetime import datetime

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from compliance.models_base import utc_field

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    """One change. Rows are never updated or deleted (triggers enforce it)."""

    __tablename__ = "audit_event"

    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: datetime = utc_field()
    actor_id: int | None = None
    actor_role: str = Field(max_length=16)
    office_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64, index=True)
    entity_id: str = Field(max_length=64, index=True)
    payload: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain head: the lock that serialises appends and the witness of truncation."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
