"""Column helpers shared by every table: UTC timestamps and who made the change."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from compliance.db import UTCDateTime

# Named constraints keep migrations identical on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_field(*, nullable: bool = False, index: bool = False) -> Any:
    """A timezone-aware UTC datetime column."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


def fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    """An integer foreign key column (restrictive: history is never cascaded away)."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(Integer, ForeignKey(target), nullable=nullable, index=index),
    )


__all__ = ["date", "datetime", "fk", "utc_field"]
