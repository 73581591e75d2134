"""A dismissal cannot be approved until the trade union has been told and has replied."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import Session

from compliance.cases.models import Approval, CaseStatus, UnionNotice
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import (
    all_of,
    case_row,
    screenshot,
    sign_in,
    step_forms,
    take_step,
)
from tests.compliance.cases.helpers import drive

pytestmark = pytest.mark.browser


def _union_gate(page: Page) -> str:
    """The mark shown for the 'trade union notified' gate: ✓ passed, ✗ blocking."""
    gate = page.locator("#gates li", has_text="第四十三条").first
    return gate.locator(".mark").inner_text()


def test_the_second_approval_of_a_dismissal_waits_for_the_union_notice_and_reply(
    site: Site, pages: Pages
) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        # Soliciting money from a resident (R13): the rulebook's outcome is dismissal.
        case_id = drive(
            site.ctx(session, "manager"),
            site.office,
            CaseStatus.DECISION_PROPOSED,
            rule="R13",
            amount_fen=10_000,
        )
    url = f"{site.url}/cases/{case_id}"
    hr = pages.open()
    sign_in(hr, site.url, "bsw-hr")
    hr.goto(url)
    expect(hr.locator("#proposal .outcomes")).to_contain_text("辞退")
    expect(hr.locator("#gates")).to_contain_text("如被认定违法解除")  # the cost shown
    assert _union_gate(hr) == "✗"

    # HR proposed it: neither approval is theirs, and the page says who gives them.
    assert "approve" not in step_forms(hr)
    expect(hr.locator("#own-proposal")).to_contain_text(
        "解除劳动合同须经人事和管理处主任各批准一次"
    )

    # The first approval (the other HR reviewer's) may come before the union is told ...
    second_hr = pages.open()
    sign_in(second_hr, site.url, "bsw-hr2")
    second_hr.goto(url)
    expect(second_hr.locator("#own-proposal")).to_have_count(0)
    take_step(second_hr, "approve", justification="事实清楚,同意")
    expect(second_hr.locator(".alert.ok")).to_have_text("已完成：批准。")
    expect(second_hr.locator("h1 .badge")).to_have_text("已提出处理建议")

    # ... the second (the director) may not: refused with the reason, nothing recorded.
    director = pages.open()
    sign_in(director, site.url, "bsw-director")
    director.goto(url)
    take_step(director, "approve", justification="事实清楚,同意")
    expect(director.locator(".alert.error")).to_contain_text("须先记录通知工会")
    screenshot(director, "06-case-dismissal-refused", full_page=False)
    expect(director.locator("h1 .badge")).to_have_text("已提出处理建议")
    assert len(all_of(site.engine, select(Approval))) == 1

    hr.reload()
    offered = step_forms(hr)
    assert "record_union_notice" in offered  # the page has loaded its step forms
    assert "record_union_reply" not in offered  # nothing to reply to yet
    take_step(hr, "record_union_notice", reasons="该员工向业主索要财物,拟解除劳动合同。")
    expect(hr.locator("#union")).to_contain_text("该员工向业主索要财物")
    expect(hr.locator("#union")).to_contain_text("尚未记录回复。")
    assert _union_gate(hr) == "✓"
    offered = step_forms(hr)
    assert "record_union_reply" in offered  # now the reply can be recorded
    assert "record_union_notice" not in offered  # told once

    # Told but no reply yet: still refused.
    director.goto(url)
    take_step(director, "approve", justification="事实清楚,同意")
    expect(director.locator(".alert.error")).to_contain_text("须先记录工会的意见")
    assert case_row(site.engine, case_id).status == "decision_proposed"

    take_step(hr, "record_union_reply", reply="工会已审阅事实与依据,无异议。")
    expect(hr.locator("#union")).to_contain_text("工会已审阅事实与依据")

    director.goto(url)
    take_step(director, "approve", justification="事实清楚,同意")
    expect(director.locator(".alert.ok")).to_have_text("已完成：批准。")
    expect(director.locator("h1 .badge")).to_have_text("已批准")
    expect(director.locator("#approvals li.valid")).to_have_count(2)

    assert case_row(site.engine, case_id).status == "approved"
    approvals = all_of(site.engine, select(Approval))
    assert sorted(a.capacity for a in approvals) == ["director", "hr"]
    assert site.office.users["hr"].id not in {a.approver_id for a in approvals}
    notice = all_of(site.engine, select(UnionNotice))[0]
    assert notice.reply_at is not None
