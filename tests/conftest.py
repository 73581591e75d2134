"""Database fixtures: a real database built by `alembic upgrade head`, one per test run.

Set COMPLIANCE_TEST_DATABASE_URL to run the database tests on PostgreSQL; the default is a
SQLite file in a temporary folder. Every test runs in a transaction that is rolled back.
Races between connections (`race_engine`) run on both databases in every run: on PostgreSQL
too whenever it is reachable, since SQLite's single writer cannot catch a missing conditional
UPDATE.
"""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from compliance.actors import Actor
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.migrate import upgrade
from tests import factories

PG_URL = os.environ.get("COMPLIANCE_TEST_DATABASE_URL", "")
# The apps the tests start keep their data still: no minute-by-minute re-evaluation of the
# service clocks behind a test's back (tests/compliance/flows/test_live_clocks.py runs it).
os.environ.setdefault("COMPLIANCE_NIGHTLY_LIVE_SECONDS", "0")
# Where race tests find PostgreSQL when no URL is given (CI's and the dev machine's server).
RACE_PG_URL = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches a database, so CI can rerun just those on PostgreSQL."""
    db_fixtures = {"engine", "session", "ctx", "fresh_engine", "race_engine", "office"}
    for item in items:
        if db_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _new_database(tmp_dir: Path, pg_url: str = PG_URL) -> tuple[Engine, str | None]:
    """An empty database; returns the engine and a PostgreSQL db name to drop."""
    if not pg_url:
        return make_engine(f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.db'}"), None
    name = f"compliance_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_engine(pg_url.rsplit("/", 1)[0] + f"/{name}"), name


def _drop_database(name: str | None, pg_url: str = PG_URL) -> None:
    if name is None:
        return
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The shared test database, migrated to head once per run."""
    eng, name = _new_database(tmp_path_factory.mktemp("db"))
    upgrade(eng)
    yield eng
    eng.dispose()
    _drop_database(name)


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of the test's own, for tests that must really commit (races, tampering)."""
    eng, name = _new_database(tmp_path)
    upgrade(eng)
    yield eng
    eng.dispose()
    _drop_database(name)


@cache
def _postgresql_unreachable(url: str) -> str:
    """Why PostgreSQL at `url` cannot be used ("" when it can)."""
    probe = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            return ""
    except Exception as exc:  # any failure to connect means: not here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        probe.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def race_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of the test's own for connections racing each other, on each database.

    SQLite lets one transaction write at a time, so a race there cannot show a missing
    conditional UPDATE or a lost lock; PostgreSQL can. The PostgreSQL run needs the server at
    COMPLIANCE_TEST_DATABASE_URL (or 127.0.0.1:5432) and is skipped, saying so, without it;
    the SQLite run is skipped when COMPLIANCE_TEST_DATABASE_URL puts the whole run on PostgreSQL.
    """
    if request.param == "sqlite":
        if PG_URL:
            pytest.skip("this run is on PostgreSQL (COMPLIANCE_TEST_DATABASE_URL is set)")
        url = ""
    else:
        url = RACE_PG_URL
        why = _postgresql_unreachable(url)
        if why:
            pytest.skip(f"PostgreSQL is not reachable at {url} ({why}): raced on SQLite only")
    eng, name = _new_database(tmp_path, url)
    upgrade(eng)
    yield eng
    eng.dispose()
    _drop_database(name, url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    conn = engine.connect()
    trans = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        trans.rollback()
        conn.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private data directory."""
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://")


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at 2026-03-31 12:00 Shanghai time."""
    return FixedClock(NOW)


@pytest.fixture
def office(session: Session) -> factories.OfficeSet:
    """An office with one user per role and a few staff and units."""
    return factories.office_set(session)


@pytest.fixture
def ctx(
    session: Session, office: factories.OfficeSet, clock: FixedClock, settings: Settings
) -> Ctx:
    """A use-case context acting as the office's manager."""
    return Ctx(session=session, actor=office.actor("manager"), clock=clock, settings=settings)


def as_role(ctx: Ctx, office: factories.OfficeSet, role: str) -> Ctx:
    """The same context acting as another of the office's users."""
    return Ctx(
        session=ctx.session, actor=office.actor(role), clock=ctx.clock, settings=ctx.settings
    )


__all__ = ["NOW", "Actor", "as_role"]
