"""The command line, end to end on a real SQLite file: bootstrap, roles, errors, audit."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a fresh database file."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_bootstrap_users_and_verify(cli_db):
    code, out = run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    assert code == 0, out
    code, out = run("user", "add", "ljy-hr", "人事", "--role", "hr", "--as", "ljy-admin")
    assert code == 0 and "created" in out
    code, out = run("user", "add", "ljy-x", "某人", "--role", "hr", "--as", "ljy-hr")
    assert code == 2 and "Forbidden" in out
    code, out = run("audit", "verify")
    assert code == 0 and "intact" in out and "2 events" in out


def test_unknown_acting_user_is_refused(cli_db):
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    code, out = run("user", "list", "--as", "nobody")
    assert code == 2 and "--as" in out


def test_bad_record_names_the_field_and_saves_nothing(cli_db):
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    run("user", "add", "ljy-mgr", "主管", "--role", "manager", "--as", "ljy-admin")
    code, out = run(
        "record",
        "add",
        "feedback",
        "--as",
        "ljy-mgr",
        "staff_id=1",
        "channel=phone",
        "category=attitude",
        "occurred_at=2026-01-01T10:00:00+08:00",
    )
    assert code == 2 and "staff_id" in out and "nothing was changed" in out
    code, out = run("audit", "verify")
    assert "2 events" in out


def test_policy_list_and_show(cli_db):
    code, out = run("policy", "list")
    assert code == 0 and "R13" in out and "严禁向业主" in out
    code, out = run("policy", "show", "R03")
    assert code == 0 and "max_ring_seconds=120" in out


def test_detect_on_an_empty_office_reports_zero(cli_db):
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    run("user", "add", "ljy-mgr", "主管", "--role", "manager", "--as", "ljy-admin")
    code, out = run("detect", "--as", "ljy-mgr", "--from", "2026-01-01", "--to", "2026-01-31")
    assert code == 0 and "total" in out
    code, out = run("detect", "--as", "ljy-mgr", "--from", "2026-02-01", "--to", "2026-01-01")
    assert code == 2 and "end" in out
