"""Read-only transactions and many writers at once (compliance.db)."""

import threading
import time

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.config import Settings
from compliance.db import make_engine, read_only
from tests import factories


def test_many_writers_at_once_all_get_through(fresh_engine: Engine) -> None:
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer")
    with Session(fresh_engine) as s:
        office = factories.office_set(s)
        s.commit()
        user_id = office.users["hr"].id
    # Twenty writers keep the database busy for seconds; each waits its turn on SQLite's busy
    # handler (the default busy timeout) and none fails.
    engine = make_engine(str(fresh_engine.url), Settings())
    failures: list[str] = []

    def writer(i: int) -> None:
        for n in range(30):
            try:
                with Session(engine) as s:
                    s.execute(update(User).where(User.id == user_id).values(display_name=f"{i}"))
                    time.sleep(0.004)  # some work while holding the database
                    if n == 5:
                        raise RuntimeError("a use case that fails rolls back")
                    s.commit()
                with Session(read_only(engine)) as s:  # reads in between need no turn
                    s.execute(select(func.count()).select_from(User)).scalar_one()
            except RuntimeError:
                pass
            except Exception as exc:  # reported by the assertion, not lost in the thread
                failures.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    engine.dispose()
    assert not [t for t in threads if t.is_alive()], "a writer is stuck"
    assert failures == []


def test_in_memory_urls_make_an_engine_and_a_file_url_a_sized_pool(tmp_path) -> None:
    from sqlalchemy.pool import QueuePool

    from compliance.db import POOL_SIZE, make_engine

    for url in ("sqlite://", "sqlite:///:memory:"):
        make_engine(url).dispose()  # in memory: no pool sizes to give (was a TypeError)
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    assert isinstance(engine.pool, QueuePool) and engine.pool.size() == POOL_SIZE
    engine.dispose()
