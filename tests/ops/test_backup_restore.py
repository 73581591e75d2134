"""Backup and restore are product commands (issue 12, item 12): the restore drill.

An office is backed up with `compliance backup` while a thread keeps recording feedback
through the services; the backup is restored with `compliance restore` into a new, empty
database; every write acknowledged before the backup began is there, the audit chain, its
anchors and the row seals verify, and the dossier printed before the backup still verifies.
Runs on SQLite, and on PostgreSQL when COMPLIANCE_TEST_DATABASE_URL is set.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.actors import Actor
from compliance.cli import app
from compliance.clock import FixedClock
from compliance.config import get_settings
from compliance.context import Ctx
from compliance.dossiers.service import print_dossier
from compliance.feedback.service import record_feedback
from compliance.files import storage
from compliance.migrate import upgrade
from compliance.pay.service import seed_example_minimum_wage
from tests.compliance.cases.helpers import drive
from tests.conftest import NOW, PG_URL, _drop_database, _new_database
from tests.factories import office_set

runner = CliRunner()
KEY = "a1" * 32  # the office's audit key, kept by the operator apart from any backup
PHOTO = b"\xff\xd8 not really a jpeg, but stored bytes all the same \xff\xd9"


@dataclass
class Office:
    """A serving office: its database, settings folders and what was printed."""

    engine: Engine
    url: str
    manager: Actor
    staff_id: int
    pdf: Path
    root: Path


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _use(monkeypatch: pytest.MonkeyPatch, url: str, root: Path) -> None:
    """Point the process-wide settings (what the CLI reads) at one installation."""
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("COMPLIANCE_AUDIT_KEY", KEY)
    monkeypatch.delenv("COMPLIANCE_ANCHOR_DIR", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Office]:
    """An office with an approved case whose dossier was printed (and anchored), and a
    stored photo in its data folder."""
    eng, name = _new_database(tmp_path)
    upgrade(eng)
    root = tmp_path / "live"
    _use(monkeypatch, _url(eng), root)
    with Session(eng, expire_on_commit=False) as session:
        office = office_set(session)
        seed_example_minimum_wage(session, NOW)
        session.commit()
        ctx = Ctx(session, office.actor("manager"), FixedClock(NOW), get_settings())
        case_id = drive(ctx, office, "approved")
        session.commit()
        hr = Ctx(session, office.actor("hr"), FixedClock(NOW), get_settings())
        data, _rec = print_dossier(hr, case_id)
        manager, staff_id = office.actor("manager"), office.staff[1].id or 0
    storage.write_atomic(get_settings().data_dir, "photo-1.jpg", PHOTO)
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(data)
    try:
        yield Office(eng, _url(eng), manager, staff_id, pdf, root)
    finally:
        eng.dispose()
        _drop_database(name)
        get_settings.cache_clear()


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[str]:
    """A new, empty database to restore into (a file not yet made, or an empty PG db)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'compliance.db'}"
        return
    eng, name = _new_database(tmp_path)
    url = _url(eng)
    eng.dispose()
    try:
        yield url
    finally:
        _drop_database(name)


class Writer(threading.Thread):
    """Records feedback through the service, one transaction each, until stopped; keeps the
    text of every write whose commit returned (acknowledged)."""

    def __init__(self, office: Office) -> None:
        super().__init__(daemon=True)
        self.office = office
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.some = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Session(self.office.engine, expire_on_commit=False) as session:
                ctx = Ctx(session, self.office.manager, FixedClock(NOW), get_settings())
                i = 0
                while not self.stop.is_set():
                    text_ = f"drill write {i}"
                    record_feedback(
                        ctx,
                        {
                            "staff_id": self.office.staff_id,
                            "channel": "phone",
                            "category": "attitude",
                            "text": text_,
                            "occurred_at": (NOW - timedelta(hours=1)).isoformat(),
                        },
                    )
                    self.acked.append(text_)
                    i += 1
                    if i >= 5:
                        self.some.set()
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.some.set()


def _feedback_texts(url: str) -> set[str]:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(text("SELECT text FROM feedback WHERE text LIKE 'drill%'"))
            return {r[0] for r in rows}
    finally:
        eng.dispose()


