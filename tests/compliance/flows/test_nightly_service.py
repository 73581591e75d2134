"""The nightly run also evaluates the service clocks of its period: a late repair becomes an R04
finding without anyone running `compliance service evaluate`."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.findings.models import Finding
from compliance.flows.nightly import NightlySettings, run_nightly
from compliance.service.models import ServiceClock
from tests import factories
from tests.compliance.service import clock_data as data
from tests.compliance.service.clock_data import local

TWO_AM = datetime(2026, 3, 30, 18, 0, tzinfo=UTC)  # 2026-03-31 02:00 Shanghai


def test_nightly_evaluates_the_service_clocks(fresh_engine) -> None:
    with Session(fresh_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        a = office.staff[0].id or 0
        o = data.order(s, office.office.id or 0, local("2026-03-27"), kind="repair")
        o.hop("executor", a, local("2026-03-27", "10:05"))
        s.commit()
        order_id = o.order.id
    result = run_nightly(
        fresh_engine,
        FixedClock(TWO_AM),
        Settings(database_url="sqlite://"),
        NightlySettings(days=7),
        holder="t",
    )
    assert result.ran and not result.errors
    with Session(fresh_engine) as s:
        states = dict(
            s.execute(
                select(col(ServiceClock.standard), col(ServiceClock.state)).where(
                    col(ServiceClock.order_id) == order_id
                )
            ).all()
        )
        assert states["S06"] == "breached"
        keys = s.execute(select(col(Finding.dedupe_key), col(Finding.staff_id))).all()
        assert (f"service:S06:order:{order_id}", a) in keys
