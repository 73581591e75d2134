"""The database counts every committed change to an office's cases, and nothing else."""

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from compliance.cases import repository as repo
from compliance.cases import statement
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from tests import factories
from tests.compliance.cases.helpers import open_case
from tests.conftest import NOW

COLUMNS = (
    "office_id, number, staff_id, rule_code, policy_version, params_digest, incident_at, "
    "status, version, severity_reason, opened_at"
)


def _insert_case(conn, office_id: int, staff_id: int, number: str) -> int:  # type: ignore[no-untyped-def]
    # As someone at a SQL prompt would: no application code involved.
    conn.execute(
        text(
            f"INSERT INTO case_file ({COLUMNS}) VALUES (:office, :number, :staff, 'R05', '1.0', "
            "'x', '2026-03-01 00:00:00.000000', 'open', 1, '', '2026-03-01 00:00:00.000000')"
        ),
        {"office": office_id, "number": number, "staff": staff_id},
    )
    found = conn.execute(text("SELECT id FROM case_file WHERE number = :n"), {"n": number})
    return int(found.scalar_one())


def _committed(engine: Engine, change: Callable[..., object]) -> None:
    with engine.begin() as conn:
        change(conn)


def _count(engine: Engine, office_id: int) -> int:
    with Session(engine) as s:
        return repo.list_version(s, office_id)


def _offices(engine: Engine) -> tuple[factories.OfficeSet, factories.OfficeSet]:
    with Session(engine, expire_on_commit=False) as s:
        mine, theirs = factories.office_set(s), factories.office_set(s, code="LJY")
        s.commit()
    return mine, theirs


def test_every_case_change_counts_for_its_office_only(fresh_engine, settings: Settings):
    office, other = _offices(fresh_engine)
    mine, theirs = office.office.id, other.office.id
    assert _count(fresh_engine, mine) == 0  # never changed: no row yet
    with Session(fresh_engine, expire_on_commit=False) as s:
        ctx = Ctx(s, office.actor("manager"), FixedClock(NOW), settings)
        case_id = open_case(ctx, office)
        opened = _count(fresh_engine, mine)
        assert opened >= 1
        statement.request_statement(Ctx(s, office.actor("hr"), ctx.clock, settings), case_id)
    assert _count(fresh_engine, mine) > opened
    assert _count(fresh_engine, theirs) == 0


def test_changes_made_outside_the_application_count_too(fresh_engine):
    office, _ = _offices(fresh_engine)
    mine, ids = office.office.id, []
    _committed(fresh_engine, lambda c: ids.append(_insert_case(c, mine, office.staff[0].id, "S1")))
    assert _count(fresh_engine, mine) == 1
    update = text("UPDATE case_file SET status = 'closed' WHERE id = :id")
    _committed(fresh_engine, lambda c: c.execute(update, {"id": ids[0]}))
    assert _count(fresh_engine, mine) == 2
    delete = text("DELETE FROM case_file WHERE id = :id")
    _committed(fresh_engine, lambda c: c.execute(delete, {"id": ids[0]}))
    assert _count(fresh_engine, mine) == 3


def test_a_case_moved_to_another_office_changes_both_lists(fresh_engine):
    office, other = _offices(fresh_engine)
    ids: list[int] = []
    staff = office.staff[0].id
    _committed(fresh_engine, lambda c: ids.append(_insert_case(c, office.office.id, staff, "S2")))
    move = text("UPDATE case_file SET office_id = :to WHERE id = :id")
    _committed(fresh_engine, lambda c: c.execute(move, {"to": other.office.id, "id": ids[0]}))
    assert _count(fresh_engine, office.office.id) == 2
    assert _count(fresh_engine, other.office.id) == 1


def test_a_change_rolled_back_counts_nothing(fresh_engine):
    office, _ = _offices(fresh_engine)
    mine = office.office.id
    with fresh_engine.connect() as conn:
        with conn.begin():
            _insert_case(conn, mine, office.staff[0].id, "S3")
        rolled_back = conn.begin()
        _insert_case(conn, mine, office.staff[1].id, "S4")
        rolled_back.rollback()
    assert _count(fresh_engine, mine) == 1


def test_two_transactions_changing_cases_in_turn_do_not_deadlock(race_engine):
    # T1 changes case A, T2 changes case B, then T1 changes B too (waiting for T2). Were the
    # count taken at each change, T2 would wait for T1's hold on the office's count while T1
    # waits for T2's hold on B: PostgreSQL would abort one of them.
    if race_engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: nothing can interleave")
    office, _ = _offices(race_engine)
    mine, staff, ids = office.office.id, office.staff[0].id, []
    for number in ("A", "B"):
        _committed(race_engine, lambda c, n=number: ids.append(_insert_case(c, mine, staff, n)))
    a, b = ids
    touch = text("UPDATE case_file SET severity_reason = :why WHERE id = :id")
    errors: list[BaseException] = []
    with race_engine.connect() as t1, race_engine.connect() as t2:
        for conn in (t1, t2):
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            conn.commit()
        t1.begin()
        t1.execute(touch, {"why": "t1", "id": a})

        def second() -> None:
            try:
                with t2.begin():
                    t2.execute(touch, {"why": "t2", "id": b})
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        worker = threading.Thread(target=second)
        worker.start()
        worker.join(timeout=3)  # T2 is done unless it waits on T1
        t1.execute(touch, {"why": "t1", "id": b})
        t1.commit()
        worker.join()
    assert errors == []
    assert _count(race_engine, mine) == 5  # two cases made, then three changes
