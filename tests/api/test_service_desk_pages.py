"""The front desk, the work-order pages and the executor's phone view over HTTP: a call becomes
an order in one short form, forms keep what was typed when refused (in the reader's language),
a stale form is refused with nothing lost, staff act only on the orders they hold, and the
front desk does not see the service dashboard."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.clock import FixedClock
from compliance.files.models import StoredFile
from compliance.service.models import (
    ClockState,
    ServiceCall,
    ServiceClock,
    ServiceEvent,
    ServiceOrder,
)
from compliance.staff.models import Staff
from tests.conftest import NOW
from tests.factories import T0, OfficeSet


@pytest.fixture(autouse=True)
def front_desk(office: OfficeSet, session: Session) -> User:
    """The office's front-desk clerk (前台接待), a staff member with a user of that role; made
    before the shared password is set (autouse: first)."""
    clerk = Staff(
        office_id=office.office.id or 0,
        employee_no="F001",
        name="孙丽",
        team="前台",
        position="前台接待",
        hire_date=T0.date(),
        created_at=T0,
    )
    session.add(clerk)
    session.flush()
    user = User(
        office_id=office.office.id or 0,
        username="bsw-desk",
        display_name="孙丽",
        role=Role.FRONT_DESK.value,
        staff_id=clerk.id,
        created_at=T0,
    )
    session.add(user)
    session.flush()
    office.users["front_desk"] = user
    return user


def _order(session: Session, order_id: int) -> ServiceOrder:
    session.expire_all()
    return session.execute(
        select(ServiceOrder).where(col(ServiceOrder.id) == order_id)
    ).scalar_one()


def _id_from(location: str) -> int:
    m = re.search(r"/service/orders/(\d+)", location)
    assert m, location
    return int(m.group(1))


COMPLAINT = {
    "kind": "complaint",
    "unit": "1-101",
    "description": "楼上装修噪音,晚上十点还在施工",
    "channel": "phone",
    "rings": "2",
    "severity": "normal",
    "complaint_class": "noise",
}


def _receive(desk, **over: str) -> int:  # type: ignore[no-untyped-def]
    r = desk.post("/service/desk", {**COMPLAINT, **over})
    assert r.status_code == 303, r.text
    return _id_from(r.headers["location"])


def test_a_phone_complaint_becomes_an_order_with_its_call_and_the_household_on_file(
    browser, office, session
):
    desk = browser("front_desk")
    page = desk.client.get("/service/desk")
    assert page.status_code == 200
    for word in ("投诉", "维修", "家政", "紧急"):
        assert word in page.text
    r = desk.post("/service/desk", COMPLAINT)
    assert r.status_code == 303
    order_id = _id_from(r.headers["location"])
    order = _order(session, order_id)
    assert (order.kind, order.channel, order.complaint_class) == ("complaint", "phone", "noise")
    assert order.unit_id == office.units[0].id
    # The household on file, masked for the front desk (it may not read residents' contacts);
    # the phone is not copied from the register.
    assert order.household == "赵**" and order.contact_phone == ""
    call = session.execute(
        select(ServiceCall).where(col(ServiceCall.order_id) == order_id)
    ).scalar_one()
    assert call.rings == 2 and call.direction == "in"
    # The order page: a complaint's due step is assigning its manager (S02, 10 minutes).
    page = desk.client.get(r.headers["location"]).text
    assert 'id="step-assign_manager"' in page and "step card step step-due" not in page
    due = page.split('id="order-actions"')[1].split('id="more-actions"')[0]
    assert 'id="step-assign_manager"' in due and "step-due" in due


def test_a_manager_sees_the_resident_on_file_in_full(browser, office, session):
    manager = browser("manager")
    r = manager.post("/service/desk", {**COMPLAINT, "lookup": "1"})
    assert r.status_code == 200
    assert 'value="赵小红"' in r.text and 'value="13812345678"' in r.text
    assert "楼上装修噪音" in r.text  # the description typed is kept through the look-up


def test_the_desk_form_keeps_what_was_typed_and_says_what_is_wrong_in_chinese(browser, session):
    desk = browser("front_desk")
    before = session.execute(select(ServiceOrder)).all()
    r = desk.post(
        "/service/desk",
        {**COMPLAINT, "unit": "9-999", "rings": "", "complaint_class": "", "household": "钱先生"},
    )
    assert r.status_code == 422
    assert "没有这个房号" in r.text or 'id="unit-error"' in r.text
    assert 'id="rings-error"' in r.text and 'id="complaint_class-error"' in r.text
    assert 'value="9-999"' in r.text and 'value="钱先生"' in r.text
    assert "楼上装修噪音" in r.text
    assert re.search(r'value="complaint" checked', r.text)
    assert session.execute(select(ServiceOrder)).all() == before
    # English reader: the same refusal in English.
    desk.client.cookies.set("lang", "en")
    r = desk.post("/service/desk", {**COMPLAINT, "description": ""})
    assert r.status_code == 422 and "say what the resident asks for" in r.text


def test_the_journey_desk_dispatches_executor_works_desk_replies_and_closes(
    browser, office, session, clock: FixedClock
):
    desk = browser("front_desk")
    order_id = _receive(desk, kind="repair", complaint_class="", description="厨房水管漏水")
    base = f"/service/orders/{order_id}"
    page = desk.client.get(base).text
    assert 'id="step-dispatch"' in page.split('id="more-actions"')[0]  # 派单 ready
    version = _order(session, order_id).version
    executor = office.staff[0]
    r = desk.post(f"{base}/dispatch", {"staff": str(executor.id), "version": str(version)})
    assert r.status_code == 303, r.text
    assert _order(session, order_id).state == "dispatched"

    # The executor on their phone: accept, arrive by the unit's QR code, wait, resume, done.
    worker = browser("staff")
    mine = worker.client.get("/service/my").text
    assert f'id="step-accept-{order_id}"' in mine
    v = str(_order(session, order_id).version)
    assert worker.post(f"/service/my/{order_id}/accept", {"version": v}).status_code == 303
    scanned = worker.client.get(f"/service/my/checkin?unit={office.units[0].id}").text
    assert f'name="unit_id" value="{office.units[0].id}"' in scanned
    clock.advance(timedelta(minutes=20))
    v = str(_order(session, order_id).version)
    r = worker.post(
        f"/service/my/{order_id}/arrive", {"unit_id": str(office.units[0].id), "version": v}
    )
    assert r.status_code == 303, r.text
    arrived = session.execute(
        select(ServiceEvent).where(
            col(ServiceEvent.order_id) == order_id, col(ServiceEvent.action) == "arrive"
        )
    ).scalar_one()
    assert arrived.checkin_method == "qr" and arrived.at == NOW + timedelta(minutes=20)
    v = str(_order(session, order_id).version)
    refused = worker.post(f"/service/my/{order_id}/wait_resident", {"note": "", "version": v})
    assert (
        refused.status_code == 422 and f'id="note-wait_resident-{order_id}-error"' in refused.text
    )
    r = worker.post(
        f"/service/my/{order_id}/wait_resident",
        {"note": "住户不在家,电话约好下午三点", "version": v},
    )
    assert r.status_code == 303 and _order(session, order_id).state == "waiting_resident"
    v = str(_order(session, order_id).version)
    assert worker.post(f"/service/my/{order_id}/resume", {"version": v}).status_code == 303
    v = str(_order(session, order_id).version)
    no_photo = worker.post(f"/service/my/{order_id}/handle", {"note": "换了阀门", "version": v})
    assert (no_photo.status_code == 422 and "请拍" in no_photo.text) or "照片" in no_photo.text
    assert "换了阀门" in no_photo.text  # kept
    r = worker.post(
        f"/service/my/{order_id}/handle",
        {"note": "换了阀门", "version": v},
        files={"photo": ("done.jpg", _jpeg(), "image/jpeg")},
    )
    assert r.status_code == 303, r.text
    order = _order(session, order_id)
    assert order.state == "handled"
    handled = session.execute(
        select(ServiceEvent).where(
            col(ServiceEvent.order_id) == order_id, col(ServiceEvent.action) == "handle"
        )
    ).scalar_one()
    assert handled.photo_file_id is not None
    assert session.get(StoredFile, handled.photo_file_id) is not None

    # The desk sees the photo on the timeline, replies by phone (a call logged) and closes.
    desk = browser("front_desk")  # one test client: signing in again switches the user
    page = desk.client.get(base).text
    photo_url = f"{base}/photos/{handled.photo_file_id}"
    assert photo_url in page
    assert desk.client.get(photo_url).headers["content-type"] == "image/jpeg"
    assert 'id="step-reply"' in page.split('id="more-actions"')[0]
    v = str(order.version)
    r = desk.post(f"{base}/reply", {"how": "phone", "note": "已告知住户修好了", "version": v})
    assert r.status_code == 303, r.text
    reply = session.execute(
        select(ServiceEvent).where(
            col(ServiceEvent.order_id) == order_id, col(ServiceEvent.action) == "reply"
        )
    ).scalar_one()
    assert reply.call_id is not None
    v = str(_order(session, order_id).version)
    assert desk.post(f"{base}/close", {"version": v}).status_code == 303
    assert _order(session, order_id).state == "closed"
    page = desk.client.get(base).text
    assert 'id="hops"' in page and "李明" in page


def _jpeg() -> bytes:
    image = Image.new("RGB", (40, 30))
    image.putdata([(x * 6, y * 8, 90) for y in range(30) for x in range(40)])
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_a_stale_form_is_refused_and_what_was_typed_is_kept(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk, kind="repair", complaint_class="")
    old = str(_order(session, order_id).version)
    assert (
        desk.post(
            f"/service/orders/{order_id}/dispatch",
            {"staff": str(office.staff[0].id), "version": old},
        ).status_code
        == 303
    )
    # A second form opened before the dispatch: cancelled with a reason, on the old version.
    r = desk.post(
        f"/service/orders/{order_id}/cancel",
        {"reason": "住户重复来电", "confirm": "1", "version": old},
    )
    assert r.status_code == 409
    assert 'id="conflict"' in r.text and "住户重复来电" in r.text
    assert _order(session, order_id).state == "dispatched"


def test_cancelling_asks_for_a_reason_and_a_confirmation(browser, session):
    desk = browser("front_desk")
    order_id = _receive(desk)
    v = str(_order(session, order_id).version)
    r = desk.post(f"/service/orders/{order_id}/cancel", {"reason": "重复", "version": v})
    assert r.status_code == 422 and 'name="confirm"' in r.text and "重复" in r.text
    assert _order(session, order_id).state == "received"
    r = desk.post(
        f"/service/orders/{order_id}/cancel", {"reason": "重复", "confirm": "1", "version": v}
    )
    assert r.status_code == 303 and _order(session, order_id).state == "cancelled"


def test_staff_cannot_act_on_an_order_someone_else_holds(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk, kind="repair", complaint_class="")
    v = str(_order(session, order_id).version)
    desk.post(
        f"/service/orders/{order_id}/dispatch", {"staff": str(office.staff[0].id), "version": v}
    )
    other = browser("staff2")
    assert f"step-accept-{order_id}" not in other.client.get("/service/my").text
    assert browser("staff").client.get("/service/my").text.count(f"step-accept-{order_id}") == 1
    other = browser("staff2")
    v = str(_order(session, order_id).version)
    r = other.post(f"/service/my/{order_id}/accept", {"version": v})
    assert r.status_code in (403, 404)
    assert _order(session, order_id).state == "dispatched"
    # Nor may staff open the desk's pages or take the desk's steps.
    assert other.client.get(f"/service/orders/{order_id}").status_code == 403
    r = other.post(f"/service/orders/{order_id}/cancel", {"reason": "x", "confirm": "1"})
    assert r.status_code == 403


def test_a_typed_unit_is_no_check_in_for_a_phone_order(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk, kind="repair", complaint_class="")
    v = str(_order(session, order_id).version)
    desk.post(
        f"/service/orders/{order_id}/dispatch", {"staff": str(office.staff[0].id), "version": v}
    )
    worker = browser("staff")
    v = str(_order(session, order_id).version)
    worker.post(f"/service/my/{order_id}/accept", {"version": v})
    v = str(_order(session, order_id).version)
    r = worker.post(f"/service/my/{order_id}/arrive", {"unit": "1-101", "version": v})
    assert r.status_code == 422 and 'value="1-101"' in r.text
    # Another unit's code is refused too.
    r = worker.post(
        f"/service/my/{order_id}/arrive", {"unit_id": str(office.units[1].id), "version": v}
    )
    assert r.status_code == 422
    assert _order(session, order_id).state == "accepted"


def test_the_front_desk_does_not_see_the_service_dashboard(browser):
    desk = browser("front_desk")
    page = desk.client.get("/service/desk").text
    assert 'href="/service/dashboard"' not in page
    assert desk.client.get("/service/dashboard").status_code == 403
    manager = browser("manager")
    assert manager.client.get("/service/dashboard").status_code == 200
    assert 'href="/service/dashboard"' in manager.client.get("/service/desk").text


def test_the_list_filters_and_pages_by_25(browser, office, session):
    desk = browser("front_desk")
    for i in range(27):
        _receive(desk, kind="repair", complaint_class="", description=f"第{i}号报修")
    _receive(desk)
    listing = desk.client.get("/service/orders?kind=repair").text
    assert "28" not in listing.split('id="total"')[1][:60]
    assert "27" in listing.split('id="total"')[1][:60]
    assert listing.count('class="card order-card') == 25 and 'rel="next"' in listing
    second = desk.client.get("/service/orders?kind=repair&page=2").text
    assert second.count('class="card order-card') == 2
    complaints = desk.client.get("/service/orders?kind=complaint&state=open").text
    assert complaints.count('class="card order-card') == 1


def test_the_desk_shows_clocks_close_to_due(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk)
    session.add(
        ServiceClock(
            office_id=office.office.id or 0,
            standard="S02",
            standard_version="1",
            subject_key=f"order:{order_id}",
            order_id=order_id,
            started_at=NOW,
            due_at=NOW + timedelta(minutes=10),
            state=ClockState.RUNNING,
            holder_staff_id=office.users["front_desk"].staff_id,
            evaluated_at=NOW,
        )
    )
    session.flush()
    page = desk.client.get("/service/desk").text
    section = page.split('id="due-soon"')[1].split("</section>")[0]
    assert f"/service/orders/{order_id}" in section and "12:10" in section
    assert "S02" not in section  # the standard in words, not its code
    order_page = desk.client.get(f"/service/orders/{order_id}").text
    assert "12:10" in order_page.split('id="clocks"')[1]


def test_todays_open_orders_are_the_office_days(browser, session, clock: FixedClock):
    # 23:59 and 00:00 in Shanghai: the first is yesterday's order, the second today's.
    clock.advance(timedelta(hours=11, minutes=59))  # 2026-03-31 23:59 Shanghai
    desk = browser("front_desk")
    late = _receive(desk, description="昨晚最后一个电话")
    clock.advance(timedelta(minutes=1))  # 2026-04-01 00:00 Shanghai
    first = _receive(desk, description="今天第一个电话")
    today = desk.client.get("/service/desk").text.split('id="today"')[1]
    assert f"/service/orders/{first}" in today and f"/service/orders/{late}" not in today
    # Cancelled orders are not open: they leave the counter's list.
    v = str(_order(session, first).version)
    desk.post(
        f"/service/orders/{first}/cancel", {"reason": "住户撤回", "confirm": "1", "version": v}
    )
    today = desk.client.get("/service/desk").text.split('id="today"')[1]
    assert f"/service/orders/{first}" not in today


def _strip(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_order_page_names_every_clock_state_and_why_each_hop_ended(browser, office, session):
    from compliance.service.models import ServiceHop
    from tests.browser.readable import problems

    desk = browser("front_desk")
    order_id = _receive(desk)
    received = session.execute(
        select(ServiceEvent).where(col(ServiceEvent.order_id) == order_id)
    ).scalar_one()
    office_id = office.office.id or 0
    states = [
        ("S01", ClockState.MET, ""),
        ("S02", ClockState.BREACHED, ""),
        ("S03", ClockState.EXCUSED, "resident_no_access"),
        ("S04", ClockState.RUNNING, ""),
    ]
    for std, state, excuse in states:
        session.add(
            ServiceClock(
                office_id=office_id,
                standard=std,
                standard_version="1",
                subject_key=f"order:{order_id}:{std}",
                order_id=order_id,
                started_at=NOW,
                due_at=NOW + timedelta(minutes=10),
                state=state,
                excuse=excuse,
                evaluated_at=NOW,
            )
        )
    for why in ("transfer", "return", "closed", "cancelled", "reopened", "handled", ""):
        session.add(
            ServiceHop(
                office_id=office_id,
                order_id=order_id,
                role="executor",
                staff_id=office.staff[0].id or 0,
                start_at=NOW,
                end_at=NOW if why else None,
                start_event_id=received.id or 0,
                end_event_id=received.id if why else None,
                end_reason=why,
            )
        )
    session.flush()
    page = desk.client.get(f"/service/orders/{order_id}").text
    clocks = _strip(page.split('id="clocks"')[1].split("</section>")[0])
    for word in ("达标", "超时", "免责", "无法入户", "计时中"):
        assert word in clocks, word
    hops = _strip(page.split('id="hops"')[1].split("</section>")[0])
    for word in ("已转单", "已退单", "处理完毕结束", "随工单关闭结束", "当前持有"):
        assert word in hops, word
    for text in (clocks, hops):
        assert problems(text, "zh", ["E001"]) == [], problems(text, "zh", ["E001"])
        for code in ("met", "breached", "excused", "running", "handled", "reopened"):
            assert not re.search(rf"\b{code}\b", text), code


def test_a_residents_phone_is_masked_on_the_order_page_for_the_front_desk(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk, household="钱多多", contact_phone="15976392195")
    call = session.execute(
        select(ServiceCall).where(col(ServiceCall.order_id) == order_id)
    ).scalar_one()
    call.caller_phone = "15976392195"
    session.flush()
    page = desk.client.get(f"/service/orders/{order_id}").text
    assert "15976392195" not in page and "159****2195" in page
    assert "钱多多" not in page and "钱**" in page
    assert "15976392195" not in desk.client.get("/service/orders").text
    manager = browser("manager")
    page = manager.client.get(f"/service/orders/{order_id}").text
    assert "15976392195" in page and 'href="tel:15976392195"' in page and "钱多多" in page


def test_a_transfer_to_the_one_who_holds_it_names_them(browser, office, session):
    desk = browser("front_desk")
    order_id = _receive(desk, kind="repair", complaint_class="")
    v = str(_order(session, order_id).version)
    desk.post(
        f"/service/orders/{order_id}/dispatch", {"staff": str(office.staff[0].id), "version": v}
    )
    v = str(_order(session, order_id).version)
    r = desk.post(
        f"/service/orders/{order_id}/transfer",
        {"staff": str(office.staff[0].id), "role": "executor", "reason": "换人", "version": v},
    )
    assert r.status_code == 422
    assert f"{office.staff[0].name} 已经持有此工作单" in r.text
    assert 'value="换人"' in r.text or "换人" in r.text


def test_an_emergency_leads_duty_staff_to_its_duty_page_first(browser, ctx, office, session):
    from api.read_models.todo import todo
    from compliance.service import emergency as em
    from tests.conftest import as_role

    desk = browser("front_desk")
    repair = _receive(desk, kind="repair", complaint_class="")
    v = str(_order(session, repair).version)
    desk.post(
        f"/service/orders/{repair}/dispatch", {"staff": str(office.staff[0].id), "version": v}
    )
    manager = as_role(ctx, office, "manager")
    data = em.EmergencyIn(incident_kind="fire", location="3栋地下车库", description="冒烟")
    order = em.report_emergency(manager, data)
    em.dispatch_duty(manager, order.id or 0, [office.staff[0].id or 0], version=1)
    session.flush()
    staff = as_role(ctx, office, "staff")
    line = next(x for x in todo(staff) if x.key == "emergency_duty")
    assert (line.count, line.href) == (1, f"/service/emergencies/{order.id}")
    assert todo(staff)[0].key == "emergency_duty"
    worker = browser("staff")  # staff[0]
    page = worker.client.get("/service/my").text
    assert "紧急:已派您到现场" in page
    first = page.split('class="card job')[1]
    assert first.startswith(" emergency") and f"/service/emergencies/{order.id}" in first
    assert "到达现场签到" in first and "act-accept" not in first
    assert page.index(f'id="job-{order.id}"') < page.index(f'id="job-{repair}"')
    assert "紧急:已派您到现场" in worker.client.get("/").text
    # On site: the line is gone, the card stays and leads to the emergency's page.
    em.check_in(staff, order.id or 0, method="position", ref="22.5431,114.0579")
    session.flush()
    assert "emergency_duty" not in [x.key for x in todo(staff)]
    page = worker.client.get("/service/my").text
    assert "紧急:已派您到现场" not in page.split('id="job-')[1]
