"""The service clocks are evaluated every minute, not only at night: a complaint received at
08:32 is a running S02 clock with its 08:42 due (and a warning on the desk's to-do) by the next
minute's run; of several processes only one runs a minute; a quiet minute writes no audit."""

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.audit.models import AuditEvent
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.flows.nightly import NightlySettings, run_live_clocks
from compliance.flows.service_clocks import warnings_for
from compliance.offices.models import Office
from compliance.service.models import ServiceClock
from tests import factories
from tests.compliance.service import clock_data as data
from tests.compliance.service.clock_data import local

RECEIVED = local("2026-10-20", "08:32")
SETTINGS = Settings(database_url="sqlite://")
LIVE = NightlySettings(live_seconds=60, live_days=45)


def _complaint(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        desk = office.staff[2].id or 0
        o = data.order(s, office.office.id or 0, RECEIVED, kind="complaint", receiver=desk)
        s.commit()
        return office.office.id or 0, desk, o.order.id or 0


def _clocks(engine, order_id: int) -> dict[str, ServiceClock]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.execute(select(ServiceClock).where(col(ServiceClock.order_id) == order_id))
        return {r.standard: r for r in rows.scalars()}


def test_a_complaint_is_a_running_clock_with_a_warning_within_the_minute(fresh_engine) -> None:
    office_id, desk, order_id = _complaint(fresh_engine)
    assert _clocks(fresh_engine, order_id) == {}
    now = RECEIVED + timedelta(minutes=6)  # 08:38
    done = run_live_clocks(fresh_engine, FixedClock(now), SETTINGS, LIVE, holder="a")
    assert done is not None and done[office_id] >= 1
    s02 = _clocks(fresh_engine, order_id)["S02"]
    assert s02.state == "running"
    assert s02.due_at is not None
    assert s02.due_at.replace(tzinfo=RECEIVED.tzinfo) == RECEIVED + timedelta(minutes=10)
    with Session(fresh_engine) as s:
        tz = data.SH
        assert s.get(Office, office_id) is not None
        warned = [(w.standard, w.order_id) for w in warnings_for(s, office_id, desk, now)]
        assert ("S02", order_id) in warned, tz
        # Nothing new was raised: a quiet minute leaves no audit event.
        quiet = s.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.action) == "service.clocks_evaluated")
        ).scalar_one()
        assert quiet == 0


def test_one_process_runs_a_minute_the_others_skip(fresh_engine) -> None:
    _complaint(fresh_engine)
    clock = FixedClock(RECEIVED + timedelta(minutes=6))
    assert run_live_clocks(fresh_engine, clock, SETTINGS, LIVE, holder="a") is not None
    clock.advance(timedelta(seconds=30))
    assert run_live_clocks(fresh_engine, clock, SETTINGS, LIVE, holder="b") is None
    clock.advance(timedelta(seconds=30))  # a minute after the first claim
    assert run_live_clocks(fresh_engine, clock, SETTINGS, LIVE, holder="b") is not None


def test_past_the_due_the_minute_run_breaches_and_audits(fresh_engine) -> None:
    _office, _desk, order_id = _complaint(fresh_engine)
    late = RECEIVED + timedelta(minutes=11)
    assert run_live_clocks(fresh_engine, FixedClock(late), SETTINGS, LIVE, holder="a")
    assert _clocks(fresh_engine, order_id)["S02"].state == "breached"
    with Session(fresh_engine) as s:
        audited = s.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.action) == "service.clocks_evaluated")
        ).scalar_one()
        assert audited == 1


def test_two_concurrent_claims_let_exactly_one_run(race_engine) -> None:
    _complaint(race_engine)
    clock = FixedClock(RECEIVED + timedelta(minutes=6))
    start = threading.Barrier(2)
    ran: dict[str, bool] = {}

    def go(holder: str) -> None:
        start.wait()
        ran[holder] = run_live_clocks(race_engine, clock, SETTINGS, LIVE, holder=holder) is not None

    threads = [threading.Thread(target=go, args=(h,)) for h in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ran.values()) == [False, True]
