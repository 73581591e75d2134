"""An office's database made by the release before issue 11 (migration 0003, the demo office
with three months of records and cases) upgrades to head with its data intact.

The schema test builds an empty database; this one upgrades a full one, where a migration that
rebuilds a table others point at, or writes a value in another format than the app's, fails.
"""

import gzip
import sqlite3
from pathlib import Path

from sqlalchemy import func, select, text
from sqlmodel import Session, SQLModel

import compliance.models_all  # noqa: F401
from compliance.audit import service as audit
from compliance.db import make_engine
from compliance.migrate import upgrade

DUMP = Path(__file__).resolve().parents[1] / "data" / "demo_office_at_0003.sql.gz"


def test_the_demo_office_of_release_0003_upgrades_to_head(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(gzip.decompress(DUMP.read_bytes()).decode())
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
            before = {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                for t in ("feedback", "visit", "case_file", "deduction", "audit_event")
            }
        upgrade(engine)
        with Session(engine) as session:
            # Every row of every table reads back through the models (formats the app parses).
            for table in SQLModel.metadata.sorted_tables:
                session.execute(select(table)).all()
            for name, count in before.items():
                table = SQLModel.metadata.tables[name]
                assert session.execute(select(func.count()).select_from(table)).scalar() >= count
            assert audit.verify(session).ok
            dangling = session.execute(text("PRAGMA foreign_key_check")).all()
            assert dangling == []
    finally:
        engine.dispose()
