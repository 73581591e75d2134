"""Two cashiers handing over the same tip at once, on a database that really commits."""

import threading
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.counters.models import Counter
from compliance.errors import Conflict
from compliance.tips.models import TipLine
from compliance.tips.service import declare_tip, hand_over
from tests import factories
from tests.conftest import NOW


def test_two_cashiers_one_tip_one_wins_and_one_number_is_used(race_engine, settings):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        second = User(
            office_id=office.office.id,
            username="bsw-cashier2",
            display_name="cashier2",
            role=Role.CASHIER.value,
            created_at=NOW,
        )
        s.add(second)
        office.users["cashier2"] = second
        s.commit()
        tip = declare_tip(
            Ctx(session=s, actor=office.actor("cashier"), clock=FixedClock(NOW), settings=settings),
            {
                "staff_id": office.staff[0].id,
                "unit_id": office.units[0].id,
                "amount_fen": 20_000,
                "received_at": (NOW - timedelta(hours=2)).isoformat(),
            },
        )
    countersigner = office.users["manager"].id
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def cashier(name: str) -> None:
        with Session(race_engine, expire_on_commit=False) as s:
            c = Ctx(session=s, actor=office.actor(name), clock=FixedClock(NOW), settings=settings)
            start.wait()
            try:
                outcomes[name] = hand_over(c, tip.id, countersigner, NOW).receipt_no or ""
            except Conflict:
                outcomes[name] = "conflict"
            except Exception as exc:  # reported by the assertion below, not lost in the thread
                outcomes[name] = repr(exc)

    threads = [threading.Thread(target=cashier, args=(n,)) for n in ("cashier", "cashier2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["BSW-SJ-2026-00001", "conflict"]
    winner = next(n for n, v in outcomes.items() if v != "conflict")
    with Session(race_engine) as s:
        row = s.get(TipLine, tip.id)
        assert row is not None
        assert (row.receipt_no, row.cashier_id) == ("BSW-SJ-2026-00001", office.users[winner].id)
        counter = s.execute(
            select(Counter.value).where(Counter.name == "tip_receipt", Counter.year == 2026)
        ).scalar_one()
        assert counter == 1
