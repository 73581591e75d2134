"""Issue 11 item 2 on the command line: `compliance policy set ... --from <past day>` is refused.

The CLI runs on the real clock, so the days are counted from today in the office zone.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    code = runner.invoke(app, ["office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin"])
    assert code.exit_code == 0, code.output
    yield path
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _set(day: str) -> tuple[int, str]:
    return run(
        "policy",
        "set",
        "R08",
        "linger_minutes=5",
        "--from",
        day,
        "--reason",
        "收紧",
        "--as",
        "ljy-admin",
    )


@pytest.mark.parametrize("days_back", [90, 1, 0])
def test_a_past_from_is_refused_with_the_law_in_both_languages(cli_db, days_back):
    code, out = _set((_today() - timedelta(days=days_back)).isoformat())
    assert code == 2, out
    flat = "".join(out.split())  # the console wraps long lines anywhere
    assert "nothingwaschanged" in flat
    assert "《劳动合同法》第四条" in flat and "公示或告知" in flat
    assert "LabourContractLaw,art.4" in flat
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    assert f"最早{tomorrow}" in flat and f"earliest{tomorrow}" in flat
    code, out = run("policy", "show", "R08", "--office", "LJY")
    assert code == 0 and "1.1" not in out  # no version was created


def test_a_future_from_is_published_now(cli_db):
    day = (_today() + timedelta(days=1)).isoformat()
    code, out = _set(day)
    assert code == 0 and f"R08 now version 1.1 from {day}" in out
    code, out = run("policy", "show", "R08", "--office", "LJY")
    assert code == 0 and "1.1" in out and "linger_minutes=5" in out
    assert _today().isoformat() in out  # published today
