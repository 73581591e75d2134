"""Two return visits that each tip the same majority issue, recorded at the same moment on a
database that really commits: one notice, not two. What queues the second check behind the
first is the audit chain's head lock (the visit is audited before the check): the gate below
makes both checks read at the same moment if anything ever lets them run side by side."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.service import lobby
from compliance.service.models import LobbyNotice
from tests import factories
from tests.compliance.service.helpers_visits import add_units, visit
from tests.conftest import NOW

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_two_tipping_visits_at_once_open_one_notice(race_engine, settings, monkeypatch):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s, n_units=0)
        nine = add_units(s, office, "9栋", 4)
        manager = office.actor("manager")
        ctx = Ctx(session=s, actor=manager, clock=FixedClock(NOW), settings=settings)
        for i, unit in enumerate(nine[:2]):
            visit(ctx, unit, T + timedelta(minutes=i), topic="电梯噪音")
        s.commit()
    start = threading.Barrier(2)
    # Both checks reach the month's visits together unless one waits for the other's
    # transaction (the lock): then the gate gives up after a second and the first goes on.
    gate = threading.Barrier(2, timeout=1)
    month_visits = lobby._month_visits

    def meet_then_read(ctx, first):  # type: ignore[no-untyped-def]
        try:
            gate.wait()
        except threading.BrokenBarrierError:
            pass
        return month_visits(ctx, first)

    monkeypatch.setattr(lobby, "_month_visits", meet_then_read)
    outcomes: dict[int, str] = {}

    def run(i: int) -> None:
        with Session(race_engine, expire_on_commit=False) as s:
            c = Ctx(session=s, actor=office.actor("manager"), clock=FixedClock(NOW),
                    settings=settings)  # fmt: skip
            start.wait()
            try:
                visit(c, nine[2 + i], T + timedelta(minutes=10 + i), topic="电梯噪音")
                outcomes[i] = "ok"
            except Exception as exc:  # reported by the assertion below, not lost in the thread
                outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == {0: "ok", 1: "ok"}
    with Session(race_engine) as s:
        assert s.execute(select(func.count()).select_from(LobbyNotice)).scalar_one() == 1
