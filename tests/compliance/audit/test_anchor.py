"""The audit heads anchored outside the database: cutting the chain off or rewriting it,
which the chain alone cannot show, is found against the HMAC-keyed anchor log."""

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.audit import anchor
from compliance.audit import service as audit
from compliance.audit.canonical import event_hash
from compliance.audit.models import AuditEvent
from compliance.cli import app
from compliance.config import Settings, get_settings
from compliance.db import make_engine, unit_of_work
from compliance.migrate import upgrade
from tests.audit_triggers import statements
from tests.conftest import NOW


def _append(session: Session, n: int) -> None:
    for i in range(n):
        audit.append(
            session,
            at=NOW,
            actor_id=1,
            actor_role="manager",
            office_id=1,
            action="test.event",
            entity="thing",
            entity_id=str(i),
            payload={"i": i, "金额": 100 * i},
        )


def _anchor(engine: Engine, settings: Settings) -> anchor.Anchor:
    with engine.connect() as conn:
        return anchor.write_anchor(conn, settings, NOW, "test")


def _check(engine: Engine, settings: Settings) -> list[str]:
    with engine.connect() as conn:
        return anchor.check_anchors(conn, settings)[1]


def _rewrite_from(conn, first: int) -> None:
    """Recompute every hash from event `first` on and point the head at the last one."""
    prev = conn.execute(
        text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": first - 1}
    ).scalar() or ("0" * 64)
    rows = conn.execute(
        select(AuditEvent.__table__).where(AuditEvent.seq >= first).order_by(AuditEvent.seq)  # type: ignore[attr-defined]
    ).all()
    for r in rows:
        digest = event_hash(
            seq=r.seq,
            at=r.at,
            actor_id=r.actor_id,
            actor_role=r.actor_role,
            office_id=r.office_id,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            payload=r.payload,
            prev_hash=prev,
        )
        conn.execute(
            text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": r.seq},
        )
        prev = digest
    last = rows[-1].seq if rows else first - 1
    conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": last, "h": prev})


@pytest.fixture
def chain(fresh_engine: Engine, settings: Settings) -> Engine:
    with unit_of_work(fresh_engine) as s:
        _append(s, 10)
    _anchor(fresh_engine, settings)
    return fresh_engine


def _drop_triggers(conn) -> None:
    for stmt in statements(conn.dialect.name, drop=True):
        conn.exec_driver_sql(stmt)


def test_an_untouched_chain_agrees_with_its_anchors(chain, settings):
    with unit_of_work(chain) as s:
        _append(s, 3)
    _anchor(chain, settings)
    assert _check(chain, settings) == []
    lines = (anchor.anchor_dir(settings) / anchor.ANCHOR_FILE).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [10, 13]


def test_cutting_off_the_last_events_and_rewriting_the_head_is_found(chain, settings):
    with chain.begin() as conn:
        _drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_event WHERE seq > 7"))
        _rewrite_from(conn, 8)  # nothing after 7: the head is set to event 7
    with Session(chain) as s:
        assert audit.verify(s).ok  # the chain alone cannot tell
    problems = _check(chain, settings)
    assert problems == [
        "audit event 10 was anchored 2026-03-31T04:00:00.000000+00:00 (test) but the chain"
        " now ends at 7 (truncated)"
    ]


def test_editing_one_event_and_recomputing_every_hash_is_found(chain, settings):
    with chain.begin() as conn:
        _drop_triggers(conn)
        conn.execute(
            text("UPDATE audit_event SET payload = :p WHERE seq = 5"), {"p": '{"i":4,"金额":1}'}
        )
        _rewrite_from(conn, 5)
    with Session(chain) as s:
        assert audit.verify(s).ok  # every hash fits again
    (problem,) = _check(chain, settings)
    assert problem.startswith("audit event 10 differs from its hash anchored")
    assert "rewritten" in problem


def test_an_anchor_line_edited_to_fit_the_rewrite_is_refused(chain, settings):
    path = anchor.anchor_dir(settings) / anchor.ANCHOR_FILE
    data = json.loads(path.read_text())
    data["seq"] = 3
    path.write_text(json.dumps(data) + "\n")
    (problem,) = _check(chain, settings)
    assert "does not carry the office's key" in problem


def test_expect_checks_a_head_printed_on_paper(chain, settings):
    with Session(chain) as s:
        head = audit.verify(s)
        conn = s.connection()
        assert anchor.check_expected(conn, f"{head.head_seq}:{head.head_hash}") is None
        assert "rewritten" in (anchor.check_expected(conn, f"{head.head_seq}:{'a' * 64}") or "")
        assert "truncated" in (anchor.check_expected(conn, f"11:{head.head_hash}") or "")
        assert "SEQ:HASH" in (anchor.check_expected(conn, "nonsense") or "")


def test_the_key_is_made_once_beside_the_data_folder_with_mode_0600(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite://")
    key = anchor.audit_key(settings)
    path = tmp_path / anchor.KEY_FILE
    assert len(key) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert anchor.audit_key(settings) == key
    assert anchor.audit_key(Settings(data_dir=tmp_path / "data", audit_key="k")) == b"k"


def test_a_different_key_does_not_verify_the_lines(chain, settings):
    other = settings.model_copy(update={"audit_key": "someone else's key"})
    (problem,) = _check(chain, other)
    assert "does not carry the office's key" in problem


# --- the command line ----------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COMPLIANCE_AUDIT_KEY", raising=False)
    monkeypatch.delenv("COMPLIANCE_ANCHOR_DIR", raising=False)
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        _append(s, 6)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


def test_cli_verify_anchor_and_expect(cli_db):
    result = runner.invoke(app, ["audit", "anchor"])
    assert result.exit_code == 0, result.output
    assert os.path.exists(anchor.anchor_dir(get_settings()) / anchor.ANCHOR_FILE)
    with Session(cli_db) as s:
        head = audit.verify(s)
    ok = runner.invoke(app, ["audit", "verify", "--expect", f"6:{head.head_hash}"])
    assert ok.exit_code == 0, ok.output
    assert "anchors: 1 checked" in ok.output
    bad = runner.invoke(app, ["audit", "verify", "--expect", f"6:{'b' * 64}"])
    assert bad.exit_code == 1
    assert "audit event 6 has hash" in bad.output
    with cli_db.begin() as conn:
        _drop_triggers(conn)
        conn.execute(text("DELETE FROM audit_event WHERE seq > 4"))
        _rewrite_from(conn, 5)
    cut = runner.invoke(app, ["audit", "verify"])
    assert cut.exit_code == 1
    assert "audit chain intact" in cut.output  # the chain alone still fits ...
    assert "now ends at 4 (truncated)" in cut.output  # ... the anchor does not
