"""The nightly run: claimed once a night across processes through a database row, run by the
app (not cron), taken over after a crash once the lease runs out."""

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from api.main import create_app
from compliance.audit.service import verify
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.feedback.models import Feedback
from compliance.findings.models import DetectionRun, Finding
from compliance.flows.models import JobLease
from compliance.flows.nightly import (
    JOB,
    NightlySettings,
    claim,
    next_due,
    run_nightly,
)
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
NIGHT = date(2026, 3, 31)
TWO_AM = datetime(2026, 3, 30, 18, 0, tzinfo=UTC)  # 2026-03-31 02:00 Shanghai
LEASE = timedelta(minutes=120)


def _office(engine):
    """A committed office with a resident's tip report 49 hours old and never handed over."""
    with Session(engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        s.add(
            Feedback(
                office_id=office.office.id,
                staff_id=office.staff[0].id,
                unit_id=office.units[0].id,
                channel="phone",
                category="tip_reported",
                text="给了一百元小费",
                amount_fen=10000,
                occurred_at=TWO_AM - timedelta(hours=49),
                work_date=(TWO_AM - timedelta(hours=49)).astimezone(SH).date(),
                received_at=TWO_AM - timedelta(hours=48),
                created_at=TWO_AM - timedelta(hours=48),
            )
        )
        s.commit()
    return engine


@pytest.fixture
def office_db(fresh_engine):
    """The office in a database of the test's own."""
    return _office(fresh_engine)


@pytest.fixture
def raced_office_db(race_engine):
    """The office in a database of the test's own, on each database that can race."""
    return _office(race_engine)


def _settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://")


def _lease(engine) -> JobLease:
    with Session(engine) as s:
        row = s.get(JobLease, JOB)
        assert row is not None
        return row


def test_the_night_finds_the_tip_not_handed_over_within_48_hours(office_db, tmp_path):
    result = run_nightly(office_db, FixedClock(TWO_AM), _settings(tmp_path), holder="a")
    assert result.ran and result.night == NIGHT and not result.errors
    with Session(office_db) as s:
        [finding] = s.execute(select(Finding)).scalars().all()
        run = s.execute(select(DetectionRun)).scalar_one()
        assert finding.rule_code == "R12" and finding.detection_run_id == run.id
        assert run.created_by is None and finding.created_by is None
        assert run.period_end == NIGHT and run.period_start == NIGHT - timedelta(days=31)
        assert verify(s).ok
    lease = _lease(office_db)
    assert (lease.night, lease.holder, lease.finished_at) == (NIGHT, "a", TWO_AM)


def test_a_second_process_the_same_night_skips(office_db, tmp_path):
    clock = FixedClock(TWO_AM)
    assert run_nightly(office_db, clock, _settings(tmp_path), holder="a").ran
    clock.advance(timedelta(minutes=1))
    second = run_nightly(office_db, clock, _settings(tmp_path), holder="b")
    assert not second.ran and second.runs == {}
    with Session(office_db) as s:
        assert len(s.execute(select(DetectionRun)).scalars().all()) == 1


def test_two_concurrent_claims_let_exactly_one_run(raced_office_db):
    office_db = raced_office_db
    start = threading.Barrier(2)
    won: dict[str, bool] = {}

    def contend(holder: str) -> None:
        start.wait()
        won[holder] = claim(office_db, TWO_AM, NIGHT, holder, LEASE)

    threads = [threading.Thread(target=contend, args=(h,)) for h in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won.values()) == [False, True]
    assert _lease(office_db).holder == next(h for h, ok in won.items() if ok)


def test_the_next_night_runs_again(office_db, tmp_path):
    clock = FixedClock(TWO_AM)
    assert run_nightly(office_db, clock, _settings(tmp_path), holder="a").ran
    clock.advance(timedelta(days=1))
    again = run_nightly(office_db, clock, _settings(tmp_path), holder="b")
    assert again.ran and again.night == NIGHT + timedelta(days=1)
    with Session(office_db) as s:
        assert len(s.execute(select(DetectionRun)).scalars().all()) == 2
        assert len(s.execute(select(Finding)).scalars().all()) == 1  # found once, not twice


def test_a_claim_that_died_mid_run_is_taken_over_after_the_lease(office_db, tmp_path):
    assert claim(office_db, TWO_AM, NIGHT, "crashed", LEASE)  # never finished
    clock = FixedClock(TWO_AM + LEASE - timedelta(seconds=1))
    assert not run_nightly(office_db, clock, _settings(tmp_path), holder="b").ran
    clock.advance(timedelta(seconds=2))
    taken = run_nightly(office_db, clock, _settings(tmp_path), holder="b")
    assert taken.ran
    lease = _lease(office_db)
    assert lease.holder == "b" and lease.finished_at == clock.now()


def test_the_scheduler_waits_for_the_night_hour_in_the_office_zone():
    cfg = NightlySettings(hour=2, catch_up_hours=6)
    noon = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # 12:00 Shanghai
    assert next_due(noon, SH, cfg, None) == datetime(2026, 4, 1, 2, 0, tzinfo=SH)
    # 01:59 Shanghai is 17:59 UTC the day before: tonight's run is a minute away.
    before = datetime(2026, 3, 30, 17, 59, tzinfo=UTC)
    assert next_due(before, SH, cfg, None) == datetime(2026, 3, 31, 2, 0, tzinfo=SH)
    # A server started at 03:00 still runs the night it missed; not twice.
    late = datetime(2026, 3, 30, 19, 0, tzinfo=UTC)
    assert next_due(late, SH, cfg, None) == late
    assert next_due(late, SH, cfg, NIGHT) == datetime(2026, 4, 1, 2, 0, tzinfo=SH)


def test_the_app_starts_the_nightly_thread_and_stops_it(engine, tmp_path):
    app = create_app(
        _settings(tmp_path), engine, clock=FixedClock(datetime(2026, 3, 31, 4, 0, tzinfo=UTC))
    )
    with TestClient(app):
        scheduler = app.state.nightly
        assert scheduler is not None and scheduler.alive
    assert not scheduler.alive


def test_the_nightly_thread_can_be_turned_off(engine, tmp_path):
    app = create_app(_settings(tmp_path), engine, nightly=NightlySettings(enabled=False))
    with TestClient(app):
        assert app.state.nightly is None
