"""The front desk and the executor on the web (issue 15, item 11), walked in Chromium: the front
desk takes a phone complaint and opens its work order in a few taps, assigns the manager and
dispatches; the executor on a phone accepts, arrives by the unit's QR code, waits on the
resident, resumes and marks it done with a photo; the front desk replies and closes. Every
page read in Chinese and English, at 390×844 and at desktop size, and photographed."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.actors import Role
from compliance.service.models import ServiceCall, ServiceEvent, ServiceOrder
from compliance.staff.models import Staff
from tests.browser.conftest import CHEAP, Pages, Site
from tests.browser.helpers import PASSWORD, all_of, one, photo, screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.factories import T0

pytestmark = pytest.mark.browser

# Employee numbers in the staff pickers are data, not words.
NUMBERS = ["E001", "E002", "E003", "F001"]
# What a person does at the desk for a phone complaint: taps and typed fields.
MAX_TAPS = 4
MAX_FIELDS = 3


def _seed_front_desk(site: Site) -> None:
    """The office's front-desk clerk 孙丽, with a sign-in of that role."""
    assert site.office is not None
    office_id = site.office.office.id or 0
    with Session(site.engine) as session:
        clerk = Staff(
            office_id=office_id,
            employee_no="F001",
            name="孙丽",
            team="前台",
            position="前台接待",
            hire_date=T0.date(),
            created_at=T0,
        )
        session.add(clerk)
        session.flush()
        session.add(
            User(
                office_id=office_id,
                username="bsw-desk",
                display_name="孙丽",
                role=Role.FRONT_DESK.value,
                staff_id=clerk.id,
                password_hash=hash_password(CHEAP, PASSWORD),
                created_at=T0,
            )
        )
        # The timeline names who recorded each step: give the executor's sign-in a real name.
        session.execute(
            update(User).where(col(User.username) == "bsw-staff").values(display_name="李明")
        )
        session.commit()


def _tab(pages: Pages, phone: bool, lang: str, url: str, user: str) -> Page:
    page = pages.open(phone=phone)
    sign_in(page, url, user)
    page.goto(f"{url}/lang/{lang}?next=/")
    return page


def _read(page: Page, lang: str, name: str) -> None:
    assert_readable(page, lang, allow=NUMBERS)
    screenshot(page, name)


def _order(site: Site) -> ServiceOrder:
    return one(site.engine, select(ServiceOrder))


