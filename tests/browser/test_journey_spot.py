"""The manager's spot check on a phone (issue 14, item 8), walked in Chromium: type a unit and
pick it, tap 全部合格, mark an item failed without evidence and be refused with the photos
kept, add a note, read what the failed item led to and follow the link; open a unit's QR
address and find it chosen. In Chinese and English, at 390×844 and at 1366×900."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.residents.models import Unit
from tests.browser.conftest import PHONE, Pages, Site
from tests.browser.helpers import all_of, one, photo, screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.factories import T0

pytestmark = pytest.mark.browser

DESKTOP_1366 = {"viewport": {"width": 1366, "height": 900}}
TEXT = {
    "zh": {
        "refused": "佩戴工作证:不合格项须有证据:请附照片或填写备注",
        "kept": "已选择的照片已保留在下方",
        "led": "不合格项的处理结果",
        "chosen": "已通过二维码选定单元:1栋 1001",
        "limit": "规定 ≤ 2 分钟",
    },
    "en": {
        "refused": "Work badge worn: a failed item needs evidence: add a photo of it or a note",
        "kept": "The photos you chose are kept below",
        "led": "What the failed items led to",
        "chosen": "Unit chosen from its QR code: 1栋 1001",
        "limit": "limit ≤ 2 min",
    },
}


def _open(pages: Pages, phone: bool) -> Page:
    if phone:
        return pages.open(phone=True)
    context = pages.browser.new_context(**DESKTOP_1366, locale="zh-CN")
    context.set_default_timeout(10_000)
    pages.contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda exc: pages.problems.append(f"script error: {exc}"))
    page.on("console", pages._console)
    page.on("response", pages._response)
    return page


def _seed_units(site: Site) -> None:
    assert site.office is not None
    with Session(site.engine) as session:
        for building, room in (("1栋", "1001"), ("10栋", "101"), ("1栋", "99")):
            office_id = site.office.office.id or 0
            session.add(Unit(office_id=office_id, building=building, room=room, created_at=T0))
        # The result page names the inspector: give the test office's manager a real name.
        session.execute(
            update(User).where(col(User.username) == "bsw-manager").values(display_name="周经理")
        )
        session.commit()


@pytest.mark.parametrize(
    ("lang", "phone"), [("zh", True), ("en", True), ("zh", False), ("en", False)]
)
def test_journey_spot_check(
    site: Site, pages: Pages, tmp_path: Path, lang: str, phone: bool
) -> None:
    assert site.office is not None
    _seed_units(site)
    staff = site.office.staff[0]
    size = "phone" if phone else "desktop"
    words = TEXT[lang]
    page = _open(pages, phone)
    sign_in(page, site.url, "bsw-manager")
    page.goto(f"{site.url}/lang/{lang}?next=/spot-checks/new")

    # The form: each measured item shows its limit from the policy in force.
    expect(page.locator("#item-ring_duration .limit")).to_have_text(words["limit"])
    assert_readable(page, lang)
    screenshot(page, f"spot-01-form-{lang}-{size}")

    # The unit, by typing: suggestions in natural order (99, 101, 1001), then picked.
    options = page.locator("#unit-list option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["1栋 99", "1栋 101", "1栋 102", "1栋 1001", "2栋 103", "2栋 104", "10栋 101"]
    page.locator("#unit").fill("1栋 1001")
    page.locator("#staff").fill(f"{staff.employee_no} {staff.name}")

    # 全部合格 in one tap, no round trip; then one item failed, without evidence.
    page.locator("[data-all-pass]").click()
    assert page.locator("input[type=radio][value=pass]:checked").count() == 10
    assert page.url.endswith("/spot-checks/new")
    page.locator("input[name=result_badge_worn][value=fail]").check()
    page.locator("#photo_ring_interval").set_input_files(photo(tmp_path, "gap.jpg"))
    page.locator("#photos").set_input_files(photo(tmp_path, "door.jpg"))
    page.locator("form.spot-form button[type=submit]:not([data-all-pass])").click()

    # Refused, naming the item; the photos are kept (thumbnails shown, not chosen again).
    expect(page.locator("#note_badge_worn-error")).to_have_text(words["refused"])
    expect(page.locator(".alert.error")).to_contain_text(words["kept"])
    kept = page.locator(".kept img")
    expect(kept).to_have_count(2)
    for i in range(2):
        kept.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=kept.nth(i).element_handle()
        )
    expect(page.locator("#item-ring_interval .kept img")).to_have_count(1)
    expect(page.locator("#unit")).to_have_value("1栋 1001")
    assert page.locator("input[name=result_attitude][value=pass]").is_checked()
    assert_readable(page, lang)
    screenshot(page, f"spot-02-refused-{lang}-{size}")
    assert all_of(site.engine, select(SpotCheck)) == []

    # A note is evidence enough: the check is recorded with the kept photos.
    page.locator("#note_badge_worn").fill("未佩戴工作证")
    page.locator("form.spot-form button[type=submit]:not([data-all-pass])").click()
    expect(page).to_have_url(f"{site.url}/spot-checks/1")
    check = one(site.engine, select(SpotCheck))
    assert check.unit_id is not None
    photos = all_of(site.engine, select(SpotCheckPhoto))
    assert len(photos) == 2
    badge = one(site.engine, select(SpotCheckItem).where(SpotCheckItem.item_key == "badge_worn"))
    assert (badge.result, badge.note) == ("fail", "未佩戴工作证")

    # The result page says what the failed item led to, and links to it.
    finding = one(site.engine, select(Finding))
    led = page.locator("#consequences")
    expect(led.locator("h2")).to_have_text(words["led"])
    expect(led).to_contain_text("R02")
    link = led.locator(f"a[href='/findings#finding-{finding.id}']")
    expect(link).to_have_count(1)
    expect(page.locator("tr.result-fail")).to_contain_text("未佩戴工作证")
    assert_readable(page, lang, allow=["E001"])
    screenshot(page, f"spot-03-result-{lang}-{size}")
    link.click()
    expect(page).to_have_url(f"{site.url}/findings#finding-{finding.id}")
    expect(page.locator(f"#finding-{finding.id}")).to_contain_text("R02")
    assert_readable(page, lang, allow=["E001"])
    screenshot(page, f"spot-04-finding-{lang}-{size}", full_page=False)

    # The QR sheet, and a unit's code opened as the phone's camera app would open it.
    page.goto(f"{site.url}/units/qr")
    cards = page.locator(".qr-card")
    expect(cards).to_have_count(4)  # the first building: 1栋 99, 101, 102, 1001
    assert_readable(page, lang)
    screenshot(page, f"spot-05-qr-sheet-{lang}-{size}")
    card = page.locator(".qr-card", has_text="1栋 1001")
    address = card.get_attribute("data-url")
    assert address and address.startswith(site.url + "/units/scan?unit=")
    page.goto(address)  # a manager who scans it is sent on to the spot-check form
    expect(page).to_have_url(re.compile(r"/spot-checks/new\?unit=\d+$"))
    expect(page.locator("#unit")).to_have_value("1栋 1001")
    expect(page.locator(".alert.ok")).to_have_text(words["chosen"])
    assert_readable(page, lang)
    screenshot(page, f"spot-06-from-qr-{lang}-{size}")
    if phone:
        expect(page.locator("[data-scan]")).to_be_visible()
    assert PHONE["viewport"]["width"] == 390
