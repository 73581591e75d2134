"""The front desk's call log and an emergency, in the browser, on a phone (390×844) and at a desk
(1280×800), every page read in Chinese and in English (assert_readable) and kept as a PNG under
var/screenshots/.

Calls: the phone system's GBK export uploaded, an unknown extension mapped, confirmed; the day's
log lists each call with its rings and whether within 3 rings; a call typed in.
Emergency: the front desk reports a fire and dispatches two duty staff; 李明 taps 到达现场 on his
phone 4:59 after the report (the server's time, with the phone's position), 王芳 at 5:01; under
control; the report drafted and submitted; the director returns it (a reason is needed), then
approves it after confirming; the PDF is served.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.actors import Role
from compliance.service.models import EmergencyReport, ServiceCall, ServiceEvent
from tests.browser.conftest import CHEAP, Pages, Site
from tests.browser.helpers import PASSWORD, all_of, one, screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.factories import T0

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 800}
GEO = {"latitude": 22.5431, "longitude": 114.0579}
HEADER = "通话ID,来电时间,主叫号码,振铃次数,通话时长,接听坐席,是否接听,来电事由"
ROWS = [
    "C1,2026-03-31 08:01:05,13812345678,2,00:01:35,8001,是,报修:厨房水龙头漏水",
    "C2,2026-03-31 09:15:00,13900000001,5,65,8001,是,咨询停车费",
    "C3,2026-03-31 10:00:00,13900000002,,0,,否,",
]


def _front_desk(site: Site) -> str:
    assert site.office is not None
    with Session(site.engine) as session:
        session.add(
            User(
                office_id=site.office.office.id, username="bsw-desk", display_name="前台小周",
                role=Role.FRONT_DESK.value, password_hash=hash_password(CHEAP, PASSWORD),
                created_at=T0,
            )
        )  # fmt: skip
        session.commit()
    return "bsw-desk"


# The factory's users are displayed by these English names (test data, not the UI's words).
NAMES = ("manager", "director")


def _both(page: Page, name: str, allow: tuple[str, ...] = NAMES) -> None:
    """Read the page in Chinese, then in English, then back to Chinese; a PNG of each."""
    assert_readable(page, "zh", allow)
    screenshot(page, f"{name}-zh")
    url = page.url
    page.goto(f"{url.split('/service')[0]}/lang/en?next={_path(url)}")
    assert_readable(page, "en", allow)
    screenshot(page, f"{name}-en")
    page.goto(f"{url.split('/service')[0]}/lang/zh?next={_path(url)}")


def _path(url: str) -> str:
    from urllib.parse import quote, urlsplit

    parts = urlsplit(url)
    return quote(parts.path + (f"?{parts.query}" if parts.query else ""), safe="")


def test_the_call_log_import_and_list(site: Site, pages: Pages, tmp_path: Path) -> None:
    desk_user = _front_desk(site)
    export = tmp_path / "通话记录2026-03-31.csv"
    export.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gbk"))
    page = pages.open()
    page.set_viewport_size(DESK)
    sign_in(page, site.url, desk_user)
    page.goto(f"{site.url}/service/calls/import")
    expect(page.locator("h1")).to_have_text("导入来电记录")
    _both(page, "calls-import", allow=("GBK", "UTF-8", "UTF", "CSV", "XLSX", *NAMES))
    page.locator("#file").set_input_files(str(export))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#count-unknown")).to_have_text("1")
    expect(page.locator("#confirm-form")).to_have_count(0)
    assert one(site.engine, select(func.count()).select_from(ServiceCall)) == 0
    _both(page, "calls-import-unknown")
    page.locator("#extensions").fill("8001,E001")
    page.locator("#extensions-form button[type=submit]").click()
    expect(page.locator("#count-new")).to_have_text("3")
    _both(page, "calls-import-preview")
    page.locator("#confirm-import").click()
    expect(page.locator("#import-done")).to_contain_text("已导入 3 条来电")
    assert one(site.engine, select(func.count()).select_from(ServiceCall)) == 3

    page.goto(f"{site.url}/service/calls?day=2026-03-31")
    expect(page.locator("#count-calls")).to_have_text("3")
    expect(page.locator("#count-within")).to_have_text("1")
    expect(page.locator("#calls")).to_contain_text("李明")
    expect(page.locator("#calls")).to_contain_text("未接听")
    _both(page, "calls-day")
    # A call typed in at the desk.
    page.locator("#new-call > summary").click()
    page.locator("#called_at").fill("2026-03-31T11:20")
    page.locator("#caller_phone").fill("13700000000")
    page.locator("#rings").fill("1")
    page.locator("#unit").fill("1-101")
    page.locator("#purpose").fill("询问快递代收")
    page.locator("#call-form button[type=submit]").click()
    expect(page.locator("#count-calls")).to_have_text("4")
    expect(page.locator("#calls")).to_contain_text("1栋 101")

    phone = pages.open(phone=True)
    sign_in(phone, site.url, desk_user)
    phone.goto(f"{site.url}/service/calls?month=2026-03")
    expect(phone.locator("#count-calls")).to_have_text("4")
    _both(phone, "calls-month-phone")


def _tap_arrival(page: Page, order_id: int) -> None:
    button = page.locator(f"#arrive-{order_id}")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 60 and box["y"] < 400  # big, and first
    with page.expect_navigation():
        button.click()


def test_an_emergency_from_report_to_approval(site: Site, pages: Pages) -> None:
    desk = pages.open(phone=True)
    sign_in(desk, site.url, "bsw-manager")
    desk.goto(f"{site.url}/service/emergencies/new")
    _both(desk, "emergency-new-phone")
    desk.locator("input[name=incident_kind][value=fire]").check()
    desk.locator("#location").fill("3栋地下车库B区")
    desk.locator("#description").fill("配电箱冒烟起火,住户来电报警")
    desk.locator("#report-emergency").click()
    expect(desk.locator("#dispatch")).to_be_visible()
    order_id = int(desk.url.rsplit("/", 1)[1])
    desk.locator("#dispatch-form input[name=staff_id]").nth(0).check()
    desk.locator("#dispatch-form input[name=staff_id]").nth(1).check()
    site.clock.advance(timedelta(seconds=30))
    desk.locator("#dispatch-button").click()
    expect(desk.locator("#arrivals li")).to_have_count(2)
    _both(desk, "emergency-dispatched-phone")

    # 李明 on his phone: the big button first; he taps 4:59 after the report.
    staff = pages.open(phone=True)
    staff.context.grant_permissions(["geolocation"], origin=site.url)
    staff.context.set_geolocation(GEO)
    sign_in(staff, site.url, "bsw-staff")
    staff.goto(f"{site.url}/service/emergencies/duty")
    expect(staff.locator(f"#duty-{order_id}")).to_be_visible()
    _both(staff, "emergency-duty-phone")
    site.clock.advance(timedelta(minutes=4, seconds=29))  # 4:59 after the report
    _tap_arrival(staff, order_id)
    expect(staff.locator("#arrivals")).to_contain_text("4分59秒")
    expect(staff.locator("#arrivals")).to_contain_text("5 分钟以内")
    _both(staff, "emergency-arrived-phone")
    arrived = all_of(site.engine, select(ServiceEvent).where(ServiceEvent.action == "arrive"))
    assert len(arrived) == 1 and arrived[0].checkin_ref == "22.543100,114.057900"

    # 王芳 at 5:01.
    staff2 = pages.open(phone=True)
    staff2.context.grant_permissions(["geolocation"], origin=site.url)
    staff2.context.set_geolocation(GEO)
    sign_in(staff2, site.url, "bsw-staff2")
    staff2.goto(f"{site.url}/service/emergencies/{order_id}")
    site.clock.advance(timedelta(seconds=2))
    _tap_arrival(staff2, order_id)
    expect(staff2.locator("#arrivals")).to_contain_text("5分01秒")
    expect(staff2.locator("#arrivals")).to_contain_text("超过 5 分钟")

    # Under control; the report drafted and submitted at a desk.
    office = pages.open()
    office.set_viewport_size(DESK)
    sign_in(office, site.url, "bsw-manager")
    office.goto(f"{site.url}/service/emergencies/{order_id}")
    site.clock.advance(timedelta(minutes=15))
    office.locator("#controlled-button").click()
    expect(office.locator("#controlled-at")).to_be_visible()
    office.locator("#cause").fill("车库配电箱线路老化短路,引燃周边杂物。")
    office.locator("#measures").fill("切断总电源;两具干粉灭火器扑灭;疏散车库人员。")
    office.locator("#losses").fill("配电箱一个(约 800 元),无人员伤亡。")
    office.locator("#save-report").click()
    expect(office.locator("#submit-report")).to_be_visible()
    _both(office, "emergency-drafted-desk")
    office.locator("#submit-report").click()
    expect(office.locator("#report-state")).to_have_text("已提交审批")

    # The director: a return needs a reason; then returned, redrafted, approved after confirming.
    director = pages.open()
    director.set_viewport_size(DESK)
    sign_in(director, site.url, "bsw-director")
    director.goto(f"{site.url}/service/emergencies/{order_id}")
    _both(director, "emergency-decide-desk")
    director.locator("#return-reason").evaluate("e => e.removeAttribute('required')")
    director.locator("#return-report").click()
    expect(director.locator(".field-error").first).to_contain_text("请说明退回的原因")
    director.locator("#return-reason").fill("损失金额请附维修报价")
    director.locator("#return-report").click()
    expect(director.locator("#returned-reason")).to_contain_text("损失金额请附维修报价")
    office.reload()
    office.locator("#losses").fill("配电箱一个(维修报价 780 元),无人员伤亡。")
    office.locator("#save-report").click()
    office.locator("#submit-report").click()
    director.reload()
    director.locator("#confirm-approve").evaluate("e => e.removeAttribute('required')")
    director.locator("#approve-report").click()
    expect(director.locator(".field-error").first).to_contain_text("勾选")
    director.locator("#confirm-approve").check()
    director.locator("#approve-report").click()
    expect(director.locator("#report-state")).to_have_text("已批准")
    _both(director, "emergency-approved-desk")
    report = one(site.engine, select(EmergencyReport))
    assert report.state == "approved" and len(report.pdf_sha256) == 64
    pdf = director.request.get(f"{site.url}/service/emergencies/{order_id}/report.pdf")
    assert pdf.ok and pdf.body()[:4] == b"%PDF"

    listing = pages.open(phone=True)
    sign_in(listing, site.url, "bsw-manager")
    listing.goto(f"{site.url}/service/emergencies")
    expect(listing.locator("#emergencies tbody tr")).to_have_count(1)
    _both(listing, "emergencies-list-phone")
