"""The front desk's return visits, lobby notices and fees in a real browser: a visit recorded
on a phone (unit typed as people say it, the unit's work order picked, the rating tapped), the
visit that tips a majority issue opening a lobby notice that is then posted with a photo, a
payment recorded and the billing export imported. Every page is read in Chinese and English,
on a phone and a desktop, for sideways scroll, raw codes and stray English."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import Session

from compliance.demo.load import DEMO_PASSWORD
from compliance.service import fees
from compliance.service.models import LobbyNotice, ReturnVisit, ServiceOrder
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, menu_link, photo, screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.compliance.imports import fee_files
from tests.compliance.service.helpers_visits import add_units, visit

pytestmark = pytest.mark.browser
T = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
ALLOW = ("GBK", "UTF-8", "UTF")
PAGES = ("/service/return-visits", "/service/return-visits/new", "/service/lobby-notices",
         "/fees?quarter=2026-Q1", "/fees/import")  # fmt: skip


def _seed(site: Site) -> None:
    """A work order at 1栋 101, two of 9栋's three households raising 电梯噪音, a quarter's
    bills with most of them paid."""
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        office = site.office
        manager = session.merge(office.users["manager"])
        manager.staff_id = office.staff[1].id
        session.add(
            ServiceOrder(
                office_id=office.office.id, number="BSW-WO-0007", kind="repair", channel="phone",
                unit_id=office.units[0].id, received_at=T - timedelta(days=2),
                description="厨房水龙头漏水", created_at=T,
            )
        )  # fmt: skip
        session.flush()
        ctx = site.ctx(session, "manager")
        nine = add_units(session, office, "9栋", 3)
        visit(ctx, nine[0], T, topic="电梯噪音", rating=2, comments="电梯夜间异响")
        visit(ctx, nine[1], T + timedelta(minutes=5), topic="电梯噪音", rating=None)
        for unit in office.units[1:]:
            fees.record_bill(ctx, {"unit_id": unit.id, "quarter": "2026-Q1",
                                   "item": "management", "amount_fen": 50_000})  # fmt: skip
        for unit in office.units[1:3]:
            fees.record_payment(ctx, {"unit_id": unit.id, "quarter": "2026-Q1",
                                      "paid_at": T, "amount_fen": 50_000})  # fmt: skip
        objection = {"unit_id": office.units[3].id, "quarter": "2026-Q1", "kind": "objection"}
        fees.record_contact(ctx, {**objection, "at": T, "note": "电梯常坏,暂不交费"})
        session.commit()


def _look(page: Page, lang: str, name: str) -> None:
    assert_readable(page, lang, allow=ALLOW)
    screenshot(page, f"visits-{name}")


def test_a_visit_on_a_phone_opens_a_notice_that_is_posted(
    site: Site, pages: Pages, tmp_path: Path
) -> None:
    _seed(site)
    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-manager")
    menu_link(page, "/service/return-visits").click()
    expect(page.locator("h1")).to_have_text("回访")
    _look(page, "zh", "list-phone-zh")

    # A visit about the work order of 1栋 101: type the unit, list its orders, pick one.
    page.goto(f"{site.url}/service/return-visits/new")
    page.locator("#unit").fill("1-101")
    page.locator("#comments").fill("师傅很准时")
    page.locator("#list-orders").click()
    expect(page.locator("#order_id")).to_contain_text("BSW-WO-0007")
    expect(page.locator("#comments")).to_have_value("师傅很准时")  # kept
    assert "csrf_token" not in page.url and "?" not in page.url  # a POST: nothing in the URL
    order = page.locator("#order_id option").nth(1)
    page.locator("#order_id").select_option(value=order.get_attribute("value"))
    page.get_by_label("非常满意").check()
    _look(page, "zh", "form-phone-zh")
    page.locator("#visit-form .actions button[type=submit]").click()
    expect(page.locator("#visit-saved")).to_be_visible()
    expect(page.locator("article.visit").first).to_contain_text("非常满意")

    # 9栋 203 raises the same issue: three of three households, a lobby notice opens.
    page.goto(f"{site.url}/service/return-visits/new")
    page.locator("#unit").fill("9栋203")
    page.get_by_label("不满意", exact=True).check()
    page.locator("#topic").fill("电梯 噪音")
    page.locator("#visit-form .actions button[type=submit]").click()
    expect(page.locator("#visit-saved")).to_be_visible()
    (notice,) = all_of(site.engine, select(LobbyNotice))
    assert (notice.building, notice.households_raising) == ("", 3)  # most of the estate
    rows = all_of(site.engine, select(ReturnVisit).order_by(ReturnVisit.id))
    assert [r.rating for r in rows] == [2, None, 5, 2]
    assert rows[2].order_id is not None and rows[2].call_id is not None

    page.goto(f"{site.url}/service/lobby-notices")
    expect(page.locator(f"#notice-{notice.id}")).to_contain_text("还剩 7 天")
    _look(page, "zh", "notices-phone-zh")
    form = page.locator(f"#notice-{notice.id} form")
    form.locator("textarea[name=text]").fill("电梯已报修,本周五完成保养,请业主谅解。")
    form.locator("input[name=photo]").set_input_files(str(photo(tmp_path, "board.jpg")))
    form.locator("button[type=submit]").click()
    expect(page.locator("#notice-posted")).to_be_visible()
    expect(page.locator(f"#posted-{notice.id}")).to_contain_text("电梯已报修")
    _look(page, "zh", "notices-posted-phone-zh")


def test_fees_on_a_phone_and_the_billing_import(site: Site, pages: Pages, tmp_path: Path) -> None:
    _seed(site)
    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-cashier")
    page.goto(f"{site.url}/fees?quarter=2026-Q1")
    expect(page.locator("#rate")).to_have_text("66.6%")
    expect(page.locator("#arrears")).to_contain_text("电梯常坏")
    _look(page, "zh", "fees-phone-zh")
    pay = page.locator("#form-payment")
    pay.locator("input[name=unit]").fill("2-104")
    pay.locator("input[name=amount]").fill("500")
    pay.locator("button[type=submit]").click()
    expect(page.locator("#fee-saved")).to_be_visible()
    expect(page.locator("#rate")).to_have_text("100.0%")

    export = tmp_path / "收费明细2026Q1.csv"
    export.write_bytes(fee_files.csv_bytes("gbk"))
    page.goto(f"{site.url}/fees/import")
    _look(page, "zh", "fees-import-phone-zh")
    page.locator("#file").set_input_files(str(export))
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#count-problems")).to_have_text("2")  # 1栋 102 and 2栋 104: ¥500.00
    expect(page.locator("#problems")).to_contain_text("已有应收")
    _look(page, "zh", "fees-preview-phone-zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_every_page_reads_well(site: Site, pages: Pages, lang: str, phone: bool) -> None:
    _seed(site)
    page = pages.open(phone=phone)
    sign_in(page, site.url, "bsw-manager")
    page.goto(f"{site.url}/lang/{lang}?next=/service/return-visits")
    for path in PAGES:
        page.goto(f"{site.url}{path}")
        name = path.strip("/").split("?")[0].replace("/", "-")
        _look(page, lang, f"{name}-{'phone' if phone else 'desktop'}-{lang}")


@pytest.mark.parametrize(
    ("user", "lang", "phone"),
    [("bsw-desk", "zh", True), ("bsw-desk", "en", False), ("bsw-manager", "zh", False),
     ("bsw-manager", "en", True)],
)  # fmt: skip
def test_the_demo_offices_months_read_well(
    demo_site: Site, pages: Pages, user: str, lang: str, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, demo_site.url, user, DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/lang/{lang}?next=/service/return-visits")
    for path in ("/service/return-visits?month=2026-03", "/service/lobby-notices",
                 "/service/return-visits/new", "/fees?quarter=2026-Q1"):  # fmt: skip
        if path.startswith("/fees") and user == "bsw-desk":
            continue  # the front desk does not keep fees
        page.goto(f"{demo_site.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        name = path.strip("/").split("?")[0].replace("/", "-")
        _look(page, lang, f"demo-{name}-{user}-{'phone' if phone else 'desktop'}-{lang}")
