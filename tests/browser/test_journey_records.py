"""Records on the web, as the manager walks them on a phone (390×844) and HR at a desk
(1366×900): a work order added and corrected with a reason, a shift and a punch added, the
month's attendance exceptions read, downloaded as CSV and printed; in Chinese and English,
every page readable (no sideways scroll, no code, no stray English)."""

import csv
import io
import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from compliance.attendance.models import AttendanceEvent
from compliance.audit.models import AuditEvent
from compliance.demo.load import DEMO_PASSWORD
from compliance.visits.models import Visit
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, menu_link, one, screenshot, sign_in
from tests.browser.readable import assert_readable

pytestmark = pytest.mark.browser
HR_SCREEN = {"width": 1366, "height": 900}


def _look(page: Page, name: str, lang: str = "zh", *, full_page: bool = True) -> None:
    assert_readable(page, lang)
    screenshot(page, f"records-{name}", full_page=full_page)


def _english(page: Page, url: str, path: str) -> None:
    page.goto(f"{url}/lang/en?next={path}")


def _manager_on_a_phone(site: Site, page: Page) -> None:
    url = site.url
    sign_in(page, url, "bsw-manager")
    menu_link(page, "/visits").tap()
    expect(page.locator("h1")).to_have_text("工单")
    _look(page, "visits-phone")

    page.get_by_role("link", name="新增工单").tap()
    page.locator("#staff_id").select_option(label="E001 李明")
    page.locator("#unit_id").select_option(label="1栋 102")
    page.locator("#kind").select_option("repair")
    page.locator("#description").fill("卫生间下水道堵塞")
    page.locator("#requested_at").fill("2026-03-30T09:00")
    page.locator("#arrived_at").fill("2026-03-30T08:50")  # before the request: refused
    page.locator("#done_at").fill("2026-03-30T10:10")
    page.get_by_role("button", name="保存工单").tap()
    expect(page.locator("#arrived_at-error")).to_have_text("不能早于报修时间")
    expect(page.locator("#description")).to_have_value("卫生间下水道堵塞")
    expect(page.locator("#done_at")).to_have_value("2026-03-30T10:10")
    _look(page, "visit-new-error-phone")
    assert all_of(site.engine, select(Visit)) == []
    page.locator("#arrived_at").fill("2026-03-30T09:20")
    page.get_by_role("button", name="保存工单").tap()
    expect(page.locator("[role=status]")).to_contain_text("已保存")
    _look(page, "visits-saved-phone")

    visit = one(site.engine, select(Visit))
    page.locator(f"a[href='/visits/{visit.id}/edit']").tap()
    expect(page.locator("#arrived_at")).to_have_value("2026-03-30T09:20")
    page.locator("#arrived_at").fill("2026-03-30T09:25")
    page.get_by_role("button", name="保存更正").tap()
    # The reason is required: the browser holds the form back (the server refuses it too,
    # tests/api/test_record_pages.py), with what was typed still in it.
    assert page.locator("#reason").evaluate("e => !e.validity.valid")
    expect(page.locator("#arrived_at")).to_have_value("2026-03-30T09:25")
    _look(page, "visit-edit-error-phone")
    page.locator("#reason").fill("师傅回电确认到达时间")
    page.get_by_role("button", name="保存更正").tap()
    expect(page.locator("[role=status]")).to_contain_text("已保存")
    event = one(site.engine, select(AuditEvent).where(AuditEvent.action == "visit.corrected"))
    payload = json.loads(event.payload)
    assert payload["reason"] == "师傅回电确认到达时间"
    assert payload["before"] == {"arrived_at": "2026-03-30T01:20:00+00:00"}

    # The roster and a punch: E001 was on 08:00–17:00 on the 30th and checked in a minute late.
    page.goto(f"{url}/rosters/new")
    page.locator("#staff_id").select_option(label="E001 李明")
    page.locator("#work_date").fill("2026-03-30")
    page.locator("#start").fill("08:00")
    page.locator("#end").fill("17:00")
    _look(page, "roster-new-phone")
    page.get_by_role("button", name="保存排班").tap()
    expect(page.locator("[role=status]")).to_contain_text("已保存")
    _look(page, "rosters-phone")

    page.goto(f"{url}/attendance")
    page.get_by_role("link", name="补录打卡").tap()
    page.locator("#staff_id").select_option(label="E001 李明")
    page.locator("#kind").select_option("check_in")
    page.locator("#at").fill("2026-03-30T08:01")
    _look(page, "punch-new-phone")
    page.get_by_role("button", name="保存打卡").tap()
    expect(page.locator("[role=status]")).to_contain_text("已保存")
    _look(page, "punches-phone")
    assert len(all_of(site.engine, select(AttendanceEvent))) == 1

    page.get_by_role("link", name="考勤异常").first.tap()
    page.locator("#month").fill("2026-03")
    page.get_by_role("button", name="显示").tap()
    expect(page.locator("main")).to_contain_text("迟到 · 1 分钟")
    expect(page.locator("main")).to_contain_text("未签到")
    _look(page, "exceptions-phone")

    _english(page, url, "/visits")
    expect(page.locator("h1")).to_have_text("Work orders")
    _look(page, "visits-phone-en", "en")
    page.goto(f"{url}/visits/{visit.id}/edit")
    _look(page, "visit-edit-phone-en", "en")
    page.goto(f"{url}/attendance/exceptions?month=2026-03")
    expect(page.locator("main")).to_contain_text("Late · 1 minute")
    _look(page, "exceptions-phone-en", "en")


