"""The to-do centre's service line (issue 15 item 9): running clocks due soon, the holder's
own, the manager's (held or managed), the front desk's and the office's; none at night for
clocks due at the end of an office day."""

from datetime import datetime, timedelta

from sqlmodel import Session

from api.read_models.todo import TodoLine, todo
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.service.models import ServiceClock
from tests import factories
from tests.compliance.cases.helpers import act
from tests.compliance.service import clock_data as data
from tests.compliance.service.clock_data import local


def _clock(
    session: Session,
    office_id: int,
    standard: str,
    key: str,
    due: datetime,
    holder: int | None,
    *,
    state: str = "running",
    order_id: int | None = None,
) -> None:
    session.add(
        ServiceClock(
            office_id=office_id,
            standard=standard,
            standard_version="1",
            subject_key=key,
            order_id=order_id,
            started_at=due - timedelta(hours=3),
            due_at=due,
            state=state,
            holder_staff_id=holder,
            evaluated_at=due - timedelta(hours=3),
        )
    )
    session.flush()


def _line(ctx: Ctx, office: factories.OfficeSet, who: str, at: datetime) -> TodoLine | None:
    c = act(ctx, office, who)
    c = Ctx(session=c.session, actor=c.actor, clock=FixedClock(at), settings=c.settings)
    return next((line for line in todo(c) if line.key == "service_due"), None)


def test_service_deadlines_for_holder_manager_and_office(
    ctx: Ctx, office: factories.OfficeSet, session: Session
) -> None:
    oid = office.office.id or 0
    a, b, c = (s.id or 0 for s in office.staff)
    o = data.order(session, oid, local("2026-03-31", "09:00"))
    o.hop("manager", b, local("2026-03-31", "09:01"))
    midnight = local("2026-04-01", "00:00")
    _clock(session, oid, "S06", f"order:{o.order.id}", midnight, a, order_id=o.order.id)
    _clock(session, oid, "S02", "order:999", local("2026-03-31", "19:10"), c)
    _clock(session, oid, "S03", "order:998", midnight, c, state="breached")
    _clock(session, oid, "S03", "order:997", local("2026-04-02", "00:00"), a)  # not due soon
    other = factories.office_set(session, code="OTH", n_staff=2, n_units=1)
    _clock(session, other.office.id or 0, "S06", "order:1", midnight, other.staff[0].id)
    evening = local("2026-03-31", "19:00")
    # The executor (staff user of staff[0]) sees their own S06.
    mine = _line(ctx, office, "staff", evening)
    assert mine is not None and (mine.count, mine.href) == (1, "/service/my")
    # The manager without a staff record sees the office's two due soon.
    manager = _line(ctx, office, "manager", evening)
    assert manager is not None and (manager.count, manager.href) == (2, "/service/orders")
    # A manager with a staff record sees what they hold or manage: b manages the S06 order.
    office.users["manager"].staff_id = b
    session.flush()
    assert (
        _line(ctx, office, "manager", evening) or TodoLine(key="", label="", count=-1, href="")
    ).count == 1
    # At night (20:00 on) the end-of-day clock is not warned of; the 10-minute one would be.
    office.users["manager"].staff_id = None
    session.flush()
    night = _line(ctx, office, "manager", local("2026-03-31", "20:00"))
    assert night is not None and night.count == 0
    # Morning: nothing due within the window yet.
    morning = _line(ctx, office, "staff", local("2026-03-31", "10:00"))
    assert morning is not None and morning.count == 0
