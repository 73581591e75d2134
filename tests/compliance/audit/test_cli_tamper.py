"""`compliance audit verify` and `compliance dossier verify` on a real database file edited
behind the app's back."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.cli import app
from compliance.clock import FixedClock
from compliance.config import get_settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.dossiers.service import print_dossier
from compliance.migrate import upgrade
from compliance.pay.service import seed_example_minimum_wage
from tests.compliance.cases.helpers import drive
from tests.conftest import NOW
from tests.factories import office_set

runner = CliRunner()


@pytest.fixture
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, int, Path]]:
    """A database file with an approved case whose dossier was printed to a file."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_AUDIT_KEY", raising=False)
    monkeypatch.delenv("COMPLIANCE_ANCHOR_DIR", raising=False)
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        office = office_set(session)
        seed_example_minimum_wage(session, NOW)
        session.commit()
        ctx = Ctx(session, office.actor("manager"), FixedClock(NOW), get_settings())
        case_id = drive(ctx, office, "approved")
        session.commit()
        hr = Ctx(session, office.actor("hr"), FixedClock(NOW), get_settings())
        data, _rec = print_dossier(hr, case_id)
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(data)
    yield engine, case_id, pdf
    engine.dispose()
    get_settings.cache_clear()


def test_verify_passes_then_names_each_row_edited_behind_the_apps_back(printed):
    engine, case_id, _pdf = printed
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "business rows intact" in ok.output and "anchors: 1 checked" in ok.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_file SET severity = 'minor' WHERE id = :i"), {"i": case_id})
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1
    out = " ".join(bad.output.split())
    assert (
        f"case_file {case_id}: changed outside the app; last lawful write under audit event" in out
    )
    assert "audit chain intact" in out  # the chain itself was not touched


def test_dossier_verify_reports_a_table_that_disagrees_with_the_chain(printed):
    engine, _case_id, pdf = printed
    genuine = runner.invoke(app, ["dossier", "verify", str(pdf)])
    assert genuine.exit_code == 0 and "genuine" in genuine.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE dossier SET sha256 = :h"), {"h": "f" * 64})
    moved = runner.invoke(app, ["dossier", "verify", str(pdf)])
    assert moved.exit_code == 1
    out = " ".join(moved.output.split())
    assert "altered records" in out and "no longer holds its SHA-256" in out
