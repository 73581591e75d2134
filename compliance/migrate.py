"""Run Alembic migrations programmatically (CLI, tests, the run command)."""

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the given revision on the engine's own connection.

    On SQLite a migration that changes a table's constraints rebuilds it (copy, drop,
    rename), and dropping a table that other rows point at fails while foreign keys are
    enforced. So enforcement is off while the migrations run (SQLite ignores the pragma
    inside a transaction: it is set before the transaction begins) and every reference is
    checked before the commit instead: a migration that left a dangling one rolls back.
    """
    cfg = alembic_config()
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if dangling:
                    raise RuntimeError(f"migration left dangling references: {dangling[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision`, under the same rules as upgrade().

    A migration whose downgrade would drop the audit trail (0001, 0011) refuses while the
    trail holds rows, and nothing is changed.
    """
    cfg = alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, revision)
        finally:
            if sqlite:
                assert raw is not None
                raw.execute("PRAGMA foreign_keys=ON")


class NotAtHead(RuntimeError):
    """The database's schema is not the one this code was written for."""


@cache
def _heads() -> tuple[str, ...]:
    """The head revisions of our migrations (read from their files once)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def revisions(engine: Engine) -> tuple[set[str], set[str]]:
    """The database's current revisions and the head revisions of our migrations."""
    heads = set(_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current, heads


def check_at_head(engine: Engine) -> None:
    """NotAtHead, naming the command to run, unless the database is at the head revision."""
    current, heads = revisions(engine)
    if current != heads:
        at = ", ".join(sorted(current)) or "none (an empty database)"
        head = ", ".join(sorted(heads))
        raise NotAtHead(
            f"the database is at revision {at}, not at {head}: "
            "run `compliance db upgrade` first. "
            f"数据库版本为 {at}，不是最新版本 {head}：请先运行 compliance db upgrade。"
        )
