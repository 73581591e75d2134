"""The cashier receives tips at the desk and prints gap-free numbered receipts."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session, col

from compliance.tips import service as tips
from compliance.tips.models import TipLine
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, one, screenshot, sign_in

pytestmark = pytest.mark.browser


def _declared_tip(site: Site) -> int:
    """李明 (bsw-staff) declares ¥200 a resident of 1栋 101 gave him two hours ago."""
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        tip = tips.declare_tip(
            site.ctx(session, "staff"),
            {
                "staff_id": site.office.staff[0].id,
                "unit_id": site.office.units[0].id,
                "amount_fen": 20_000,
                "received_at": site.clock.now() - timedelta(hours=2),
            },
        )
    return tip.id


def test_the_cashier_hands_over_tips_and_prints_numbered_receipts(site: Site, pages: Pages) -> None:
    assert site.office is not None
    users = site.office.users
    tip_id = _declared_tip(site)
    page = pages.open()
    sign_in(page, site.url, "bsw-cashier")

    # The declared tip waits on the desk; the cashier receives it with a countersignature.
    page.locator("nav.menu a[href='/tips']").click()
    expect(page.locator("h1")).to_have_text("上交收银员的小费")
    card = page.locator(f"#tip-{tip_id}")
    expect(card).to_contain_text("¥200.00")
    expect(card).to_contain_text("李明")
    expect(card).to_contain_text("1栋 101")
    signers = card.locator(f"#signer-{tip_id} option").all_inner_texts()
    assert "manager" in signers  # the choices are there...
    assert "cashier" not in signers  # ...and nobody countersigns their own receipt
    card.locator(f"#signer-{tip_id}").select_option(label="manager")
    expect(card.locator(f"#handed-{tip_id}")).to_have_value("2026-03-31T12:00")
    screenshot(page, "20-cashier-desk")
    card.get_by_role("button", name="收款并开具收据").click()

    expect(page).to_have_url(
        re.compile(rf"{re.escape(site.url)}/tips/{tip_id}/receipt\?judged=\d+$")
    )
    receipt = page.locator("article.receipt")
    expect(receipt.locator(".number strong")).to_have_text("BSW-SJ-2026-00001")
    expect(receipt.locator(".office")).to_have_text("碧水湾管理处")
    expect(receipt.locator("dd.amount")).to_have_text("¥200.00")
    expect(receipt).to_contain_text("李明 (E001)")
    expect(receipt).to_contain_text("1栋 101")
    times = receipt.locator("dd time").all_inner_texts()
    assert [t[:16] for t in times] == ["2026-03-31 10:00", "2026-03-31 12:00"], times
    expect(receipt).to_contain_text("cashier")  # who received it
    expect(receipt).to_contain_text("manager")  # who countersigned

    # Printing: the button opens the print dialog; on paper the menu and buttons are gone.
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.get_by_role("button", name="打印收据").click()
    assert page.evaluate("() => window.__printed === true")
    page.emulate_media(media="print")
    expect(page.locator("p.no-print")).to_be_hidden()
    expect(page.locator("header.top")).to_be_hidden()
    expect(receipt).to_be_visible()
    screenshot(page, "21-tip-receipt-print")
    page.emulate_media(media="screen")

    first = one(site.engine, select(TipLine).where(col(TipLine.id) == tip_id))
    assert first.receipt_no == "BSW-SJ-2026-00001"
    assert (first.amount_fen, first.staff_id) == (20_000, site.office.staff[0].id)
    assert first.cashier_id == users["cashier"].id
    assert first.countersigned_by == users["manager"].id

    # A tip nobody declared yet: recorded and handed over in one go, the next number.
    page.get_by_role("link", name="小费与收据").first.click()
    expect(page.locator(f"#tip-{tip_id}")).to_have_count(0)  # no longer waiting
    form = page.locator("form[action='/tips/new']")
    form.locator("#staff_id").select_option(label="E002 王芳")
    form.locator("#unit_id").select_option(label="2栋 103")
    form.locator("#amount").fill("88.5")
    form.locator("#received_at").fill("2026-03-31T11:30")
    form.locator("#countersigned_by").select_option(label="hr")
    form.get_by_role("button", name="保存并开具收据").click()

    expect(page.locator(".receipt .number strong")).to_have_text("BSW-SJ-2026-00002")
    expect(page.locator(".receipt dd.amount")).to_have_text("¥88.50")
    expect(page.locator(".receipt")).to_contain_text("王芳 (E002)")
    screenshot(page, "22-tip-receipt-second")

    page.get_by_role("link", name="小费与收据").first.click()
    expect(page.locator("h1")).to_have_text("上交收银员的小费")  # the desk, not the receipt
    latest = page.locator("p.card a[href$='/receipt']").all_inner_texts()
    assert sorted(latest) == ["BSW-SJ-2026-00001", "BSW-SJ-2026-00002"]

    rows = all_of(site.engine, select(TipLine).order_by(col(TipLine.id)))
    assert [(r.receipt_no, r.amount_fen) for r in rows] == [
        ("BSW-SJ-2026-00001", 20_000),
        ("BSW-SJ-2026-00002", 8_850),
    ]
    second = rows[1]
    assert second.staff_id == site.office.staff[1].id
    assert second.unit_id == site.office.units[2].id
    assert second.countersigned_by == users["hr"].id


def test_a_bad_amount_at_the_cashier_desk_is_refused_next_to_the_field(
    site: Site, pages: Pages
) -> None:
    page = pages.open()
    sign_in(page, site.url, "bsw-cashier")
    page.goto(f"{site.url}/tips")
    form = page.locator("form[action='/tips/new']")
    form.locator("#staff_id").select_option(label="E001 李明")
    form.locator("#unit_id").select_option(label="1栋 101")
    form.locator("#amount").fill("-50")
    form.locator("#countersigned_by").select_option(label="manager")
    form.get_by_role("button", name="保存并开具收据").click()

    form = page.locator("form[action='/tips/new']")
    expect(form.locator("#amount-error")).to_be_visible()
    expect(form.locator("#amount")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#amount")).to_have_value("-50")
    expect(form.locator("#staff_id option:checked")).to_have_text("E001 李明")
    expect(form.locator("#unit_id option:checked")).to_have_text("1栋 101")
    expect(form.locator("#countersigned_by option:checked")).to_have_text("manager")
    screenshot(page, "23-cashier-bad-amount")
    assert all_of(site.engine, select(TipLine)) == []
