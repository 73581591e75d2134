"""The audit chain: append, verify, and detection of edits, deletions and truncation."""

import threading

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from compliance.audit import service as audit
from compliance.db import unit_of_work
from tests.audit_triggers import statements


def _append(session: Session, n: int, actor: int = 1) -> None:
    from tests.conftest import NOW

    for i in range(n):
        audit.append(
            session,
            at=NOW,
            actor_id=actor,
            actor_role="manager",
            office_id=1,
            action="test.event",
            entity="thing",
            entity_id=str(i),
            payload={"i": i, "名": "李明"},
        )


def _filled(engine: Engine, n: int = 10) -> None:
    with unit_of_work(engine) as s:
        _append(s, n)


def _without_triggers(engine: Engine, sql: str) -> None:
    """Tamper as an attacker with database access would: drop the triggers first."""
    with engine.begin() as conn:
        for stmt in statements(conn.dialect.name, drop=True):
            conn.exec_driver_sql(stmt)
        conn.execute(text(sql))


def test_empty_chain_verifies(session):
    report = audit.verify(session)
    assert report.ok and report.events == 0


def test_appended_chain_verifies(session):
    _append(session, 5)
    report = audit.verify(session)
    assert report.ok and report.events == 5 and report.head_seq == 5


@pytest.mark.parametrize("sql", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_triggers_refuse_update_and_delete(fresh_engine, sql):
    _filled(fresh_engine, 3)
    with pytest.raises(DBAPIError, match="append-only"), fresh_engine.begin() as conn:
        conn.execute(text(sql))


def test_trigger_refuses_truncate_on_postgresql(fresh_engine):
    if fresh_engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _filled(fresh_engine, 3)
    with pytest.raises(DBAPIError, match="append-only"), fresh_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))


def test_edited_event_is_reported_with_its_seq(fresh_engine):
    _filled(fresh_engine)
    _without_triggers(fresh_engine, "UPDATE audit_event SET actor_role = 'admin' WHERE seq = 4")
    with Session(fresh_engine) as s:
        report = audit.verify(s)
    assert not report.ok and report.first_bad_seq == 4 and "edited" in report.reason


def test_deleted_event_is_reported_with_its_seq(fresh_engine):
    _filled(fresh_engine)
    _without_triggers(fresh_engine, "DELETE FROM audit_event WHERE seq = 6")
    with Session(fresh_engine) as s:
        report = audit.verify(s)
    assert not report.ok and report.first_bad_seq == 6 and "missing" in report.reason


def test_truncated_tail_is_reported(fresh_engine):
    _filled(fresh_engine)
    _without_triggers(fresh_engine, "DELETE FROM audit_event WHERE seq >= 8")
    with Session(fresh_engine) as s:
        report = audit.verify(s)
    assert not report.ok and report.first_bad_seq == 8 and "truncated" in report.reason


def test_concurrent_writers_never_fork_the_chain(race_engine):
    errors: list[BaseException] = []

    def writer(actor: int) -> None:
        try:
            for _ in range(10):
                with unit_of_work(race_engine) as s:
                    _append(s, 2, actor)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(a,)) for a in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(race_engine) as s:
        report = audit.verify(s)
    assert report.ok and report.events == 80