@pytest.mark.parametrize(
    ("lang", "phone"), [("zh", True), ("en", True), ("zh", False), ("en", False)]
)
def test_journey_front_desk_and_executor(
    site: Site, pages: Pages, tmp_path: Path, lang: str, phone: bool
) -> None:
    assert site.office is not None
    _seed_front_desk(site)
    size = "phone" if phone else "desktop"
    unit = site.office.units[0]  # 1栋 101, 赵小红 on file
    manager, executor = site.office.staff[2], site.office.staff[0]  # 张伟; 李明 = bsw-staff

    # --- the front desk takes the call -------------------------------------------------------
    desk = _tab(pages, phone, lang, site.url, "bsw-desk")
    desk.goto(f"{site.url}/service/desk")
    _read(desk, lang, f"service-01-desk-{lang}-{size}")
    taps, fields = 0, 0
    desk.locator("label.choice-complaint").click()
    taps += 1
    desk.locator("#unit").fill("1-101")
    fields += 1
    desk.locator("#description").fill("楼上装修噪音,晚上十点还在施工")
    fields += 1
    expect(desk.locator("#rings")).to_be_visible()  # a phone call: rings asked
    desk.locator("#rings").fill("2")
    fields += 1
    expect(desk.locator(".complaint-only")).to_be_visible()  # a complaint: its class asked
    desk.locator("label.choice-noise").click()
    taps += 1
    # Channel (电话) and severity (一般) are the defaults: no tap.
    with desk.expect_navigation():
        desk.locator("#open-order").click()
    taps += 1
    assert taps <= MAX_TAPS and fields <= MAX_FIELDS, (taps, fields)
    order = _order(site)
    expect(desk).to_have_url(f"{site.url}/service/orders/{order.id}?done=receive")
    assert (order.kind, order.channel, order.complaint_class) == ("complaint", "phone", "noise")
    assert order.unit_id == unit.id and order.household == "赵**"  # on file, masked for the desk
    call = one(site.engine, select(ServiceCall))
    assert (call.rings, call.order_id) == (2, order.id)

    # The order page: the manager's assignment is the step due (S02), others folded.
    due = desk.locator("#order-actions form.step-due")
    expect(due).to_have_attribute("id", "step-assign_manager")
    expect(desk.locator("#more-actions")).not_to_have_attribute("open", "")
    expect(desk.locator("#progress li[aria-current=step]")).to_have_attribute(
        "data-stage", "received"
    )
    _read(desk, lang, f"service-02-order-received-{lang}-{size}")
    # Cancelling asks for a confirmation first: refused without it, the reason kept.
    desk.locator("#more-actions > summary").click()
    desk.locator("#reason-cancel").fill("住户来电说不用了")
    with desk.expect_navigation():
        desk.locator("#step-cancel button[type=submit]").click()
    expect(desk.locator("#step-cancel .field-error")).to_be_visible()
    expect(desk.locator("#reason-cancel")).to_have_value("住户来电说不用了")
    assert _order(site).state == "received"
    _read(desk, lang, f"service-03-cancel-refused-{lang}-{size}")
    desk.locator("#staff-assign_manager").select_option(str(manager.id))
    with desk.expect_navigation():
        desk.locator("#step-assign_manager button[type=submit]").click()
    # Now 派单 is due: the executor chosen from the staff.
    expect(desk.locator("#order-actions form.step-due")).to_have_attribute("id", "step-dispatch")
    desk.locator("#staff-dispatch").select_option(str(executor.id))
    with desk.expect_navigation():
        desk.locator("#step-dispatch button[type=submit]").click()
    assert _order(site).state == "dispatched"
    _read(desk, lang, f"service-04-dispatched-{lang}-{size}")

    # --- the executor, always on a phone ------------------------------------------------------
    worker = _tab(pages, True, lang, site.url, "bsw-staff")
    worker.goto(f"{site.url}/service/my")
    job = worker.locator(f"#job-{order.id}")
    expect(job).to_contain_text("1栋 101")
    _read(worker, lang, f"service-05-my-{lang}")
    with worker.expect_navigation():
        job.locator(".act-accept").click()
    # A typed unit is no check-in for an order taken by phone: refused, what was typed kept.
    worker.locator(f"#unit-{order.id}").fill("1-101")
    with worker.expect_navigation():
        worker.locator(f"#job-{order.id} .act-arrive").click()
    expect(worker.locator(f"#unit-{order.id}-error")).to_be_visible()
    expect(worker.locator(f"#unit-{order.id}")).to_have_value("1-101")
    _read(worker, lang, f"service-06-typed-refused-{lang}")
    # The unit's QR code by the door opens the check-in with the unit chosen.
    worker.goto(f"{site.url}/service/my/checkin?unit={unit.id}")
    expect(worker.locator(f"#job-{order.id} .scanned")).to_be_visible()
    _read(worker, lang, f"service-07-checkin-{lang}")
    site.clock.advance(timedelta(minutes=25))
    with worker.expect_navigation():
        worker.locator(f"#job-{order.id} .act-arrive").click()
    arrived = one(site.engine, select(ServiceEvent).where(col(ServiceEvent.action) == "arrive"))
    assert arrived.checkin_method == "qr" and arrived.checkin_ref == f"unit:{unit.id}"
    assert _order(site).state == "in_progress"
    # Waiting on the resident: the contact written down.
    job = worker.locator(f"#job-{order.id}")
    job.locator("details.more-actions > summary").click()
    worker.locator(f"#note-wait_resident-{order.id}").fill("住户不在家,电话约好下午三点再来")
    with worker.expect_navigation():
        worker.locator(f"#job-{order.id} .act-wait_resident").click()
    assert _order(site).state == "waiting_resident"
    with worker.expect_navigation():
        worker.locator(f"#job-{order.id} .act-resume").click()
    assert _order(site).state == "in_progress"
    worker.locator(f"#photo-{order.id}").set_input_files(photo(tmp_path, "quiet.jpg"))
    worker.locator(f"#note-handle-{order.id}").fill("已与楼上住户沟通,停止夜间施工")
    with worker.expect_navigation():
        worker.locator(f"#job-{order.id} .act-handle").click()
    assert _order(site).state == "handled"
    expect(worker.locator(f"#job-{order.id}")).to_have_count(0)
    _read(worker, lang, f"service-08-my-done-{lang}")

    # --- the front desk replies and closes -----------------------------------------------------
    desk.goto(f"{site.url}/service/orders/{order.id}")
    expect(desk.locator("#order-actions form.step-due")).to_have_attribute("id", "step-reply")
    thumb = desk.locator("#timeline img")
    expect(thumb).to_have_count(1)
    thumb.scroll_into_view_if_needed()
    desk.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    _read(desk, lang, f"service-09-handled-{lang}-{size}")
    desk.locator("#note-reply").fill("已电话告知住户:楼上已停止夜间施工")
    with desk.expect_navigation():
        desk.locator("#step-reply button[type=submit]").click()
    reply = one(site.engine, select(ServiceEvent).where(col(ServiceEvent.action) == "reply"))
    assert reply.call_id is not None  # by phone: the call is the evidence
    desk.locator("#more-actions > summary").click()
    with desk.expect_navigation():
        desk.locator("#step-close button[type=submit]").click()
    assert _order(site).state == "closed"
    expect(desk.locator("#progress li.done")).to_have_count(7)
    expect(desk.locator("#hops tbody tr")).to_have_count(2)
    _read(desk, lang, f"service-10-closed-{lang}-{size}")
    actions = [
        e.action for e in all_of(site.engine, select(ServiceEvent).order_by(col(ServiceEvent.id)))
    ]
    assert actions == [
        "receive", "assign_manager", "dispatch", "accept", "arrive", "wait_resident", "resume",
        "handle", "reply", "close",
    ]  # fmt: skip

    # The list: the closed order, filtered.
    desk.goto(f"{site.url}/service/orders?state=closed")
    expect(desk.locator(".order-card")).to_have_count(1)
    _read(desk, lang, f"service-11-list-{lang}-{size}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_order_with_every_clock_state_and_hop_end_reads_in_words(
    site: Site, pages: Pages, lang: str
) -> None:
    """The order page names each clock's state (with why a breach is excused) and why each
    hop ended; the duty staff member's phone view puts the emergency first."""
    from compliance.service import emergency as em
    from compliance.service.models import ClockState, ServiceClock, ServiceHop

    assert site.office is not None
    office_id = site.office.office.id or 0
    with Session(site.engine) as session:
        ctx = site.ctx(session, "manager")
        data = em.EmergencyIn(incident_kind="fire", location="3栋地下车库", description="冒烟")
        order = em.report_emergency(ctx, data)
        em.dispatch_duty(ctx, order.id or 0, [site.office.staff[0].id or 0], version=1)
        first = (
            session.execute(select(ServiceEvent).where(col(ServiceEvent.order_id) == order.id))
            .scalars()
            .first()
        )
        assert first is not None
        now = site.clock.now()
        for std, state, excuse in (
            ("S01", ClockState.MET, ""),
            ("S02", ClockState.BREACHED, ""),
            ("S03", ClockState.EXCUSED, "resident_no_access"),
            ("S04", ClockState.RUNNING, ""),
        ):
            session.add(
                ServiceClock(
                    office_id=office_id, standard=std, standard_version="1",
                    subject_key=f"order:{order.id}:{std}", order_id=order.id, started_at=now,
                    due_at=now + timedelta(minutes=10), state=state, excuse=excuse,
                    evaluated_at=now,
                )
            )  # fmt: skip
        for why in ("transfer", "return", "closed", "cancelled", "reopened", "handled"):
            session.add(
                ServiceHop(
                    office_id=office_id, order_id=order.id or 0, role="executor",
                    staff_id=site.office.staff[1].id or 0, start_at=now, end_at=now,
                    start_event_id=first.id or 0, end_event_id=first.id, end_reason=why,
                )
            )  # fmt: skip
        # The timeline names who recorded each step: a real name, not the test's sign-in label.
        session.execute(
            update(User).where(col(User.username) == "bsw-manager").values(display_name="张伟")
        )
        session.commit()
        order_id = order.id
    page = _tab(pages, True, lang, site.url, "bsw-manager")
    page.goto(f"{site.url}/service/orders/{order_id}")
    expect(page.locator("#clocks tbody tr")).to_have_count(4)
    expect(page.locator("#hops tbody tr")).to_have_count(7)
    _read(page, lang, f"service-20-order-every-state-{lang}-phone")
    worker = _tab(pages, True, lang, site.url, "bsw-staff")
    worker.goto(f"{site.url}/service/my")
    card = worker.locator("article.job").first
    expect(card).to_have_class("card job emergency")
    expect(card.locator("a.act-emergency")).to_have_attribute(
        "href", f"/service/emergencies/{order_id}"
    )
    _read(worker, lang, f"service-21-my-emergency-{lang}")
