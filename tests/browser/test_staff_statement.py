"""A staff member answers a case on their own pages, on a phone, before the deadline."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session

from compliance.cases.models import CaseStatus, Statement
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import case_row, fits_the_screen, menu_link, one, screenshot, sign_in
from tests.compliance.cases.helpers import drive

pytestmark = pytest.mark.browser
TEXT = "当天住户家中有急事,请我帮忙看一下电视信号,我没有使用住户的设施。"


def test_a_staff_member_submits_a_statement_before_the_deadline(site: Site, pages: Pages) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        # An R05 finding about staff[0] (bsw-staff), confirmed; HR asked for a statement.
        case_id = drive(site.ctx(session, "manager"), site.office, CaseStatus.AWAITING_STATEMENT)
    due = case_row(site.engine, case_id).statement_due
    assert due is not None and site.clock.now().date() < due

    other = pages.open(phone=True)
    sign_in(other, site.url, "bsw-staff2")
    other.goto(f"{site.url}/me")
    expect(other.locator("main")).to_contain_text("没有关于你的案件。")

    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-staff")
    menu_link(page, "/me").tap()
    card = page.locator(f"#case-{case_id}")
    expect(card).to_contain_text("待申辩")
    expect(card.locator(".deadline")).to_have_text(f"申辩截止日期：{due.isoformat()}")
    assert fits_the_screen(page), "the staff member's page scrolls sideways on a phone"

    card.tap()
    expect(page.locator(".deadline")).to_contain_text(due.isoformat())
    expect(page.locator("blockquote.rule-text")).to_contain_text("不得借工作之便使用")
    page.locator("#statement-text").fill(TEXT)
    page.get_by_role("button", name="提交申辩").tap()

    expect(page.locator(".alert.ok")).to_have_text("你的申辩已记录。")
    expect(page.locator("p.quote")).to_have_text(TEXT)
    expect(page.locator(".card .badge")).to_have_text("审查中")
    expect(page.locator("#statement-text")).to_have_count(0)  # said once, no second form
    assert fits_the_screen(page)
    screenshot(page, "07-staff-statement-recorded-phone")

    assert case_row(site.engine, case_id).status == "under_review"
    statement = one(site.engine, select(Statement))
    assert (statement.kind, statement.text) == ("statement", TEXT)
    assert statement.recorded_by == site.office.users["staff"].id
