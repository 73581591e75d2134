"""The work-order life cycle (rulebook 第2篇 1(3), 2, 3; issue 15 items 1–2) as scenarios."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlmodel import col

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from compliance.service import orders
from compliance.service.calls import record_call
from compliance.service.models import (
    OrderState,
    ServiceCall,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from compliance.service.schemas import CallIn, OrderFilters, OrderIn
from tests import factories
from tests.compliance.service.conftest import actor_ctx, tick

S = OrderState


def _repair(office, **over):
    data = {
        "kind": "repair",
        "channel": "phone",
        "unit_id": office.units[0].id,
        "household": "赵小红",
        "contact_phone": "13812345678",
        "description": "厨房水龙头漏水",
        "call": {"rings": 2, "purpose": "报修"},
    }
    data.update(over)
    return OrderIn.model_validate(data)


def _complaint(office, **over):
    data = {
        "kind": "complaint",
        "channel": "counter",
        "complaint_class": "attitude",
        "unit_id": office.units[1].id,
        "household": "钱先生",
        "description": "保安说话态度恶劣",
    }
    data.update(over)
    return OrderIn.model_validate(data)


def _events(session, order_id):
    return (
        session.execute(
            select(ServiceEvent)
            .where(col(ServiceEvent.order_id) == order_id)
            .order_by(col(ServiceEvent.id))
        )
        .scalars()
        .all()
    )


def _event_rows(session, order_id):
    return [
        tuple(r)
        for r in session.execute(
            select(ServiceEvent.__table__)  # type: ignore[attr-defined]
            .where(col(ServiceEvent.order_id) == order_id)
            .order_by(col(ServiceEvent.id))
        ).all()
    ]


def _hops(session, order_id):
    return list(
        session.execute(
            select(ServiceHop)
            .where(col(ServiceHop.order_id) == order_id)
            .order_by(col(ServiceHop.id))
        )
        .scalars()
        .all()
    )


def _call_out(desk, order=None):
    return record_call(
        desk,
        CallIn(direction="out", purpose="回复", order_id=order.id if order else None),
    )


def _dispatched(desk, office, worker):
    o = orders.receive(desk, _repair(office))
    o = orders.dispatch(desk, o.id, office.staff[0].id, version=o.version)
    return o


def _on_site(desk, office, worker):
    o = _dispatched(desk, office, worker)
    o = orders.accept(worker, o.id, version=o.version)
    return orders.arrive(
        worker, o.id, method="qr", ref=orders.unit_qr_text(office.units[0].id), version=o.version
    )


def test_a_repair_goes_the_whole_life_cycle_with_its_evidence(
    ctx, desk, worker, office, photo, session
):
    manager = office.staff[2]
    o = orders.receive(desk, _repair(office))
    assert o.number == "FW-2026-000001"
    assert (o.state, o.version, o.received_at) == (S.RECEIVED, 1, ctx.now())
    tick(ctx, 3)
    o = orders.assign_manager(desk, o.id, manager.id, version=o.version)
    tick(ctx)
    o = orders.dispatch(desk, o.id, office.staff[0].id, version=o.version)
    assert (o.state, o.executor_staff_id, o.manager_staff_id) == (
        S.DISPATCHED,
        office.staff[0].id,
        manager.id,
    )
    tick(ctx, 2)
    o = orders.accept(worker, o.id, version=o.version)
    tick(ctx, 20)
    o = orders.arrive(
        worker, o.id, method="qr", ref=f"unit:{office.units[0].id}", version=o.version
    )
    assert o.state == S.IN_PROGRESS
    o = orders.wait_resident(worker, o.id, note="住户外出, 约好14点回来", version=o.version)
    assert o.state == S.WAITING_RESIDENT
    tick(ctx, 60)
    o = orders.resume(worker, o.id, version=o.version)
    assert o.state == S.IN_PROGRESS  # back where the wait began
    tick(ctx, 30)
    o = orders.handle(worker, o.id, note="更换阀芯", photo_file_id=photo(), version=o.version)
    assert (o.state, o.handled_at) == (S.HANDLED, ctx.now())
    call = _call_out(desk)
    o = orders.reply(
        desk, o.id, note="已修好, 住户满意", method="phone", call_id=call.id, version=o.version
    )
    o = orders.follow_up(
        desk, o.id, note="次日回访无渗漏", call_id=_call_out(desk).id, version=o.version
    )
    assert o.state == S.AWAITING_REVISIT
    o = orders.close(desk, o.id, version=o.version)
    assert (o.state, o.closed_at) == (S.CLOSED, ctx.now())

    evs = _events(session, o.id)
    assert [e.action for e in evs] == [
        "receive",
        "assign_manager",
        "dispatch",
        "accept",
        "arrive",
        "wait_resident",
        "resume",
        "handle",
        "reply",
        "follow_up",
        "close",
    ]
    assert o.version == len(evs)
    # Each event records from → to, and the arrival is the server's time of the check-in.
    assert [(e.from_state, e.to_state) for e in evs][3:5] == [
        ("dispatched", "accepted"),
        ("accepted", "in_progress"),
    ]
    arrive = evs[4]
    assert arrive.at == datetime(2026, 3, 31, 4, 26, tzinfo=UTC)
    assert (arrive.checkin_method, arrive.staff_id) == ("qr", office.staff[0].id)
    # The call the order came in on is logged with it; the reply's call is tied to the order.
    assert evs[0].call_id is not None
    calls = session.execute(select(ServiceCall).where(col(ServiceCall.order_id) == o.id)).scalars()
    assert len(list(calls)) == 3
    # Both hops end when the order closes.
    hops = _hops(session, o.id)
    assert [(h.role, h.staff_id, h.end_reason) for h in hops] == [
        ("manager", manager.id, "closed"),
        ("executor", office.staff[0].id, "closed"),
    ]
    assert all(h.end_at == ctx.now() for h in hops)
    view = orders.get_order(session, office.office.id, o.id)
    assert [e.action for e in view.events][-1] == "close"
    assert view.events[1].staff_name == manager.name
    assert view.unit_label == "1栋 101"


def test_transfer_and_give_back_are_hops_with_who_when_and_why(
    ctx, desk, worker, worker2, office, session
):
    o = _dispatched(desk, office, worker)
    o = orders.accept(worker, o.id, version=o.version)
    tick(ctx, 10)
    o = orders.transfer(
        desk, o.id, office.staff[1].id, role="executor", reason="李明请假", version=o.version
    )
    assert (o.state, o.executor_staff_id) == (S.DISPATCHED, office.staff[1].id)
    # The old holder may no longer act on it; the new one accepts again.
    with pytest.raises(Forbidden):
        orders.accept(worker, o.id, version=o.version)
    tick(ctx, 5)
    o = orders.accept(worker2, o.id, version=o.version)
    tick(ctx, 5)
    o = orders.give_back(worker2, o.id, reason="需要电工证", version=o.version)
    assert (o.state, o.executor_staff_id) == (S.RECEIVED, None)
    hops = _hops(session, o.id)
    assert [(h.staff_id, h.end_reason) for h in hops] == [
        (office.staff[0].id, "transfer"),
        (office.staff[1].id, "return"),
    ]
    first, second = hops
    # The next hop starts the instant the last one ends.
    assert first.end_at == second.start_at == datetime(2026, 3, 31, 4, 10, tzinfo=UTC)
    assert second.end_at == datetime(2026, 3, 31, 4, 20, tzinfo=UTC)
    view = orders.get_order(session, office.office.id, o.id)
    assert [(h.staff_name, h.reason) for h in view.hops] == [
        ("李明", "李明请假"),
        ("王芳", "需要电工证"),
    ]
    transfer = next(e for e in view.events if e.action == "transfer")
    assert transfer.details == {"role": "executor", "from_staff_id": office.staff[0].id}
    # A transfer without a reason, or to the one holding it, is refused.
    o = orders.dispatch(desk, o.id, office.staff[2].id, version=o.version)
    with pytest.raises(ValidationFailed):
        orders.transfer(
            desk, o.id, office.staff[0].id, role="executor", reason=" ", version=o.version
        )
    with pytest.raises(ValidationFailed):
        orders.transfer(
            desk, o.id, office.staff[2].id, role="executor", reason="x", version=o.version
        )


def test_manager_transfer_keeps_the_state(ctx, desk, office, session):
    o = orders.receive(desk, _complaint(office))
    o = orders.assign_manager(desk, o.id, office.staff[2].id, version=o.version)
    with pytest.raises(Conflict):
        orders.assign_manager(desk, o.id, office.staff[1].id, version=o.version)
    o = orders.transfer(
        desk, o.id, office.staff[1].id, role="manager", reason="换人跟进", version=o.version
    )
    assert (o.state, o.manager_staff_id) == (S.RECEIVED, office.staff[1].id)
    assert [(h.role, h.end_reason) for h in _hops(session, o.id)] == [
        ("manager", "transfer"),
        ("manager", ""),
    ]


def test_reopen_is_counted_and_the_manager_holds_it_again(
    ctx, desk, worker, office, photo, session
):
    o = _on_site(desk, office, worker)
    o = orders.assign_manager(desk, o.id, office.staff[2].id, version=o.version)
    o = orders.handle(worker, o.id, photo_file_id=photo(), version=o.version)
    o = orders.close(desk, o.id, version=o.version)
    with pytest.raises(ValidationFailed):
        orders.reopen(desk, o.id, reason="", version=o.version)
    tick(ctx, 60)
    o = orders.reopen(desk, o.id, reason="又漏水了", version=o.version)
    assert (o.state, o.reopen_count, o.closed_at, o.handled_at, o.executor_staff_id) == (
        S.RECEIVED,
        1,
        None,
        None,
        None,
    )
    hops = _hops(session, o.id)
    assert [(h.role, h.end_reason) for h in hops] == [
        ("executor", "closed"),
        ("manager", "closed"),
        ("manager", ""),
    ]
    assert hops[-1].start_at == ctx.now()
    o = orders.dispatch(desk, o.id, office.staff[0].id, version=o.version)
    o = orders.accept(worker, o.id, version=o.version)
    o = orders.arrive(worker, o.id, method="qr", ref=str(office.units[0].id), version=o.version)
    o = orders.handle(worker, o.id, photo_file_id=photo(), version=o.version)
    o = orders.reopen(desk, o.id, reason="还是漏", version=o.version)
    assert o.reopen_count == 2
    assert _hops(session, o.id)[-1].end_reason == "reopened"


def test_cancel_needs_a_reason_and_ends_the_hops(desk, worker, office, session):
    o = _dispatched(desk, office, worker)
    with pytest.raises(ValidationFailed) as err:
        orders.cancel(desk, o.id, reason="  ", version=o.version)
    assert err.value.errors[0].field == "reason"
    o = orders.cancel(desk, o.id, reason="住户撤回, 已自行修好", version=o.version)
    assert (o.state, o.cancel_reason) == (S.CANCELLED, "住户撤回, 已自行修好")
    assert [h.end_reason for h in _hops(session, o.id)] == ["cancelled"]
    with pytest.raises(InvalidTransition):
        orders.reopen(desk, o.id, reason="x", version=o.version)


def test_arrival_needs_a_check_in_that_places_the_executor_at_the_job(
    ctx, desk, worker, office, session
):
    o = _dispatched(desk, office, worker)
    o = orders.accept(worker, o.id, version=o.version)
    refused = [
        ("qr", f"unit:{office.units[1].id}"),  # another unit's code
        ("qr", ""),
        ("position", "天河"),
        ("position", "91,10"),
        ("counter", ""),  # received by phone: the executor is not at the counter
        ("typed", "09:30"),
    ]
    for method, ref in refused:
        with pytest.raises(ValidationFailed):
            orders.arrive(worker, o.id, method=method, ref=ref, version=o.version)
    assert [e.action for e in _events(session, o.id)] == ["receive", "dispatch", "accept"]
    o = orders.arrive(
        worker, o.id, method="position", ref="22.543099,114.057868", version=o.version
    )
    assert _events(session, o.id)[-1].checkin_ref == "22.543099,114.057868"
    # Only the holder checks in; the desk cannot check in for them.
    with pytest.raises(Forbidden):
        orders.arrive(desk, o.id, method="position", ref="22.5,114.0", version=o.version)


def test_counter_check_in_for_an_order_received_at_the_counter(desk, worker, office):
    o = orders.receive(desk, _repair(office, channel="counter", call=None))
    o = orders.dispatch(desk, o.id, office.staff[0].id, version=o.version)
    o = orders.arrive(worker, o.id, method="counter", ref="", version=o.version)
    assert o.state == S.IN_PROGRESS


def test_a_staff_member_may_act_only_on_the_order_they_hold(desk, worker, worker2, office):
    o = _dispatched(desk, office, worker)
    with pytest.raises(Forbidden) as err:
        orders.accept(worker2, o.id, version=o.version)
    assert "holding" in str(err.value)
    assert err.value.text("zh") != str(err.value)
    for step in (orders.accept,):
        with pytest.raises(Forbidden):
            step(desk, o.id, version=o.version)
    # Staff do not dispatch, cancel, close or reply, even on their own order.
    with pytest.raises(Forbidden):
        orders.cancel(worker, o.id, reason="不想去", version=o.version)
    with pytest.raises(Forbidden):
        orders.dispatch(worker, o.id, office.staff[1].id, version=o.version)
    with pytest.raises(Forbidden):
        orders.receive(worker, _repair(office))
    # HR sees nothing to do here.
    hr = actor_ctx(desk, office, "hr")
    with pytest.raises(Forbidden):
        orders.receive(hr, _repair(office))


def test_handling_a_repair_needs_a_photo_unless_there_was_no_access(
    desk, worker, office, photo, session
):
    o = _dispatched(desk, office, worker)
    o = orders.accept(worker, o.id, version=o.version)
    with pytest.raises(InvalidTransition):  # nobody on site yet
        orders.handle(worker, o.id, photo_file_id=photo(), version=o.version)
    o = orders.arrive(
        worker, o.id, method="qr", ref=f"unit:{office.units[0].id}", version=o.version
    )
    with pytest.raises(ValidationFailed) as err:
        orders.handle(worker, o.id, note="修好了", version=o.version)
    assert err.value.errors[0].field == "photo_file_id"
    with pytest.raises(ValidationFailed):  # no access, but not saying what happened
        orders.handle(worker, o.id, no_access=True, version=o.version)
    with pytest.raises(ValidationFailed):  # not a photo of this office
        orders.handle(worker, o.id, photo_file_id=999_999, version=o.version)
    o = orders.handle(
        worker, o.id, note="敲门无人应答, 电话未接", no_access=True, version=o.version
    )
    assert o.state == S.HANDLED
    assert _events(session, o.id)[-1].details == '{"no_access": true}'


def test_a_photo_is_evidence_once(desk, worker, office, photo):
    shot = photo()
    o1 = _on_site(desk, office, worker)
    orders.handle(worker, o1.id, photo_file_id=shot, version=o1.version)
    o2 = _on_site(desk, office, worker)
    with pytest.raises(ValidationFailed):
        orders.handle(worker, o2.id, photo_file_id=shot, version=o2.version)


def test_a_complaint_is_handled_at_the_office_without_a_check_in(desk, office):
    o = orders.receive(desk, _complaint(office))
    o = orders.assign_manager(desk, o.id, office.staff[2].id, version=o.version)
    o = orders.handle(desk, o.id, note="已与保安谈话", version=o.version)
    assert o.state == S.HANDLED


def test_events_are_only_ever_appended(ctx, desk, worker, office, photo, session):
    o = orders.receive(desk, _repair(office))
    seen = _event_rows(session, o.id)
    steps = [
        lambda o: orders.dispatch(desk, o.id, office.staff[0].id, version=o.version),
        lambda o: orders.accept(worker, o.id, version=o.version),
        lambda o: orders.arrive(
            worker, o.id, method="qr", ref=str(office.units[0].id), version=o.version
        ),
        lambda o: orders.handle(worker, o.id, photo_file_id=photo(), version=o.version),
        lambda o: orders.close(desk, o.id, version=o.version),
        lambda o: orders.reopen(desk, o.id, reason="复发", version=o.version),
    ]
    for step in steps:
        tick(ctx)
        o = step(o)
        now = _event_rows(session, o.id)
        assert len(now) == len(seen) + 1
        assert now[: len(seen)] == seen  # the earlier events are exactly as they were
        seen = now
    # A refused step adds nothing.
    with pytest.raises(InvalidTransition):
        orders.close(desk, o.id, version=o.version)
    assert _event_rows(session, o.id) == seen


def test_a_stale_form_is_refused_in_the_users_language(desk, worker, office):
    o = orders.receive(desk, _repair(office))
    old = o.version
    orders.dispatch(desk, o.id, office.staff[0].id, version=old)
    with pytest.raises(Conflict) as err:
        orders.cancel(desk, o.id, reason="重复", version=old)
    assert "reload" in str(err.value)
    assert "重新" in err.value.text("zh") or "刷新" in err.value.text("zh")


def test_received_time_rules(ctx, desk, office, session):
    now = ctx.now()
    with pytest.raises(ValidationFailed) as err:
        orders.receive(desk, _repair(office, received_at=now + timedelta(minutes=6)))
    assert err.value.errors[0].field == "received_at"
    # Up to 24 hours back needs nothing; a minute more needs a reason.
    o = orders.receive(desk, _repair(office, received_at=now - timedelta(hours=24)))
    assert o.received_at == now - timedelta(hours=24)
    with pytest.raises(ValidationFailed) as err:
        orders.receive(desk, _repair(office, received_at=now - timedelta(hours=24, minutes=1)))
    assert err.value.errors[0].field == "late_reason"
    late = orders.receive(
        desk,
        _repair(
            office,
            received_at=now - timedelta(days=2),
            late_reason="周末纸质工单, 周一补录",
            call=None,
            channel="written",
        ),
    )
    assert _events(session, late.id)[0].reason == "周末纸质工单, 周一补录"
    # Fixed: nothing afterwards changes it.
    late = orders.dispatch(desk, late.id, office.staff[0].id, version=late.version)
    late = orders.cancel(desk, late.id, reason="重复", version=late.version)
    assert session.get(ServiceOrder, late.id).received_at == now - timedelta(days=2)
    assert "received_at" not in orders.OrderIn.model_fields["late_reason"].__repr__()


def test_the_call_gives_the_received_time(ctx, desk, office, session):
    rang = ctx.now() - timedelta(minutes=4)
    o = orders.receive(desk, _repair(office, call={"rings": 4, "called_at": rang.isoformat()}))
    assert o.received_at == rang
    call = session.execute(
        select(ServiceCall).where(col(ServiceCall.order_id) == o.id)
    ).scalar_one()
    assert (call.rings, call.unit_id, call.called_at) == (4, office.units[0].id, rang)


def test_another_offices_order_is_not_found(ctx, desk, office, session, clock, settings):
    other = factories.office_set(session, code="XYW")
    theirs = actor_ctx(ctx, other, "manager")
    o = orders.receive(theirs, _repair(other, call=None))
    with pytest.raises(NotFound):
        orders.get_order(session, office.office.id, o.id)
    with pytest.raises(NotFound):
        orders.dispatch(desk, o.id, office.staff[0].id, version=o.version)
    rows, total = orders.list_orders(session, office.office.id)
    assert (rows, total) == ([], 0)
    # Their staff cannot be dispatched here; each office counts its own numbers.
    mine = orders.receive(desk, _repair(office))
    assert mine.number == o.number == "FW-2026-000001"
    with pytest.raises(ValidationFailed):
        orders.dispatch(desk, mine.id, other.staff[0].id, version=mine.version)


def test_every_step_is_audited(ctx, desk, worker, office, photo, session):
    def audited():
        return (
            session.execute(
                select(AuditEvent.action).where(col(AuditEvent.action).like("service_order.%"))
            )
            .scalars()
            .all()
        )

    before = len(audited())
    o = _on_site(desk, office, worker)
    o = orders.handle(worker, o.id, photo_file_id=photo(), version=o.version)
    after = audited()[before:]
    assert after == [
        "service_order.receive",
        "service_order.dispatch",
        "service_order.accept",
        "service_order.arrive",
        "service_order.handle",
    ]
    calls = session.execute(
        select(func.count()).where(col(AuditEvent.action) == "service_call.record")
    ).scalar_one()
    assert calls >= 1


def test_rectification_is_the_office_directors(ctx, desk, office):
    director = actor_ctx(ctx, office, "director")
    o = orders.receive(desk, _complaint(office))
    with pytest.raises(Forbidden):
        orders.rectify(ctx, o.id, deadline=date(2026, 4, 3), penalty="警告", version=o.version)
    with pytest.raises(ValidationFailed):
        orders.rectify(
            director, o.id, deadline=date(2026, 3, 30), penalty="警告", version=o.version
        )
    o = orders.rectify(
        director, o.id, deadline=date(2026, 3, 31), penalty="书面警告, 扣50元", version=o.version
    )
    view = orders.get_order(ctx.session, office.office.id, o.id)
    assert view.events[-1].details == {"deadline": "2026-03-31", "penalty": "书面警告, 扣50元"}


def test_a_reply_by_phone_names_its_call(ctx, desk, office):
    o = orders.receive(desk, _complaint(office))
    with pytest.raises(ValidationFailed) as err:
        orders.reply(desk, o.id, note="已回复", method="phone", version=o.version)
    assert err.value.errors[0].field == "call_id"
    other = orders.receive(desk, _complaint(office))
    theirs = _call_out(desk, other)
    with pytest.raises(ValidationFailed):  # a call of another order
        orders.reply(desk, o.id, note="已回复", call_id=theirs.id, version=o.version)
    o = orders.reply(desk, o.id, note="当面答复", method="in_person", version=o.version)
    view = orders.get_order(ctx.session, office.office.id, o.id)
    assert view.events[-1].details == {"method": "in_person", "by_director": False}
    o = orders.contact(desk, o.id, note="告知仍在跟进", version=o.version)
    assert view.state == o.state == S.RECEIVED


def test_record_call(desk, worker, office, session):
    with pytest.raises(ValueError):
        CallIn(direction="in", answered=True)  # how many rings?
    c = record_call(
        desk,
        CallIn(
            rings=4,
            answered_by_staff_id=office.staff[2].id,
            unit_id=office.units[3].id,
            purpose="咨询停车",
        ),
    )
    assert (c.rings, c.source, c.order_id) == (4, "entered", None)
    missed = record_call(desk, CallIn(answered=False, caller_phone="13900000000"))
    assert not missed.answered
    with pytest.raises(Forbidden):
        record_call(worker, CallIn(rings=1))


def test_lists_filter_by_state_kind_staff_day_and_text(ctx, desk, worker, office, session):
    # 2026-03-31 16:30 UTC is already 1 April in Shanghai.
    a = orders.receive(desk, _repair(office))
    b = orders.receive(desk, _complaint(office, description="楼下KTV噪音"))
    ctx.clock.advance(timedelta(hours=12, minutes=30))
    c = orders.receive(desk, _repair(office, description="门锁坏了", call=None))
    orders.dispatch(desk, a.id, office.staff[0].id, version=a.version)
    oid = office.office.id

    def ids(**f):
        rows, total = orders.list_orders(session, oid, filters=OrderFilters(**f))
        assert total == len(rows)
        return [r.id for r in rows]

    assert ids() == [c.id, b.id, a.id]
    assert ids(state="dispatched") == [a.id]
    assert ids(kind="complaint") == [b.id]
    assert ids(staff_id=office.staff[0].id) == [a.id]
    assert ids(date_to=date(2026, 3, 31)) == [b.id, a.id]
    assert ids(date_from=date(2026, 4, 1)) == [c.id]
    assert ids(text="KTV") == [b.id]
    assert ids(text="FW-2026-000003") == [c.id]
    assert ids(text="100%") == []
    rows, total = orders.list_orders(session, oid, offset=1, limit=1)
    assert (total, [r.id for r in rows]) == (3, [b.id])
    assert rows[0].unit_label == "1栋 102"


def test_my_orders_put_what_needs_me_first(ctx, desk, worker, office, photo, session):
    done = _on_site(desk, office, worker)
    done = orders.handle(worker, done.id, photo_file_id=photo(), version=done.version)
    tick(ctx)
    waiting = _dispatched(desk, office, worker)
    tick(ctx)
    other = orders.receive(desk, _repair(office))
    orders.dispatch(desk, other.id, office.staff[1].id, version=other.version)
    mine = orders.my_orders(session, office.office.id, office.staff[0].id)
    assert [r.id for r in mine] == [waiting.id, done.id]
    orders.close(desk, done.id, version=done.version)
    assert [r.id for r in orders.my_orders(session, office.office.id, office.staff[0].id)] == [
        waiting.id
    ]
    # A staff member reads only orders they held.
    orders.get_order(session, office.office.id, done.id, staff_id=office.staff[0].id)
    with pytest.raises(NotFound):
        orders.get_order(session, office.office.id, other.id, staff_id=office.staff[0].id)


def test_reading_an_order_takes_the_same_queries_however_long_its_history(
    ctx, desk, worker, office, session
):
    def queries(order_id):
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        session.flush()
        engine = session.get_bind().engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            orders.get_order(session, office.office.id, order_id)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len([s for s in seen if s.lstrip().upper().startswith("SELECT")])

    short = orders.receive(desk, _repair(office))
    long = _dispatched(desk, office, worker)
    for i in range(4):
        long = orders.transfer(
            desk,
            long.id,
            office.staff[1 - i % 2].id,
            role="executor",
            reason=f"第{i}次",
            version=long.version,
        )
        long = orders.contact(desk, long.id, note="联系住户", version=long.version)
    assert queries(short.id) == queries(long.id) == 4


def test_received_time_at_the_clock_skew_boundary(ctx, desk, office):
    # Phones' clocks drift: five minutes ahead is accepted, a minute more is not.
    now = ctx.now()
    o = orders.receive(desk, _repair(office, received_at=now + timedelta(minutes=5)))
    assert o.received_at == now + timedelta(minutes=5)
    with pytest.raises(ValidationFailed):
        orders.receive(desk, _repair(office, received_at=now + timedelta(minutes=5, seconds=1)))


def test_cross_field_errors_name_their_field_in_the_catalog(office):
    from compliance.i18n import gettext
    from compliance.validation import parse

    with pytest.raises(ValidationFailed) as err:
        parse(OrderIn, {"kind": "repair", "channel": "phone", "description": "x"})
    (e,) = err.value.errors
    assert e.field == "location"
    assert gettext("zh", e.reason) == "请填写房号或地点(公共区域)"
