"""Printing renders with no write lock held, and takes its numbers only when it records."""

import io
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
