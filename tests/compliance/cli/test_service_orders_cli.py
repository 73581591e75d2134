"""`compliance service orders|show|receive|step|call|my` on a real SQLite file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.cli import app
from compliance.config import get_settings
from compliance.db import make_engine
from compliance.migrate import upgrade
from tests.factories import T0, office_set

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        office = office_set(session)
        session.add(
            User(
                office_id=office.office.id or 0,
                username="bsw-desk",
                display_name="前台",
                role=Role.FRONT_DESK.value,
                created_at=T0,
            )
        )
        session.commit()
        ids = {"unit": office.units[0].id or 0, "staff": office.staff[0].id or 0}
    engine.dispose()
    yield ids
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_desk_and_executor_from_the_command_line(db: dict[str, int]) -> None:
    unit, staff = str(db["unit"]), str(db["staff"])
    code, out = run(
        "service", "receive", "--as", "bsw-desk", "--kind", "repair", "--channel", "phone",
        "--unit", unit, "--description", "空调不制冷", "--rings", "2",
    )  # fmt: skip
    assert code == 0, out
    assert "FW-" in out
    code, out = run("service", "step", "1", "dispatch", "--staff", staff, "--as", "bsw-desk")
    assert code == 0 and "dispatched" in out, out
    code, out = run("service", "step", "1", "accept", "--as", "bsw-staff2")
    assert code == 2, out  # not theirs
    code, out = run("service", "step", "1", "accept", "--as", "bsw-staff")
    assert code == 0, out
    code, out = run(
        "service", "step", "1", "arrive", "--method", "qr", "--ref", f"unit:{unit}",
        "--as", "bsw-staff",
    )  # fmt: skip
    assert code == 0 and "in_progress" in out, out
    code, out = run("service", "step", "1", "handle", "--as", "bsw-staff")
    assert code == 2 and "photo_file_id" in out
    code, out = run("service", "my", "--as", "bsw-staff")
    assert code == 0 and "FW-" in out
    code, out = run("service", "orders", "--as", "bsw-desk", "--state", "in_progress")
    assert code == 0 and "1 of 1" in out, out
    code, out = run("service", "show", "1", "--as", "bsw-desk")
    assert code == 0 and "qr:unit:" in out and "arrive" in out, out
    code, out = run("service", "call", "--as", "bsw-desk", "--rings", "4", "--purpose", "咨询")
    assert code == 0 and "logged" in out
