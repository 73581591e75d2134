"""Alembic environment: the URL comes from the caller's config or the settings."""

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import compliance.models_all  # noqa: F401  (fills the metadata)
from compliance.db import UTCDateTime, make_engine

config = context.config
target_metadata = SQLModel.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Write our column types as plain SQLAlchemy ones: a revision never imports compliance.

    A revision that imported the application's code would change when that code changes;
    UTCDateTime's DDL is its implementation type's (tests/compliance/test_migrations_standalone.py).
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return f"sa.DateTime(timezone={obj.impl.timezone!r})"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live connection (the only mode we use)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
