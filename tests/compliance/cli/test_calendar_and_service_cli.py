"""`compliance calendar ...` and `compliance case refused-service` on a real SQLite file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.cases.models import CaseStatus
from compliance.cli import app
from compliance.clock import FixedClock
from compliance.config import Settings, get_settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.migrate import upgrade
from compliance.pay.service import seed_example_minimum_wage
from tests.compliance.cases.helpers import drive
from tests.conftest import NOW
from tests.factories import office_set

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A database file with the test office and a decision notice handed over, not served;
    yields the case id."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        office = office_set(session)
        seed_example_minimum_wage(session, NOW)
        session.commit()
        ctx = Ctx(session, office.actor("manager"), FixedClock(NOW), Settings())
        case_id = drive(ctx, office, CaseStatus.NOTIFIED, served=False)
        session.commit()
    engine.dispose()
    yield case_id
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_hr_records_a_refusal_before_witnesses(db: int) -> None:
    case = str(db)
    code, out = run("case", "refused-service", case, "--as", "bsw-hr")
    assert code == 2 and "witness" in out
    code, out = run(
        "case", "refused-service", case, "--witness", "保安 李见证", "--witness", "主管 王五",
        "--at", "2026-03-31 15:00", "--place", "管理处办公室", "--as", "bsw-hr",
    )  # fmt: skip
    assert code == 0, out
    assert "notice served; appeal possible until 2026-04-07" in out
    code, out = run("case", "show", case, "--as", "bsw-hr")
    assert "decision notice served 2026-03-31 15:00" in out and "保安 李见证、主管 王五" in out
    code, out = run("case", "acknowledge", case, "--as", "bsw-staff")
    assert code == 2 and "already served" in out


def test_the_admin_keeps_the_calendar(db: int) -> None:
    code, out = run("calendar", "show", "2027", "--as", "bsw-admin")
    assert code == 0 and "2027 is not entered" in out and "confirm-year 2027" in out
    code, out = run("calendar", "import-year", "2027", "--as", "bsw-admin")
    assert code == 2 and "2027" in out
    # 2026 was copied in when the fixture's statement deadline was counted; 2025 is imported.
    code, out = run("calendar", "import-year", "2026", "--as", "bsw-admin")
    assert code == 2 and "already entered" in out
    code, out = run("calendar", "import-year", "2025", "--as", "bsw-admin")
    assert code == 0 and "2025 imported from chinesecalendar" in out
    code, out = run("calendar", "show", "2026", "--as", "bsw-admin")
    assert "2026 entered from chinesecalendar" in out
    assert "2026-10-01" in out and "国庆节" in out and "2026-10-10" in out and "调休上班" in out
    code, out = run("calendar", "set", "2027-02-06", "holiday", "--name", "春节", "--as", "bsw-hr")
    assert code == 2 and "Forbidden" in out
    code, out = run(
        "calendar", "set", "2027-02-06", "holiday", "--name", "春节", "--as", "bsw-admin"
    )
    assert code == 0 and "2027-02-06: 放假 春节" in out
    code, out = run("calendar", "set", "2027-02-30", "holiday", "--as", "bsw-admin")
    assert code == 2 and "DATE" in out
    code, out = run(
        "calendar",
        "confirm-year",
        "2027",
        "--basis",
        "国办发明电〔2026〕示例号",
        "--as",
        "bsw-admin",
    )
    assert code == 0 and "2027 entered: 1 day(s) off, 0 make-up workday(s)" in out
    code, out = run("calendar", "show", "2027", "--as", "bsw-admin")
    assert "2027 entered from admin (国办发明电〔2026〕示例号)" in out
