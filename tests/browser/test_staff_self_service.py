"""A staff member, on a phone, sees their own findings and cases, signs for a served decision
notice and appeals it within the window."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session, col

from compliance.cases.models import Appeal, CaseStatus, Notice
from compliance.findings.models import Finding
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import case_row, fits_the_screen, menu_link, one, screenshot, sign_in
from tests.compliance.cases.helpers import drive, finding

pytestmark = pytest.mark.browser
GROUNDS = "当天是住户主动让我试一下电视,我有聊天记录为证,处理过重。"


def test_a_staff_member_signs_for_the_notice_and_appeals_in_time(site: Site, pages: Pages) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        ctx = site.ctx(session, "manager")
        # R05 about staff[0] (bsw-staff): statement, written warning, notice handed over today
        # (not yet served: the appeal window opens when bsw-staff signs for it).
        case_id = drive(ctx, site.office, CaseStatus.NOTIFIED, served=False)
        # A finding about a colleague, still being looked at: not for bsw-staff's eyes.
        other = finding(ctx, site.office, rule="R01", staff=1)
    case = case_row(site.engine, case_id)
    assert case.appeal_deadline is None and case.service_completed_at is None
    mine = one(site.engine, select(Finding).where(col(Finding.staff_id) == case.staff_id))

    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-staff")
    menu_link(page, "/me").tap()
    expect(page.locator("h1")).to_have_text("我的线索和案件")
    card = page.locator(f"#case-{case_id}")
    expect(card).to_contain_text(case.number)
    expect(card.locator(".badge")).to_have_text("已发出处理决定")
    expect(card.locator(".deadline")).to_have_count(0)  # no window before service
    findings = page.locator("article[id^=finding-]")
    expect(findings).to_have_count(1)  # their own, not the colleague's
    expect(page.locator(f"#finding-{mine.id}")).to_contain_text("R05")
    expect(page.locator(f"#finding-{mine.id} .badge")).to_have_text("已确认")
    expect(page.locator(f"#finding-{other}")).to_have_count(0)
    assert fits_the_screen(page)
    screenshot(page, "31-staff-me-notified-phone")

    # Signing for the notice: it confirms receipt, not agreement; the case stays open to appeal.
    card.tap()
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator(".card .deadline")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("处理决定通知书")
    expect(page.locator("main")).to_contain_text("尚未送达")
    page.get_by_role("button", name="签收通知").tap()
    expect(page.locator(".alert.ok")).to_have_text("你已签收通知。")
    deadline = case_row(site.engine, case_id).appeal_deadline  # 7 days from the signature
    assert deadline is not None and site.clock.now().date() < deadline
    expect(page.locator(".card .deadline")).to_have_text(f"申诉期于 {deadline.isoformat()} 截止。")
    expect(page.locator("main")).to_contain_text("已签收")
    expect(page.get_by_role("button", name="签收通知")).to_have_count(0)
    notice = one(site.engine, select(Notice).where(col(Notice.case_id) == case_id))
    assert notice.ack_kind == "signed"
    assert notice.ack_recorded_by == site.office.users["staff"].id
    assert case_row(site.engine, case_id).status == "notified"

    page.locator("#appeal-grounds").fill(GROUNDS)
    page.get_by_role("button", name="提交申诉").tap()
    expect(page.locator(".alert.ok")).to_have_text("你的申诉已提交。")
    expect(page.locator(".card .badge")).to_have_text("申诉中")
    expect(page.locator("p.quote").last).to_have_text(GROUNDS)
    expect(page.locator("#appeal-grounds")).to_have_count(0)  # appealed once
    assert fits_the_screen(page)
    screenshot(page, "32-staff-appeal-filed-phone")

    assert case_row(site.engine, case_id).status == "appealed"
    appeal = one(site.engine, select(Appeal))
    assert (appeal.case_id, appeal.grounds) == (case_id, GROUNDS)
    assert appeal.filed_by == site.office.users["staff"].id
    assert appeal.outcome is None

    page.get_by_role("link", name="我的线索和案件").tap()
    expect(page.locator(f"#case-{case_id} .badge")).to_have_text("申诉中")
