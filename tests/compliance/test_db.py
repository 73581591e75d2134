"""Read-only transactions and the line writers wait in (compliance.db)."""

import threading
import time

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.config import Settings
from compliance.db import WriteTurns, make_engine, read_only
from tests import factories


def test_writers_take_their_turns_in_order_of_arrival() -> None:
    turns = WriteTurns()
    assert turns.acquire(1)
    order: list[int] = []

    def writer(i: int) -> None:
        assert turns.acquire(10)
        order.append(i)
        turns.release()

    threads = []
    for i in range(8):
        t = threading.Thread(target=writer, args=(i,))
        t.start()
        threads.append(t)
        for _ in range(10_000):  # the next one arrives after this one is in line
            if turns.waiting == i + 1:
                break
            time.sleep(0.001)
        assert turns.waiting == i + 1, f"writer {i} never got in line"
    turns.release()
    for t in threads:
        t.join(10)
    assert order == list(range(8))


def test_a_writer_that_waits_too_long_leaves_the_line() -> None:
    turns = WriteTurns()
    assert turns.acquire(1)
    assert not turns.acquire(0.05)
    assert turns.waiting == 0
    turns.release()
    assert turns.acquire(0)  # free again: the one who gave up did not keep a place


def test_many_writers_at_once_all_get_through(fresh_engine: Engine) -> None:
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("the line is in front of SQLite's single writer")
    with Session(fresh_engine) as s:
        office = factories.office_set(s)
        s.commit()
        user_id = office.users["hr"].id
    # Twenty writers keep the database busy for seconds; each waits well under a second in
    # line, but left to SQLite's sleeping retries some would run out of a 1 s busy timeout.
    engine = make_engine(str(fresh_engine.url), Settings(sqlite_busy_timeout_ms=1000))
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


def test_a_writers_turn_ends_with_its_commit_not_when_its_connection_goes_back(
    tmp_path,
) -> None:
    """A request that has committed but not yet handed its connection back (it is on its
    way back to the event loop) must not keep the other writers of its process waiting."""
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}", Settings(sqlite_busy_timeout_ms=500))
    written: list[str] = []
    with engine.connect() as held:
        with held.begin():
            held.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        # committed; the connection is still checked out

        def other() -> None:
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql("INSERT INTO t VALUES (1)")
                written.append("ok")
            except Exception as exc:  # a busy refusal: reported by the assertion below
                written.append(repr(exc))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(30)
        with held.begin():  # and the held connection can write again after it
            held.exec_driver_sql("INSERT INTO t VALUES (2)")
    engine.dispose()
    assert written == ["ok"]
