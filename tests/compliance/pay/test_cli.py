"""`compliance payroll ...` end to end on a real SQLite file (the sub-app on its own)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.cli import app as main_app
from compliance.cli.payroll_cmd import app
from compliance.clock import SystemClock
from compliance.config import get_settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.pay.schedule import next_month
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests import factories
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated database file with office BSW, one R11 case executed today and its notice."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    assert runner.invoke(main_app, ["db", "upgrade"]).exit_code == 0
    eng = make_engine(url)
    with Session(eng, expire_on_commit=False) as session:
        office = factories.office_set(session, code="BSW")
        add_min_wage(session)
        hr = Ctx(session=session, actor=office.actor("hr"), clock=SystemClock())
        case, proposal = make_case(session, office, office.staff[0], compensation(250_000))
        create_deductions_for_case(hr, case, proposal)
        session.commit()
        record_deduction_notice(hr, case.id or 0, "照价赔偿 ¥2,500.00,分三个月扣除")
    eng.dispose()
    yield url
    get_settings.cache_clear()


def _month() -> str:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return f"{next_month(today):%Y-%m}"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_sheet_writes_both_files_and_prints_the_table(cli_db, tmp_path):
    month = _month()
    out = tmp_path / "out"
    code, text = run(
        "sheet", "--office", "BSW", "--month", month, "--as", "bsw-hr", "--out", str(out)
    )
    assert code == 0, text
    assert "E001" in text and "¥1,000.00" in text and "BSW-2026-0001" in text
    assert (out / f"payroll-BSW-{month}.csv").read_text(encoding="utf-8-sig").count("E00") == 3
    ws = load_workbook(out / f"payroll-BSW-{month}.xlsx").worksheets[0]
    assert ws["A3"].value == "E001" and round(ws["F3"].value * 100) == 100_000

    code, text = run("sheet", "--office", "LJY", "--month", month, "--as", "bsw-hr")
    assert code == 2 and "--office" in text
    code, text = run("sheet", "--office", "BSW", "--month", "2026-3", "--as", "bsw-hr")
    assert code == 2 and "YYYY-MM" in text
    code, text = run("sheet", "--office", "BSW", "--month", month, "--as", "bsw-manager")
    assert code == 2 and "Forbidden" in text


def test_execute_once(cli_db):
    month = _month()
    code, text = run("execute", "--month", month, "--as", "bsw-cashier")
    assert code == 2 and "Forbidden" in text
    code, text = run("execute", "--month", month, "--as", "bsw-hr")
    assert code == 0 and "1 instalments" in text and "¥1,000.00" in text, text
    code, text = run("execute", "--month", month, "--as", "bsw-hr")
    assert code == 2 and "already executed" in text


def test_minimum_wage_set_and_list(cli_db):
    code, text = run(
        "min-wage", "set", "广州", "2,300", "--from", "2024-03-01", "--as", "bsw-admin"
    )
    assert code == 0 and "¥2,300.00" in text, text
    code, text = run("min-wage", "set", "广州", "2300", "--from", "2024-03-01", "--as", "bsw-admin")
    assert code == 2 and "already recorded" in text
    code, text = run(
        "min-wage", "set", "广州", "23.456", "--from", "2024-04-01", "--as", "bsw-admin"
    )
    assert code == 2 and "AMOUNT_YUAN" in text
    code, text = run("min-wage", "set", "广州", "2400", "--from", "2025-03-01", "--as", "bsw-hr")
    assert code == 2 and "Forbidden" in text
    code, text = run("min-wage", "list", "--as", "bsw-hr")
    assert code == 0 and "广州" in text and "深圳" in text and "¥2,360.00" in text


def test_notice_and_replan_commands(cli_db):
    code, text = run("notice", "1", "--content", "再次送达", "--as", "bsw-hr")
    assert code == 0 and "¥2,500.00" in text, text
    code, text = run("replan", "1", "--from", _month(), "--as", "bsw-hr")
    assert code == 0 and "cap ¥1,000.00" in text and "carried ¥0.00" in text, text
