"""Migration 0005 carries existing rows over: an old "paid directly" damage becomes a settlement
of its full assessed value (so nothing is deducted for it again); an old "deducted" one is
still owed; a member who left through an executed dismissal gets that day (office time)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from compliance.migrate import upgrade
from tests.conftest import _drop_database, _new_database

AT = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 2026-03-02 02:30 in Shanghai


@pytest.fixture
def old_db(tmp_path):
    eng, name = _new_database(tmp_path)
    upgrade(eng, "0004")
    yield eng
    eng.dispose()
    _drop_database(name)


def _seed(conn):
    conn.execute(
        text(
            "INSERT INTO office (id, code, name, timezone, city, created_at) "
            "VALUES (1, 'BSW', '碧水湾管理处', 'Asia/Shanghai', '深圳', :at)"
        ),
        {"at": AT},
    )
    conn.execute(
        text(
            "INSERT INTO unit (id, office_id, building, room, created_at) "
            "VALUES (1, 1, '1栋', '101', :at)"
        ),
        {"at": AT},
    )
    for sid, status in ((1, "active"), (2, "left"), (3, "left")):
        conn.execute(
            text(
                "INSERT INTO staff (id, office_id, employee_no, name, team, position, hire_date, "
                "status, created_at) VALUES (:id, 1, :no, '李明', '维修', '维修工', :hired, "
                ":status, :at)"
            ),
            {"id": sid, "no": f"E00{sid}", "hired": date(2023, 5, 1), "status": status, "at": AT},
        )
    for did, settlement, value in (
        (1, "paid_directly", 249_000),
        (2, "deducted", 50_000),
        (3, "pending", None),
    ):
        conn.execute(
            text(
                "INSERT INTO damage_incident (id, office_id, staff_id, unit_id, item, description, "
                "occurred_at, assessed_value_fen, valuation_note, settlement, settled_at, "
                "created_at) VALUES (:id, 1, 1, 1, '电视机', '', :at, :value, '', :settlement, "
                ":settled, :at)"
            ),
            {
                "id": did,
                "value": value,
                "settlement": settlement,
                "settled": AT if settlement != "pending" else None,
                "at": AT,
            },
        )
    conn.execute(
        text(
            "INSERT INTO case_file (id, office_id, number, staff_id, rule_code, policy_version, "
            "params_digest, incident_at, status, version, severity_reason, opened_at, "
            "effective_at) VALUES (1, 1, 'BSW-2026-0001', 2, 'R13', '1', :digest, :at, "
            "'executed', 1, '', :at, :at)"
        ),
        {"digest": "0" * 64, "at": AT},
    )
    for sid in (2, 3):  # a deduction each, planned from February to May, February taken
        conn.execute(
            text(
                "INSERT INTO deduction (id, office_id, staff_id, case_id, kind, amount_fen, "
                "start_month, reason, legal_risk, created_at) VALUES (:id, 1, :sid, 1, "
                "'compensation', 400000, :start, '赔偿', :no, :at)"
            ),
            {"id": sid, "sid": sid, "start": date(2026, 2, 1), "no": False, "at": AT},
        )
        for month in (2, 3, 4, 5):
            conn.execute(
                text(
                    "INSERT INTO instalment (deduction_id, staff_id, month, amount_fen, status) "
                    "VALUES (:d, :sid, :month, 100000, :status)"
                ),
                {
                    "d": sid,
                    "sid": sid,
                    "month": date(2026, month, 1),
                    "status": "taken" if month == 2 else "planned",
                },
            )


def test_old_settlements_and_dismissals_are_carried_over(old_db):
    with old_db.begin() as conn:
        _seed(conn)
    upgrade(old_db)
    with old_db.connect() as conn:
        settlements = conn.execute(
            text("SELECT damage_id, kind, amount_fen, cancelled_fen FROM damage_settlement")
        ).all()
        damages = conn.execute(
            text("SELECT id, settlement, settled_fen FROM damage_incident ORDER BY id")
        ).all()
        staff = conn.execute(text("SELECT id, left_on, leave_reason FROM staff ORDER BY id")).all()
        instalments = [
            (sid, str(month)[:7], status)
            for sid, month, status in conn.execute(
                text("SELECT staff_id, month, status FROM instalment ORDER BY staff_id, month")
            )
        ]
    assert [tuple(r) for r in settlements] == [(1, "paid_directly", 249_000, 0)]
    assert [tuple(r) for r in damages] == [
        (1, "paid_directly", 249_000),
        (2, "pending", 0),  # "deducted" was an intention: still owed until pay takes it
        (3, "pending", 0),
    ]
    left = {r[0]: (r[1], r[2]) for r in staff}
    assert left[1] == (None, None)
    day = left[2][0]
    assert (str(day)[:10], left[2][1]) == ("2026-03-02", "dismissed")
    assert left[3] == (None, None)  # left on a day nobody recorded
    # Nothing stays planned after the last pay month (March); taken months are kept.
    assert [tuple(r) for r in instalments] == [
        (2, "2026-02", "taken"),
        (2, "2026-03", "planned"),
        (3, "2026-02", "taken"),
    ]
