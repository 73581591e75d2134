"""A SQLite writer that cannot get the database within the busy timeout (issue 12, item 11).

Writers wait their turn (compliance.db: in line within a process, on SQLite's lock between
processes). One that still cannot write in time is told so in words, as a conflict that
changed nothing, never with SQLite's raw "database is locked" (a 500).
"""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.config import Settings
from compliance.db import make_engine, unit_of_work
from compliance.errors import Conflict
from compliance.migrate import upgrade
from tests import factories

SHORT = Settings(sqlite_busy_timeout_ms=300)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, int]]:
    """A SQLite file with an office; the hr user's id."""
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}", SHORT)
    upgrade(engine)
    with Session(engine) as s:
        office = factories.office_set(s)
        s.commit()
        user_id = office.users["hr"].id
    assert user_id is not None
    yield engine, user_id
    engine.dispose()


def _rename(engine: Engine, user_id: int, name: str) -> None:
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == user_id).values(display_name=name))


def _names(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.execute(select(User.display_name).order_by(User.id)).scalars())


def test_a_writer_blocked_by_another_process_gets_a_conflict_not_a_lock_error(
    database: tuple[Engine, int],
) -> None:
    engine, user_id = database
    before = _names(engine)
    other = sqlite3.connect(str(engine.url.database), isolation_level=None)  # "another process"
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Conflict) as refused:
            _rename(engine, user_id, "lost")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "busy" in str(refused.value) and "nothing was saved" in str(refused.value)
    assert refused.value.text("zh") == "数据库正忙于其他修改,本次未保存,请稍后重试"
    assert "locked" not in str(refused.value)
    assert _names(engine) == before
    _rename(engine, user_id, "kept")  # the database is free again: the next writer goes
    assert "kept" in _names(engine)


def test_a_writer_waiting_in_line_too_long_gets_a_conflict(
    database: tuple[Engine, int],
) -> None:
    engine, user_id = database
    holding, release = threading.Event(), threading.Event()

    def long_writer() -> None:
        with unit_of_work(engine) as s:
            s.execute(update(User).where(User.id == user_id).values(display_name="first"))
            holding.set()
            release.wait(30)

    first = threading.Thread(target=long_writer)
    first.start()
    try:
        assert holding.wait(30)
        with pytest.raises(Conflict) as refused:
            _rename(engine, user_id, "second")
    finally:
        release.set()
        first.join(30)
    assert refused.value.text("zh") == "数据库正忙于其他修改,本次未保存,请稍后重试"
    with Session(engine) as s:
        names = s.execute(select(func.count()).where(User.display_name == "second")).scalar()
    assert names == 0
    assert "first" in _names(engine)
