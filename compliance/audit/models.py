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
    # The head of the row-seal chain (RowSeal), moved under the same row lock.
    seal_seq: int = 0
    seal_hash: str = Field(default=GENESIS_HASH, max_length=64)


class RowSeal(SQLModel, table=True):
    """One transaction's seals: the canonical hash of every business row it wrote.

    A second hash chain beside `audit_event` (append-only by the same kind of triggers) so
    that the people's audit trail keeps one event per action while every written row is
    still witnessed; `audit_seq` ties each link to the audit head it was sealed under.
    """

    __tablename__ = "row_seal"

    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: datetime = utc_field()
    audit_seq: int
    payload: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class SealBaseline(SQLModel, table=True):
    """Rows that existed before sealing began (migration 0011): the highest id per table
    that `compliance audit seal-baseline` may seal once."""

    __tablename__ = "seal_baseline"

    table_name: str = Field(max_length=64, primary_key=True)
    max_id: int


class RowSealLatest(SQLModel, table=True):
    """Each sealed row's latest seal, for checking a few rows at once (a dossier's) without
    walking the seal chain; keyed with the audit key so it cannot be rewritten to fit an
    edit. `audit verify` walks the chain itself and does not rely on it."""

    __tablename__ = "row_seal_latest"

    table_name: str = Field(max_length=64, primary_key=True)
    row_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: str | None = Field(default=None, max_length=64)
    seal_seq: int
    audit_seq: int
    mac: str = Field(max_length=64)
