"""Migration 0004: a decision notice already signed for counts as served when it was signed;
a refusal recorded without a witness does not serve it."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from compliance.migrate import upgrade
from tests.conftest import _drop_database, _new_database


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database with no schema yet (SQLite file, or a PostgreSQL database of its own)."""
    eng, name = _new_database(tmp_path)
    yield eng
    eng.dispose()
    _drop_database(name)


@pytest.mark.db
def test_signed_notices_are_served_and_unwitnessed_refusals_are_not(empty_engine: Engine) -> None:
    fresh_engine = empty_engine
    upgrade(fresh_engine, "0003")
    signed_at = datetime(2026, 3, 2, 2, tzinfo=UTC)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO office (id, code, name, city, timezone, created_at) "
                "VALUES (1, 'BSW', '碧水湾管理处', '深圳', 'Asia/Shanghai', :t)"
            ),
            {"t": signed_at},
        )
        conn.execute(
            text(
                "INSERT INTO staff (id, office_id, employee_no, name, team, position, hire_date, "
                "status, created_at) VALUES (1, 1, 'E001', '李明', '维修', '维修工', "
                "'2023-05-01', 'active', :t)"
            ),
            {"t": signed_at},
        )
        for case_id, ack in ((1, "signed"), (2, "refused_to_sign"), (3, None)):
            conn.execute(
                text(
                    "INSERT INTO case_file (id, office_id, number, staff_id, rule_code, "
                    "policy_version, params_digest, incident_at, status, version, "
                    "severity_reason, opened_at) VALUES (:id, 1, :n, 1, 'R05', '1', 'x', :t, "
                    "'notified', 1, '', :t)"
                ),
                {"id": case_id, "n": f"BSW-2026-000{case_id}", "t": signed_at},
            )
            conn.execute(
                text(
                    "INSERT INTO notice (case_id, kind, content, served_at, acknowledged_at, "
                    "ack_kind) VALUES (:id, 'decision', '处理决定通知书', :t, :a, :k)"
                ),
                {"id": case_id, "t": signed_at, "a": signed_at if ack else None, "k": ack},
            )
    upgrade(fresh_engine, "0004")
    with fresh_engine.connect() as conn:
        served = dict(
            conn.execute(text("SELECT id, service_completed_at FROM case_file ORDER BY id")).all()
        )
        witnesses = conn.execute(text("SELECT DISTINCT witnesses FROM notice")).scalars().all()
    assert served[1] is not None and str(served[1]).startswith("2026-03-02 02:00")
    assert served[2] is None and served[3] is None
    assert witnesses == [""]
