"""Two people dispatching the same work order at once, on a database that really commits:
the conditional update lets one win; the other is told someone changed it first."""

from sqlalchemy import func, select
from sqlmodel import Session

from compliance.context import Ctx
from compliance.service import orders
from compliance.service.models import ServiceEvent, ServiceHop
from compliance.service.schemas import OrderIn
from tests import factories
from tests.compliance.cases.test_race import _ctx, _race


def test_two_dispatches_of_one_version_one_wins(race_engine, settings):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        s.commit()
        order = orders.receive(
            _ctx(s, office, "manager", settings),
            OrderIn.model_validate(
                {
                    "kind": "repair",
                    "channel": "counter",
                    "unit_id": office.units[0].id,
                    "description": "门禁坏了",
                }
            ),
        )
        staff = {"manager": office.staff[0].id, "director": office.staff[1].id}
    oid, version = order.id, order.version

    def take(c: Ctx) -> object:
        return orders.dispatch(c, oid, staff[c.actor.username.split("-")[1]], version=version)

    outcomes = _race(race_engine, office, settings, ["manager", "director"], take)
    assert outcomes == ["conflict", "ok"]
    with Session(race_engine) as s:
        events = s.execute(
            select(func.count()).where(
                ServiceEvent.order_id == oid, ServiceEvent.action == "dispatch"
            )
        ).scalar_one()
        hops = s.execute(select(func.count()).where(ServiceHop.order_id == oid)).scalar_one()
    assert (events, hops) == (1, 1)
