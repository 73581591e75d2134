"""`compliance payroll ...` end to end on a real SQLite file (the sub-app on its own)."""

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.cases.models import CaseStatus
from compliance.cli import app as main_app
from compliance.cli.payroll_cmd import app
from compliance.clock import SystemClock
from compliance.config import get_settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.offices.models import Office
from compliance.pay.schedule import next_month
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from compliance.staff.models import Staff
from tests import factories
from tests.compliance.pay.helpers import MIN_WAGE, add_min_wage, compensation, make_case, set_wage

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


def test_staff_leave_ends_the_plan_and_a_later_month_is_a_preview_without_them(cli_db, tmp_path):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    result = runner.invoke(
        main_app,
        [
            "staff",
            "leave",
            "1",
            "--as",
            "bsw-hr",
            "--on",
            today.isoformat(),
            "--reason",
            "resigned",
        ],
    )
    assert result.exit_code == 0, result.output
    # ¥2,500 owed, ¥1,000 (20% of ¥5,000) in the last pay month: ¥1,500 is a civil claim.
    assert f"last pay month {today:%Y-%m}" in result.output
    assert "unrecovered balance (civil claim 民事追偿): ¥1,500.00" in result.output
    later = f"{next_month(next_month(today)):%Y-%m}"
    out = str(tmp_path / "out")
    code, text = run(
        "sheet", "--office", "BSW", "--month", later, "--as", "bsw-hr", "--all", "--out", out
    )
    assert code == 0, text
    assert "PREVIEW" in text and "E001" not in text and "E002" in text
    again = runner.invoke(
        main_app, ["staff", "leave", "1", "--as", "bsw-hr", "--on", today.isoformat()]
    )
    assert again.exit_code != 0 and "already left" in again.output


def test_case_show_says_nothing_can_be_taken_and_close_needs_the_flag(cli_db):
    eng = make_engine(cli_db)
    with Session(eng, expire_on_commit=False) as session:
        office = session.exec(select(Office)).one()
        hr_user = session.exec(select(User).where(User.username == "bsw-hr")).one()
        hr = Ctx(
            session=session,
            actor=Actor(hr_user.id or 0, hr_user.username, Role.HR, office.id or 0),
            clock=SystemClock(),
        )
        staff = session.exec(select(Staff).where(Staff.employee_no == "E002")).one()
        set_wage(session, staff, MIN_WAGE)
        case, proposal = make_case(
            session, SimpleNamespace(office=office), staff, compensation(50_000)
        )
        create_deductions_for_case(hr, case, proposal)
        case.status = CaseStatus.EXECUTED.value
        session.add(case)
        session.commit()
        case_id = case.id
    eng.dispose()
    show = runner.invoke(main_app, ["case", "show", str(case_id), "--as", "bsw-hr"])
    assert show.exit_code == 0, show.output
    flat = show.output.replace("\n", "")  # the console wraps at 80 columns
    assert "每月无法扣款:工资 ¥2,360.00 = 当地最低工资标准 ¥2,360.00" in flat
    refused = runner.invoke(main_app, ["case", "close", str(case_id), "--as", "bsw-hr"])
    assert refused.exit_code != 0 and "acknowledg" in refused.output.replace("\n", " ")
    closed = runner.invoke(
        main_app,
        ["case", "close", str(case_id), "--as", "bsw-hr", "--acknowledge-unrecoverable"],
    )
    assert closed.exit_code == 0, closed.output