def _hr_at_a_desk(site: Site, page: Page) -> None:
    url = site.url
    page.set_viewport_size(HR_SCREEN)
    sign_in(page, url, "bsw-hr")
    menu_link(page, "/attendance").click()
    expect(page.locator("h1")).to_have_text("打卡记录")
    _look(page, "punches-desktop")
    page.get_by_role("link", name="考勤异常").first.click()
    page.locator("#month").fill("2026-03")
    page.get_by_role("button", name="显示").click()
    expect(page.locator("main")).to_contain_text("迟到 · 1 分钟")
    _look(page, "exceptions-desktop")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 CSV").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "日期" and rows[0][-1] == "迟到分钟数"
    assert [(r[0], r[1], r[4], r[-1]) for r in rows[1:]] == [
        ("2026-03-30", "E001", "迟到", "1"),
        ("2026-03-30", "E001", "未签到（收工未回）", "0"),
    ]

    page.get_by_role("link", name="打印版报表").click()
    expect(page.locator("table.print")).to_contain_text("迟到 1 分钟")
    _look(page, "exceptions-print-desktop")

    # 补卡: the clock was slow; HR corrects the punch with a reason, and the lateness goes.
    punch = one(site.engine, select(AttendanceEvent))
    page.goto(f"{url}/attendance/{punch.id}/edit")
    page.locator("#at").fill("2026-03-30T07:59")
    page.locator("#reason").fill("考勤机慢了两分钟，已核对监控")
    _look(page, "punch-edit-desktop")
    page.get_by_role("button", name="保存更正").click()
    expect(page.locator("[role=status]")).to_contain_text("已保存")
    page.goto(f"{url}/attendance/exceptions?month=2026-03")
    expect(page.locator("main")).not_to_contain_text("迟到 ·")
    expect(page.locator("main")).to_contain_text("未签到")

    _english(page, url, "/attendance/exceptions?month=2026-03")
    expect(page.locator("h1")).to_have_text("Attendance exceptions")
    _look(page, "exceptions-desktop-en", "en")
    page.goto(f"{url}/rosters")
    _look(page, "rosters-desktop-en", "en")
    page.goto(f"{url}/visits")
    _look(page, "visits-desktop-en", "en")


def test_records_journey(site: Site, pages: Pages) -> None:
    _manager_on_a_phone(site, pages.open(phone=True))
    _hr_at_a_desk(site, pages.open())


def test_the_record_pages_read_cleanly_with_the_demo_office(demo_site: Site, pages: Pages) -> None:
    """Feedback, damages and overtime (item 13) and the new lists, with three months of records."""
    url = demo_site.url
    phone = pages.open(phone=True)
    sign_in(phone, url, "bsw-manager", DEMO_PASSWORD)
    damage = phone.locator("a[href^='/damages/']").first
    paths = [
        "/feedback",
        "/damages",
        "/overtime",
        "/visits?month=2026-03",
        "/attendance?month=2026-03",
        "/rosters?month=2026-03",
        "/attendance/exceptions?month=2026-03",
    ]
    for lang in ("zh", "en"):
        if lang == "en":
            _english(phone, url, "/")
        for path in paths:
            phone.goto(url + path)
            name = path.strip("/").split("?")[0].replace("/", "-")
            _look(phone, f"demo-{name}-phone-{lang}", lang, full_page=False)
        phone.goto(f"{url}/damages")
        damage.click()
        _look(phone, f"demo-damage-detail-phone-{lang}", lang, full_page=False)
    hr = pages.open()
    hr.set_viewport_size(HR_SCREEN)
    sign_in(hr, url, "bsw-hr", DEMO_PASSWORD)
    for path in ("/attendance/exceptions?month=2026-03", "/visits?month=2026-03"):
        hr.goto(url + path)
        name = path.strip("/").split("?")[0].replace("/", "-")
        _look(hr, f"demo-{name}-desktop", full_page=False)
        expect(hr.locator("main h1")).to_be_visible()