def _events(url: str) -> int:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one())
    finally:
        eng.dispose()


def test_restore_drill_backup_under_write_load_restores_every_acknowledged_write(
    serving: Office, empty_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Writer(serving)
    writer.start()
    try:
        assert writer.some.wait(60)
        acked_before = list(writer.acked)  # acknowledged before the backup began
        made = runner.invoke(app, ["backup", "--to", str(tmp_path / "backups")])
        assert made.exit_code == 0, made.output
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    assert "audit key" in made.output and "not in this backup" in " ".join(made.output.split())
    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("compliance-backup-")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["revision"]
    assert manifest["audit_head"]["seq"] > 0 and len(manifest["audit_head"]["hash"]) == 64
    assert "files/photo-1.jpg" in manifest["files"]
    assert "anchors/anchors.log" in manifest["files"]  # the dossier print was anchored
    assert not any("audit.key" in f for f in manifest["files"])
    assert KEY not in (folder / "manifest.json").read_text(encoding="utf-8")

    # Restore on "another machine": new, empty data and anchor folders; the same key.
    _use(monkeypatch, empty_target, tmp_path / "elsewhere")
    put_back = runner.invoke(app, ["restore", str(folder), "--to", empty_target])
    assert put_back.exit_code == 0, put_back.output
    assert "audit verify passed" in put_back.output

    restored = _feedback_texts(empty_target)
    assert set(acked_before) <= restored  # every acknowledged write up to the backup
    assert restored <= set(writer.acked)  # and nothing that was never acknowledged
    photo = tmp_path / "elsewhere" / "data" / "photo-1.jpg"
    assert photo.read_bytes() == PHOTO
    # The dossier printed before the backup verifies against the restored office.
    checked = runner.invoke(app, ["dossier", "verify", str(serving.pdf)])
    assert checked.exit_code == 0 and "genuine" in checked.output, checked.output
    # And the restored chain matches the head in the manifest exactly.
    head = runner.invoke(
        app,
        [
            "audit",
            "verify",
            "--expect",
            f"{manifest['audit_head']['seq']}:{manifest['audit_head']['hash']}",
        ],
    )
    assert head.exit_code == 0, head.output


def test_restore_refuses_a_target_that_is_not_empty_and_changes_nothing(
    serving: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "backups").iterdir()
    before = _events(serving.url)
    _use(monkeypatch, serving.url, tmp_path / "elsewhere")
    refused = runner.invoke(app, ["restore", str(folder), "--to", serving.url])
    assert refused.exit_code == 2
    out = " ".join(refused.output.split())
    assert "restore refused" in out and "the target is not empty" in out
    assert _events(serving.url) == before > 0
    assert not (tmp_path / "elsewhere" / "data").exists()


def test_restore_refuses_without_the_offices_audit_key(
    serving: Office, empty_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "backups").iterdir()
    _use(monkeypatch, empty_target, tmp_path / "elsewhere")
    monkeypatch.setenv("COMPLIANCE_AUDIT_KEY", "b2" * 32)
    get_settings.cache_clear()
    wrong = runner.invoke(app, ["restore", str(folder), "--to", empty_target])
    assert wrong.exit_code == 2
    assert "not the one this backup was made under" in " ".join(wrong.output.split())
    monkeypatch.delenv("COMPLIANCE_AUDIT_KEY")
    get_settings.cache_clear()
    missing = runner.invoke(app, ["restore", str(folder), "--to", empty_target])
    assert missing.exit_code == 2
    assert "put the office's audit key back first" in " ".join(missing.output.split())


def test_restore_refuses_a_damaged_backup(
    serving: Office, empty_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "backups").iterdir()
    (folder / "files" / "photo-1.jpg").write_bytes(b"edited")
    _use(monkeypatch, empty_target, tmp_path / "elsewhere")
    damaged = runner.invoke(app, ["restore", str(folder), "--to", empty_target])
    assert damaged.exit_code == 2
    out = " ".join(damaged.output.split())
    assert "files/photo-1.jpg does not match its SHA-256" in out
