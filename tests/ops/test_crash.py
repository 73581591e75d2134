"""A crash loses nothing acknowledged (issue 12, item 13).

The server (uvicorn in a subprocess on 127.0.0.1) takes feedback from 8 concurrent writers
and is SIGKILLed mid-way; restarted on the same database it still holds every write that got
a 2xx, nothing half-applied (each feedback has its audit event, each damage report its
damage incident), and `audit verify` passes. The same for a CLI staff import killed while
it writes (all rows or none). On SQLite, and on PostgreSQL when
COMPLIANCE_TEST_DATABASE_URL is set. Every subprocess is SIGKILLed in a finally.
"""

import json
import signal
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from compliance.accounts import tokens
from compliance.cli import app
from compliance.clock import FixedClock
from compliance.config import get_settings
from compliance.context import Ctx
from tests.factories import office_set
from tests.ops.helpers import Install, Proc, cli, installation, start_server, wait_for

WRITERS = 8
KILL_AFTER = 40  # acknowledged writes before the SIGKILL (the writers are still going)


def _use(inst: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process writes and verifies as the installation does (same key and folders)."""
    for k in ("COMPLIANCE_DATABASE_URL", "COMPLIANCE_DATA_DIR", "COMPLIANCE_AUDIT_KEY"):
        monkeypatch.setenv(k, inst.env[k])
    monkeypatch.delenv("COMPLIANCE_ANCHOR_DIR", raising=False)
    get_settings.cache_clear()


def _audit_verify() -> None:
    out = CliRunner().invoke(app, ["audit", "verify"])
    assert out.exit_code == 0, out.output
    assert "audit chain intact" in out.output and "business rows intact" in out.output


def _office(inst: Install) -> tuple[str, int, int]:
    """An office; a read-write API token of its manager, a staff id and a unit id."""
    now = datetime.now(UTC)
    with inst.session() as session:
        office = office_set(session)
        session.commit()
        ctx = Ctx(session, office.actor("manager"), FixedClock(now), get_settings())
        token = tokens.create_token(ctx, {"name": "crash test"}).token
        return token, office.staff[0].id or 0, office.units[0].id or 0


class Writers:
    """WRITERS threads POSTing feedback until the server is gone; every 2xx is kept."""

    def __init__(self, base: str, token: str, staff_id: int, unit_id: int) -> None:
        self.base, self.token, self.staff_id, self.unit_id = base, token, staff_id, unit_id
        self.acked: dict[str, int] = {}  # text -> feedback id, for every 201 received
        self.unexpected: list[str] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(WRITERS)]

    def _post(self, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        req = urllib.request.Request(
            f"{self.base}/api/feedback",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())

    def _run(self, n: int) -> None:
        occurred = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        for i in range(10_000):
            text = f"crash {n}-{i}"
            damage = i % 2 == 1
            body: dict[str, object] = {
                "staff_id": self.staff_id,
                "channel": "phone",
                "category": "damage" if damage else "attitude",
                "text": text,
                "occurred_at": occurred,
            }
            if damage:
                body["unit_id"] = self.unit_id
            try:
                status, saved = self._post(body)
            except urllib.error.HTTPError as exc:
                with self._lock:
                    self.unexpected.append(f"{exc.code} {exc.read()[:300]!r}")
                return
            except OSError:  # the server was killed: refused, reset or cut off
                return
            assert 200 <= status < 300
            with self._lock:
                self.acked[text] = int(str(saved["id"]))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        for t in self.threads:
            t.join(60)
            assert not t.is_alive()

    def count(self) -> int:
        with self._lock:
            return len(self.acked)


def test_api_killed_mid_write_loses_nothing_acknowledged_and_half_applies_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with installation(tmp_path) as inst:
        _use(inst, monkeypatch)
        token, staff_id, unit_id = _office(inst)
        server: Proc | None = None
        try:
            server, base = start_server(inst, tmp_path / "server.log")
            writers = Writers(base, token, staff_id, unit_id)
            writers.start()
            try:
                wait_for(
                    lambda: (
                        writers.count() >= KILL_AFTER
                        or not any(t.is_alive() for t in writers.threads)
                    ),
                    "acknowledged writes",
                )
            finally:
                server.kill()  # SIGKILL while the writers are still posting
                writers.join()
            assert not writers.unexpected, writers.unexpected
            acked = dict(writers.acked)
            assert len(acked) >= KILL_AFTER, server.output()
            server.stop()

            server, base = start_server(inst, tmp_path / "server2.log")  # same database
            again = Writers(base, token, staff_id, unit_id)
            status, _saved = again._post(
                {
                    "staff_id": staff_id,
                    "channel": "phone",
                    "category": "attitude",
                    "text": "after the crash",
                    "occurred_at": datetime.now(UTC).isoformat(),
                }
            )
            assert status == 201
        finally:
            if server is not None:
                server.stop()

        with inst.engine.connect() as conn:
            rows = {
                r.text: (r.id, r.category, r.damage_id)
                for r in conn.execute(text("SELECT id, text, category, damage_id FROM feedback"))
            }
            recorded = {
                int(r[0])
                for r in conn.execute(
                    text("SELECT entity_id FROM audit_event WHERE action = 'feedback.recorded'")
                )
            }
            incidents = {int(r[0]) for r in conn.execute(text("SELECT id FROM damage_incident"))}
        for t, fid in acked.items():  # every 2xx is there, under the id the client was given
            assert t in rows and rows[t][0] == fid, t
        for t, (fid, category, damage_id) in rows.items():  # nothing half-applied
            assert fid in recorded, f"feedback {fid} ({t}) has no audit event"
            if category == "damage":
                assert damage_id in incidents, f"damage feedback {fid} has no incident"
        _audit_verify()


def _roster(path: Path, n: int) -> None:
    lines = ["工号,姓名,班组,岗位,入职日期,月工资"]
    lines += [f"K{i:05d},员工{i},维修,维修工,2024-03-01,4500.00" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_staff_import_killed_while_writing_keeps_all_rows_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with installation(tmp_path) as inst:
        _use(inst, monkeypatch)
        with Session(inst.engine) as session:
            office = office_set(session)
            session.commit()
            hr = office.users["hr"].username
        before = inst.count("SELECT count(*) FROM staff")
        events = inst.count("SELECT count(*) FROM audit_event")
        roster = tmp_path / "roster.csv"
        _roster(roster, 20_000)
        proc = cli(inst, tmp_path / "import.log", "import", "staff", str(roster), "--as", hr)
        try:
            # Kill it once its write transaction has begun (it holds the write lock) and
            # before it ends.
            wait_for(lambda: _writing(inst) or proc.p.poll() is not None, "the import to write")
            assert proc.p.poll() is None, proc.output()  # it had not finished by itself
            proc.kill()
            assert proc.p.returncode == -signal.SIGKILL
        finally:
            proc.stop()
        after = inst.count("SELECT count(*) FROM staff")
        assert after in (before, before + 20_000), f"{after - before} of 20000 rows kept"
        wages = inst.count("SELECT count(*) FROM staff_wage")
        assert wages == after  # each staff member with their wage, or neither
        if after == before:
            assert inst.count("SELECT count(*) FROM audit_event") == events
        _audit_verify()


def _writing(inst: Install) -> bool:
    """Whether another process holds a write transaction on the database right now."""
    if inst.engine.dialect.name == "sqlite":
        wal = Path(str(inst.engine.url.database) + "-wal")
        import sqlite3

        con = sqlite3.connect(str(inst.engine.url.database), timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return wal.exists()
        finally:
            con.close()
    with inst.engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar_one()
        )


def _numbers(inst: Install) -> list[int]:
    with inst.engine.connect() as conn:
        found = conn.execute(text("SELECT number FROM dossier ORDER BY id")).scalars().all()
    return [int(n.rsplit("-", 1)[1]) for n in found]


def test_dossier_batch_killed_mid_way_keeps_nothing_and_numbers_stay_gap_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compliance.dossiers.batch import print_batch, select_cases
    from compliance.dossiers.service import print_dossier
    from compliance.dossiers.verify import verify_pdf
    from compliance.pay.service import seed_example_minimum_wage
    from tests.compliance.cases.helpers import drive
    from tests.conftest import NOW

    with installation(tmp_path) as inst:
        _use(inst, monkeypatch)
        with inst.session() as session:
            office = office_set(session)
            seed_example_minimum_wage(session, NOW)
            session.commit()
            ctx = Ctx(session, office.actor("manager"), FixedClock(NOW), get_settings())
            for _ in range(6):
                drive(ctx, office, "approved")
                session.commit()
            hr = Ctx(session, office.actor("hr"), FixedClock(datetime.now(UTC)), get_settings())
            first = select_cases(hr, state="approved")[0]
            print_dossier(hr, first)  # one issued before the batch: number 1
            hr_name, hr_actor = office.users["hr"].username, office.actor("hr")
        assert _numbers(inst) == [1]
        events = inst.count("SELECT count(*) FROM audit_event WHERE action = 'dossier.issued'")
        out = tmp_path / "printed"
        proc = cli(
            inst,
            tmp_path / "batch.log",
            "dossier",
            "batch",
            "--as",
            hr_name,
            "--state",
            "approved",
            "--out",
            str(out),
            "--workers",
            "2",
        )
        try:
            # Its helper process starts once the first dossiers are numbered and rendering
            # is under way: mid-way through the batch.
            wait_for(lambda: proc.children() or proc.p.poll() is not None, "the batch to render")
            assert proc.p.poll() is None, proc.output()
            proc.kill()
        finally:
            proc.stop()
        assert _numbers(inst) == [1]  # nothing half-kept
        kept = inst.count("SELECT count(*) FROM audit_event WHERE action = 'dossier.issued'")
        assert kept == events
        assert not out.exists() or not list(out.glob("*.pdf"))  # nothing printed unrecorded
        _audit_verify()

        # Run again to the end: the numbers follow on with no gap and every PDF verifies.
        with inst.session() as session:
            hr = Ctx(session, hr_actor, FixedClock(datetime.now(UTC)), get_settings())
            result = print_batch(
                hr, select_cases(hr, state="approved"), out, workers=1, progress=False
            )
            assert _numbers(inst) == list(range(1, 8))
            for item in result.items:
                assert verify_pdf(session, item.path.read_bytes()).ok
        _audit_verify()
