"""`compliance record add` judges what it saved and prints what came of it, rule by rule."""

import json
import re
from datetime import UTC, datetime, timedelta

from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)


def _office() -> None:
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    run("user", "add", "ljy-mgr", "主管", "--role", "manager", "--as", "ljy-admin")
    code, out = run(
        "record", "add", "staff", "--as", "ljy-admin", "employee_no=E001", "name=李明",
        "team=维修", "position=维修工", "hire_date=2024-01-01",
    )  # fmt: skip
    assert code == 0, out
    code, out = run("record", "add", "unit", "--as", "ljy-admin", "building=1栋", "room=101")
    assert code == 0, out


def _hour_ago() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).isoformat()


def test_an_attitude_complaint_prints_the_finding_it_opened(cli_db):  # noqa: F811
    _office()
    code, out = run(
        "record", "add", "feedback", "--as", "ljy-mgr", "staff_id=1", "unit_id=1",
        "channel=phone", "category=attitude", f"occurred_at={_hour_ago()}", "text=态度冷淡",
    )  # fmt: skip
    assert code == 0, out
    assert "判定结果:" in out
    assert re.search(r"R01 服务态度:已生成线索 #1 — 住户于 .* 通过电话反映:服务态度差", out), out
    code, out = run("findings", "list", "--as", "ljy-mgr", "--rule", "R01")
    assert code == 0 and "R01" in out


def test_a_ring_of_12_s_ticked_fail_prints_no_breach_with_the_measure_in_english(cli_db):  # noqa: F811
    _office()
    body = json.dumps(
        {
            "staff_id": 1,
            "unit_id": 1,
            "checked_at": _hour_ago(),
            "items": [{"item_key": "ring_duration", "result": "fail", "observed": 12}],
        }
    )
    code, out = run(
        "record", "add", "spot-check", "--as", "ljy-mgr", "--json", body, "--lang", "en"
    )
    assert code == 0, out
    assert "Judgment:" in out
    assert "R03 Knocking and ringing: no breach — Rang for 12 s, within the 120 s allowed" in out


def test_the_nightly_command_runs_once_a_night(cli_db):  # noqa: F811
    _office()
    code, out = run("findings", "nightly", "--as", "ljy-mgr")
    assert code == 0 and "new findings" in out, out
    code, out = run("findings", "nightly", "--as", "ljy-mgr")
    assert code == 0 and "already run or running elsewhere" in out, out
