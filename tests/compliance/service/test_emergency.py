"""Emergencies (第2篇 2、(1)): 接待员接到投诉后…通知…值班员, 相关人员必须在5分钟内赶到现场采取紧急
措施处理, 事后…填写《突发事件处理表》交公司领导审批、备案.

Reported → duty staff dispatched → each on site by a check-in at the server's time → under
control → report drafted → submitted → approved (director only) or returned with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from compliance.service import emergency as em
from compliance.service.emergency_pdf import elapsed, print_model, render_report
from compliance.service.models import EventAction, HopRole, ServiceEvent, ServiceHop
from tests.compliance.service.emerg_helpers import front_desk
from tests.conftest import as_role

POS = "22.5431,114.0579"
REPORT = em.ReportIn(
    "fire", "配电箱短路起火", "切断电源，用灭火器扑灭，疏散住户", "配电箱一个，约800元"
)


def _report(desk, **kw):
    data = {"incident_kind": "fire", "location": "3栋地下车库", "description": "冒烟", **kw}
    return em.report_emergency(desk, em.EmergencyIn(**data))


def _view(ctx, order):
    return em.get_emergency(ctx.session, ctx.actor.office_id, order.id)


@pytest.fixture
def desk(ctx, office):
    return front_desk(ctx, office)


@pytest.fixture
def staff(ctx, office):
    return as_role(ctx, office, "staff")  # staff[0]


@pytest.fixture
def dispatched(desk, office):
    order = _report(desk)
    em.dispatch_duty(desk, order.id, [office.staff[0].id, office.staff[1].id], version=1)
    return order


def test_the_arrival_time_is_the_servers_not_typed(desk, staff, dispatched, clock):
    reported = clock.now()
    clock.advance(timedelta(minutes=3, seconds=12))
    event = em.check_in(staff, dispatched.id, method="position", ref="22.54,114.05")
    assert event.at == reported + timedelta(minutes=3, seconds=12)
    assert event.action == EventAction.ARRIVE and event.staff_id == staff.actor.staff_id
    view = _view(desk, dispatched)
    first = view.duty_of(staff.actor.staff_id)
    assert first.seconds_after_report == 192 and first.within is True
    assert view.step == "on_site"
    # No way to give a time: the check-in takes none.
    with pytest.raises(TypeError):
        em.check_in(staff, dispatched.id, method="qr", at=reported)  # type: ignore[call-arg]


def test_two_duty_staff_are_two_hops(desk, dispatched, office):
    hops = desk.session.execute(
        select(ServiceHop.staff_id, ServiceHop.role).where(ServiceHop.order_id == dispatched.id)
    ).all()
    duty = [(office.staff[0].id, HopRole.DUTY), (office.staff[1].id, "duty")]
    assert sorted(hops) == sorted(duty)
    with pytest.raises(ValidationFailed):  # both already on it
        em.dispatch_duty(desk, dispatched.id, [office.staff[0].id], version=dispatched.version)


def test_staff_not_dispatched_cannot_check_in(ctx, desk, office, dispatched):
    # staff[2] has no user in the factory; give staff2 (staff[1]) a second emergency instead
    other = _report(desk, location="1栋大堂")
    em.dispatch_duty(desk, other.id, [office.staff[2].id], version=1)
    staff2 = as_role(ctx, office, "staff2")  # dispatched to the first, not to the other
    with pytest.raises(Forbidden):
        em.check_in(staff2, other.id, method="position", ref=POS)
    with pytest.raises(Forbidden):  # a manager who is nobody's duty staff
        em.check_in(ctx, dispatched.id, method="position", ref=POS)
    em.check_in(staff2, dispatched.id, method="position", ref=POS)
    with pytest.raises(Conflict):  # once
        em.check_in(staff2, dispatched.id, method="position", ref=POS)


def test_check_in_of_another_office_is_not_found(ctx, desk, dispatched, staff):
    with pytest.raises(NotFound):
        em.check_in(staff, dispatched.id + 999, method="position", ref=POS)


def _arrive_after(clock, staff, order, seconds):
    clock.advance(timedelta(seconds=seconds))
    return em.check_in(staff, order.id, method="position", ref=POS)


@pytest.mark.parametrize(
    ("seconds", "within", "shown"),
    [(299, True, "4 min 59 s"), (300, True, "5 min 00 s"), (301, False, "5 min 01 s")],
)
def test_the_five_minute_boundary_in_the_printed_report(
    desk, staff, dispatched, clock, seconds, within, shown
):
    _arrive_after(clock, staff, dispatched, seconds)
    p = print_model(_view(desk, dispatched), "碧水湾管理处", desk.tz, "en")
    arrival = next(line for line in p.timeline if line.who == "李明" and line.after)
    assert (arrival.within, arrival.after) == (within, shown)
    assert arrival.verdict == ("within 5 minutes" if within else "later than 5 minutes")
    zh = print_model(_view(desk, dispatched), "碧水湾管理处", desk.tz, "zh")
    line = next(x for x in zh.timeline if x.who == "李明" and x.after)
    assert line.after == {299: "4分59秒", 300: "5分00秒", 301: "5分01秒"}[seconds]
    assert ("以内" in line.verdict) is within


def test_one_late_one_in_time_and_one_absent(ctx, desk, office, clock):
    order = _report(desk)
    clock.advance(timedelta(minutes=1))
    em.dispatch_duty(desk, order.id, [office.staff[0].id, office.staff[1].id, office.staff[2].id],
                     version=1)  # fmt: skip
    _arrive_after(clock, as_role(ctx, office, "staff"), order, 200)  # 4:20 after the report
    _arrive_after(clock, as_role(ctx, office, "staff2"), order, 120)  # 6:20
    p = print_model(_view(desk, order), "X", desk.tz, "en")
    arrivals = [(x.who, x.after, x.within) for x in p.timeline if x.within is not None]
    assert arrivals == [
        ("李明", "4 min 20 s", True), ("王芳", "6 min 20 s", False), ("张伟", "", False),
    ]  # fmt: skip


def test_the_whole_flow_to_approval(ctx, desk, staff, dispatched, clock, office):
    _arrive_after(clock, staff, dispatched, 240)
    with pytest.raises(InvalidTransition):  # not controlled yet
        em.save_report(desk, dispatched.id, REPORT, version=1)
    clock.advance(timedelta(minutes=20))
    order = em.mark_controlled(staff, dispatched.id, note="明火已扑灭", version=dispatched.version)
    view = _view(desk, order)
    assert view.step == "controlled" and view.report.controlled_at == clock.now()
    report = em.save_report(desk, order.id, REPORT, version=1)
    with pytest.raises(Forbidden):  # the front desk drafts; it does not approve
        em.approve_report(desk, order.id, version=report.version)
    report = em.submit_report(desk, order.id, version=report.version)
    with pytest.raises(Forbidden):  # a manager who is not the director
        em.approve_report(ctx, order.id, version=report.version)
    director = as_role(ctx, office, "director")
    report = em.approve_report(director, order.id, note="同意，备案", version=report.version)
    assert report.state == "approved" and len(report.pdf_sha256) == 64
    view = _view(desk, order)
    assert view.order.state == "closed" and view.decided_by == "director"
    assert view.drafted_by == office.users["front_desk"].display_name
    actions = [e.action for e in view.events]
    assert actions == ["receive", "dispatch", "dispatch", "arrive", "handle", "close"]
    # Each step starts where the one before it left the order.
    steps = [(e.from_state, e.to_state) for e in view.events]
    assert steps == [
        ("", "received"),
        ("received", "dispatched"),
        ("received", "dispatched"),
        ("dispatched", "in_progress"),
        ("in_progress", "handled"),
        ("handled", "closed"),
    ]
    audit = (
        desk.session.execute(select(AuditEvent.action).where(AuditEvent.action.like("emergency%")))
        .scalars()
        .all()
    )
    assert "emergency_report.approved" in audit and "emergency.arrived" in audit


def test_return_needs_a_reason_then_redraft(ctx, desk, staff, dispatched, clock, office):
    _arrive_after(clock, staff, dispatched, 60)
    order = em.mark_controlled(desk, dispatched.id, version=dispatched.version)
    report = em.save_report(desk, order.id, REPORT, version=1)
    report = em.submit_report(desk, order.id, version=report.version)
    director = as_role(ctx, office, "director")
    with pytest.raises(ValidationFailed) as exc:
        em.return_report(director, order.id, reason="  ", version=report.version)
    assert exc.value.errors[0].field == "reason"
    with pytest.raises(Forbidden):
        em.return_report(ctx, order.id, reason="补充损失", version=report.version)
    report = em.return_report(director, order.id, reason="损失金额请附发票", version=report.version)
    assert report.state == "returned" and report.decision_note == "损失金额请附发票"
    with pytest.raises(InvalidTransition):  # back with the drafter, not the leader
        em.approve_report(director, order.id, version=report.version)
    fixed = em.ReportIn("fire", REPORT.cause, REPORT.measures, "配电箱一个，800元（发票附后）")
    report = em.save_report(desk, order.id, fixed, version=report.version)
    report = em.submit_report(desk, order.id, version=report.version)
    assert em.approve_report(director, order.id, version=report.version).state == "approved"


def test_submit_needs_cause_measures_and_losses(desk, staff, dispatched, clock):
    _arrive_after(clock, staff, dispatched, 60)
    order = em.mark_controlled(desk, dispatched.id, version=dispatched.version)
    report = em.save_report(desk, order.id, em.ReportIn("injury", "滑倒", "", ""), version=1)
    with pytest.raises(ValidationFailed) as exc:
        em.submit_report(desk, order.id, version=report.version)
    assert [e.field for e in exc.value.errors] == ["measures", "losses"]


def test_a_stale_form_is_refused(desk, office):
    order = _report(desk)
    em.dispatch_duty(desk, order.id, [office.staff[0].id], version=1)
    with pytest.raises(Conflict):
        em.dispatch_duty(desk, order.id, [office.staff[1].id], version=1)


def test_controlled_needs_someone_on_site(desk, dispatched):
    with pytest.raises(InvalidTransition):
        em.mark_controlled(desk, dispatched.id, version=dispatched.version)


def test_reporting_needs_a_kind_and_a_place(desk, clock):
    with pytest.raises(ValidationFailed) as exc:
        em.report_emergency(desk, em.EmergencyIn(incident_kind="flood"))
    assert [e.field for e in exc.value.errors] == ["incident_kind", "location", "description"]
    with pytest.raises(ValidationFailed):
        _report(desk, reported_at=clock.now() + timedelta(hours=1))


def test_staff_may_not_report_or_dispatch(staff, desk, office):
    with pytest.raises(Forbidden):
        _report(staff)
    order = _report(desk)
    with pytest.raises(Forbidden):
        em.dispatch_duty(staff, order.id, [office.staff[0].id], version=1)


def test_list_and_open_duty(desk, staff, dispatched, clock, office):
    rows, total = em.list_emergencies(desk.session, desk.actor.office_id)
    assert total == 1 and rows[0].duty == 2 and rows[0].arrived == 0
    assert em.open_duty_orders(desk.session, desk.actor.office_id, office.staff[0].id) == [
        dispatched.id
    ]
    _arrive_after(clock, staff, dispatched, 30)
    assert em.open_duty_orders(desk.session, desk.actor.office_id, office.staff[0].id) == []
    rows, _ = em.list_emergencies(desk.session, desk.actor.office_id)
    assert rows[0].arrived == 1


def test_elapsed_words():
    assert elapsed(0, "en") == "0 min 00 s"
    assert elapsed(61, "zh") == "1分01秒"


def test_the_pdf_renders_and_its_hash_is_stable(ctx, desk, staff, dispatched, clock, office):
    _arrive_after(clock, staff, dispatched, 301)
    order = em.mark_controlled(desk, dispatched.id, version=dispatched.version)
    report = em.save_report(desk, order.id, REPORT, version=1)
    report = em.submit_report(desk, order.id, version=report.version)
    director = as_role(ctx, office, "director")
    report = em.approve_report(director, order.id, note="同意", version=report.version)
    from compliance.service.emergency_pdf import render_for, sha256

    pdf = render_for(desk, order.id)
    assert pdf.startswith(b"%PDF") and sha256(pdf) == report.pdf_sha256
    p = print_model(_view(desk, order), "碧水湾管理处", desk.tz, "zh")
    assert p.approved and p.decided_by == "director" and p.cause == REPORT.cause
    assert render_report(p)[:4] == b"%PDF"


def test_the_check_in_event_carries_its_evidence(desk, staff, dispatched, clock):
    with pytest.raises(ValidationFailed):  # no unit to scan: a place in the car park
        em.check_in(staff, dispatched.id, method="qr", ref="unit:3")
    with pytest.raises(ValidationFailed):  # a position is latitude,longitude
        em.check_in(staff, dispatched.id, method="position", ref="在现场")
    with pytest.raises(ValidationFailed):  # not received at the counter
        em.check_in(staff, dispatched.id, method="counter")
    em.check_in(staff, dispatched.id, method="position", ref="22.5431,114.0579")
    row = desk.session.execute(
        select(ServiceEvent).where(ServiceEvent.action == "arrive")
    ).scalar_one()
    assert (row.checkin_method, row.checkin_ref) == ("position", "22.543100,114.057900")
    assert row.recorded_by == staff.actor.user_id
    assert row.at.replace(tzinfo=row.at.tzinfo or UTC) == clock.now()


def test_utc_helper_reads_naive_as_utc():
    naive = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    assert em._utc(naive) == datetime(2026, 1, 1, tzinfo=UTC)
