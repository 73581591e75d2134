"""Printing renders with no write lock held, and takes its numbers only when it records."""

import io
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.counters.service import last_number, next_number, take_after
from compliance.dossiers import batch
from compliance.dossiers import render as render_module
from compliance.dossiers import service as dossiers
from compliance.dossiers.models import Dossier
from tests import factories
from tests.conftest import NOW, as_role
from tests.pdf.helpers import typical_case


@pytest.fixture
def printing(fresh_engine: Engine, settings: Settings) -> Iterator[tuple[Ctx, list[int]]]:
    """HR on a database that really commits, with two cases to print."""
    with Session(fresh_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        s.commit()
        ctx = Ctx(s, office.actor("manager"), FixedClock(NOW), settings)
        ids = [typical_case(ctx, office, staff=i, feedback=1, photos=0) for i in (0, 1)]
        yield as_role(ctx, office, "hr"), ids


def _while_rendering(monkeypatch, module, action: Callable[[], None]) -> list[int]:  # type: ignore[no-untyped-def]
    """Run `action` inside every render of the module (the real render follows)."""
    calls: list[int] = []

    def render(view):  # type: ignore[no-untyped-def]
        calls.append(1)
        action()
        return render_module.render_dossier(view)

    monkeypatch.setattr(module, "render_dossier", render)
    return calls


def _dossier_numbers_taken(engine: Engine, office_id: int) -> int:
    with Session(engine) as s:
        return last_number(s, office_id, "dossier", NOW.year)


def _race_once(engine: Engine, office_id: int) -> Callable[[], None]:
    """The first time it is called, another print elsewhere takes the next dossier number."""
    raced: list[bool] = []

    def race() -> None:
        if not raced:
            raced.append(True)
            with Session(engine) as s:
                next_number(s, office_id, "dossier", NOW.year)
                s.commit()

    return race


def test_the_write_lock_is_free_while_a_dossier_renders(monkeypatch, printing, fresh_engine):
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    hr, (case_id, _) = printing
    writers: list[str] = []

    def another_writer() -> None:
        conn = sqlite3.connect(str(fresh_engine.url.database), timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")  # fails at once if the print held the lock
            conn.execute("ROLLBACK")
            writers.append("wrote")
        finally:
            conn.close()

    _while_rendering(monkeypatch, dossiers, another_writer)
    data, record = dossiers.print_dossier(hr, case_id)
    assert writers == ["wrote"]
    assert record.number.endswith("-0001") and data.startswith(b"%PDF")
    _while_rendering(monkeypatch, batch, another_writer)
    result = batch.print_batch(
        hr, [case_id], Path(fresh_engine.url.database).parent / "out", workers=1, progress=False
    )
    assert writers == ["wrote", "wrote"]
    assert [i.dossier_number[-4:] for i in result.items] == ["0002"]


def test_a_number_taken_while_rendering_is_not_printed_twice(monkeypatch, printing, fresh_engine):
    hr, (case_id, _) = printing
    office_id = hr.actor.office_id
    # The first render races with another print; the second does not.
    calls = _while_rendering(monkeypatch, dossiers, _race_once(fresh_engine, office_id))
    data, record = dossiers.print_dossier(hr, case_id)
    assert len(calls) == 2  # rendered again, with the next free number
    assert record.number.endswith("-0002")
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert record.number in printed
    assert _dossier_numbers_taken(fresh_engine, office_id) == 2
    with Session(fresh_engine) as s:
        assert s.execute(select(func.count()).select_from(Dossier)).scalar_one() == 1


def test_a_batch_whose_numbers_were_taken_keeps_nothing(
    monkeypatch, printing, fresh_engine, tmp_path
):
    hr, ids = printing
    office_id = hr.actor.office_id
    _while_rendering(monkeypatch, batch, _race_once(fresh_engine, office_id))
    with pytest.raises(dossiers.NumbersTaken):
        batch.print_batch(hr, ids, tmp_path / "out", workers=1, progress=False)
    assert list((tmp_path / "out").iterdir()) == []
    assert _dossier_numbers_taken(fresh_engine, office_id) == 1  # the other print's only
    with Session(fresh_engine) as s:
        assert s.execute(select(func.count()).select_from(Dossier)).scalar_one() == 0


def test_numbers_are_taken_after_the_last_one_read_or_not_at_all(session, office):
    oid, year = office.office.id, NOW.year
    assert last_number(session, oid, "dossier", year) == 0
    assert take_after(session, oid, "dossier", year, 0, 3)
    assert last_number(session, oid, "dossier", year) == 3
    assert not take_after(session, oid, "dossier", year, 0, 1)  # someone took them first
    assert last_number(session, oid, "dossier", year) == 3
    assert next_number(session, oid, "dossier", year) == 4


def test_numbers_skip_past_the_floor_and_never_at_or_below_it(session, office):
    oid, year = office.office.id, NOW.year
    assert take_after(session, oid, "dossier", year, 0, 2, floor=5)  # restored behind: 6, 7
    assert last_number(session, oid, "dossier", year) == 7
    assert not take_after(session, oid, "dossier", year, 5, 1, floor=5)  # 7 is not 5
    assert take_after(session, oid, "dossier", year, 7, 1, floor=5)  # ahead of it: just 8
    assert last_number(session, oid, "dossier", year) == 8


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_no_dossier_file_exists_before_its_number_is_committed(monkeypatch, printing, tmp_path):
    """A batch killed between rendering and its commit can leave no PDF behind: no file bears
    a number before the number and hash are committed (and then anchored)."""
    hr, ids = printing
    out = tmp_path / "out"
    seen_at_commit: list[list[str]] = []

    def commit_fails() -> None:
        seen_at_commit.append(_files(out))
        raise OSError("the disk went away at the commit")

    monkeypatch.setattr(hr.session, "commit", commit_fails)
    with pytest.raises(OSError, match="disk went away"):
        batch.print_batch(hr, ids, out, workers=1, progress=False)
    assert seen_at_commit == [[]]  # nothing was written before the commit
    assert _files(out) == []
    monkeypatch.undo()
    assert _dossier_numbers_taken(hr.session.get_bind(), hr.actor.office_id) == 0  # type: ignore[arg-type]
    result = batch.print_batch(hr, ids, out, workers=1, progress=False)
    assert [i.dossier_number[-4:] for i in result.items] == ["0001", "0002"]  # not consumed
    assert _files(out) == sorted(i.path.name for i in result.items)


def _skips(engine: Engine) -> list[dict[str, object]]:
    import json

    from compliance.audit.models import AuditEvent

    with Session(engine) as s:
        rows = s.exec(  # type: ignore[call-overload]
            select(AuditEvent.payload).where(AuditEvent.action == "dossier.numbers_skipped")
        ).all()
    return [json.loads(r[0]) for r in rows]


def _restore_counter(engine: Engine, office_id: int, value: int) -> None:
    """What restoring an older backup does to the dossier counter: it goes back."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE counter SET value = ? WHERE office_id = ? AND name = 'dossier' AND year = ?"
            if engine.dialect.name == "sqlite"
            else "UPDATE counter SET value = %s WHERE office_id = %s AND name = 'dossier'"
            " AND year = %s",
            (value, office_id, NOW.year),
        )


def test_a_restored_older_backup_never_reissues_a_printed_number(printing, fresh_engine, tmp_path):
    hr, (first, second) = printing
    oid = hr.actor.office_id
    _, one = dossiers.print_dossier(hr, first)
    _, two = dossiers.print_dossier(hr, second)
    assert (one.number[-4:], two.number[-4:]) == ("0001", "0002")
    from compliance.audit import anchor

    key = anchor.numbers_key(oid, NOW.year)
    assert anchor.anchored_numbers(hr.settings)[key] == 2  # the anchor log knows
    assert _skips(fresh_engine) == []

    _restore_counter(fresh_engine, oid, 0)  # the backup was taken before either print
    _, three = dossiers.print_dossier(hr, first)
    assert three.number == two.number[:-4] + "0003"  # anchored_max + 1, never 0001 again
    (skip,) = _skips(fresh_engine)
    assert skip["first"] == one.number and skip["last"] == two.number
    assert skip["count"] == 2
    assert f"restored from backup; numbers up to {two.number} were issued before" in str(
        skip["reason"]
    )
    _, four = dossiers.print_dossier(hr, second)  # caught up: no further skip
    assert four.number.endswith("-0004") and len(_skips(fresh_engine)) == 1

    _restore_counter(fresh_engine, oid, 3)  # one behind, through a batch this time
    result = batch.print_batch(hr, [first, second], tmp_path / "out", workers=1, progress=False)
    assert [i.dossier_number[-4:] for i in result.items] == ["0005", "0006"]
    assert [s["first"] for s in _skips(fresh_engine)][-1] == four.number
    assert anchor.anchored_numbers(hr.settings)[key] == 6
    with Session(fresh_engine) as s:
        numbers = [n for (n,) in s.execute(select(Dossier.number)).all()]  # type: ignore[call-overload]
    assert len(numbers) == len(set(numbers)) == 6


def test_old_anchor_lines_still_verify_and_carry_no_numbers(printing, fresh_engine):
    from compliance.audit import anchor
    from compliance.audit.canonical import canonical_json

    hr, _ = printing
    body = {
        "at": "2026-01-01T00:00:00Z",
        "seq": 0,
        "hash": "0" * 64,
        "seal_seq": 0,
        "seal_hash": "0" * 64,
        "why": "written by an older release",
    }
    line = canonical_json({**body, "mac": anchor._mac(anchor.audit_key(hr.settings), body)})
    folder = anchor.anchor_dir(hr.settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / anchor.ANCHOR_FILE).write_text(line + "\n", encoding="utf-8")
    good, bad = anchor.read_anchors(hr.settings)
    assert bad == [] and good[0].dossiers is None
    assert anchor.anchored_numbers(hr.settings) == {}
    with fresh_engine.connect() as conn:
        new = anchor.write_anchor(conn, hr.settings, NOW, "now")
    assert new.dossiers == {}
    good, bad = anchor.read_anchors(hr.settings)
    assert bad == [] and len(good) == 2


def test_a_temporary_file_left_by_a_crash_is_never_a_dossier(monkeypatch, printing, tmp_path):
    hr, ids = printing
    out = tmp_path / "out"
    real_replace = os.replace
    crashed: list[str] = []

    def crash_once(src, dst):  # type: ignore[no-untyped-def]
        if not crashed:  # killed between the file's write and its rename
            crashed.append(str(src))
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(batch.os, "replace", crash_once)
    with pytest.raises(KeyboardInterrupt):
        batch.print_batch(hr, ids, out, workers=1, progress=False)
    # Recorded and anchored, so the numbers stay used; no file bears a number half-written.
    assert [p for p in out.iterdir() if p.suffix == ".pdf"] == []
    assert all(batch.is_temporary(p) for p in out.iterdir())
    # What a kill -9 would have left: the temporary file itself.
    left = out / Path(crashed[0]).name
    left.write_bytes(b"%PDF-1.7 half a dossier")
    assert batch.is_temporary(left) and not left.name.endswith(".pdf")
    result = batch.print_batch(hr, ids, out, workers=1, progress=False)
    assert [i.dossier_number[-4:] for i in result.items] == ["0003", "0004"]
    assert sorted(out.glob("*.pdf")) == sorted(i.path for i in result.items)
    assert all(i.path.read_bytes().startswith(b"%PDF") for i in result.items)


def test_only_keyed_anchor_lines_count_and_the_newest_are_found_in_a_long_log(printing):
    from compliance.audit import anchor
    from compliance.audit.canonical import canonical_json

    hr, (case_id, _) = printing
    key = anchor.numbers_key(hr.actor.office_id, NOW.year)
    folder = anchor.anchor_dir(hr.settings)
    folder.mkdir(parents=True, exist_ok=True)
    mac_key = anchor.audit_key(hr.settings)
    old = {"at": "2026-01-01T00:00:00Z", "seq": 0, "hash": "0" * 64}
    old |= {"seal_seq": 0, "seal_hash": "0" * 64, "why": "nightly, an older release"}
    line = canonical_json({**old, "mac": anchor._mac(mac_key, old)}) + "\n"
    (folder / anchor.ANCHOR_FILE).write_text(line * 2000, encoding="utf-8")  # > the tail read
    _, record = dossiers.print_dossier(hr, case_id)
    assert anchor.anchored_numbers(hr.settings) == {key: 1}
    forged = {**old, "dossiers": {key: 999}}
    with open(folder / anchor.ANCHOR_FILE, "a", encoding="utf-8") as f:
        f.write(canonical_json({**forged, "mac": "0" * 64}) + "\n")
    assert anchor.anchored_numbers(hr.settings) == {key: 1}  # without the key it counts for nothing
    _, again = dossiers.print_dossier(hr, case_id)
    assert (record.number[-4:], again.number[-4:]) == ("0001", "0002")
