"""HR takes a spot-check finding through a case to an approved written warning."""

import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import Session

from compliance.cases.models import Approval, Case, Proposal, Statement
from compliance.flows import spot_checks as inspections
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, case_row, one, sign_in, step_forms, take_step

pytestmark = pytest.mark.browser


def _spot_check_finding(site: Site) -> None:
    """The manager's spot check of staff[0] yesterday: rang for 150 s (R03 allows 120)."""
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        inspections.record_spot_check(
            site.ctx(session, "manager"),
            {
                "staff_id": site.office.staff[0].id,
                "unit_id": site.office.units[0].id,
                "checked_at": site.clock.now() - timedelta(days=1),
                "items": [
                    {"item_key": "ring_duration", "result": "fail", "observed": 150},
                    {"item_key": "badge_worn", "result": "pass"},
                ],
            },
        )


def test_hr_takes_a_finding_through_a_case_to_an_approved_written_warning(
    site: Site, pages: Pages
) -> None:
    assert site.office is not None
    _spot_check_finding(site)
    hr = pages.open()
    sign_in(hr, site.url, "bsw-hr")

    # Triage: HR confirms the finding, which opens a case.
    hr.locator("nav.menu a[href='/findings']").click()
    card = hr.locator("article.finding")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("R03")
    expect(hr.locator("section.staff-group h2")).to_contain_text("李明")  # grouped by person
    card.get_by_role("link", name="确认…").click()
    expect(hr.locator("#what-happens")).to_contain_text("立新案")
    hr.locator("#sure").check()
    hr.get_by_role("button", name="确认线索").click()
    expect(hr.locator(".alert.ok")).to_contain_text("线索 #1 已确认:已立案")
    expect(hr.locator("article.finding")).to_have_count(0)
    case = one(site.engine, select(Case))
    assert (case.status, case.rule_code, case.staff_id) == ("open", "R03", site.office.staff[0].id)

    # The case page from the HR review queue.
    hr.locator("nav.menu a[href='/cases']").click()
    hr.get_by_role("link", name=case.number).click()
    expect(hr.locator("h1")).to_contain_text(case.number)
    expect(hr.locator("h1 .badge")).to_have_text("已立案")
    expect(hr.locator("#evidence")).to_contain_text("门铃每次鸣响 150 秒")

    take_step(hr, "request_statement", due="")
    expect(hr.locator("h1 .badge")).to_have_text("待申辩")
    expect(hr.locator("#statement")).to_contain_text("2026-04-03")  # 3 working days
    assert "record_silence" not in step_forms(hr)  # not before the deadline has passed

    take_step(hr, "record_refusal", note="员工当面表示不作申辩,两名同事在场。")
    expect(hr.locator("h1 .badge")).to_have_text("审查中")
    expect(hr.locator("#statement")).to_contain_text("拒绝申辩")

    take_step(hr, "propose", severity="standard", severity_reason="初次违反,事实清楚")
    expect(hr.locator("h1 .badge")).to_have_text("已提出处理建议")
    expect(hr.locator("#proposal .outcomes")).to_have_text("书面警告")
    # HR confirmed the finding, so HR may not approve it (separation of duties).
    assert "approve" not in step_forms(hr)

    manager = pages.open()
    sign_in(manager, site.url, "bsw-manager")
    manager.goto(f"{site.url}/cases/{case.id}")
    expect(manager.locator("#proposal")).to_contain_text("书面警告")
    assert "approve" not in step_forms(manager)  # the manager did the spot check

    director = pages.open()
    sign_in(director, site.url, "bsw-director")
    director.goto(f"{site.url}/cases/{case.id}")
    assert "approve" in step_forms(director)
    take_step(director, "approve", justification="事实清楚,同意")
    expect(director.locator(".alert.ok")).to_have_text("已完成：批准。")
    expect(director.locator("h1 .badge")).to_have_text("已批准")
    expect(director.locator("#proposal .outcomes")).to_have_text("书面警告")
    expect(director.locator("#approvals li")).to_contain_text("director")
    assert "serve_notice" not in step_forms(director)  # serving the notice is HR's job

    hr.reload()
    expect(hr.locator("h1 .badge")).to_have_text("已批准")
    assert "serve_notice" in step_forms(hr)

    stored = case_row(site.engine, case.id or 0)
    assert stored.status == "approved" and stored.severity == "standard"
    approval = one(site.engine, select(Approval))
    assert approval.approver_id == site.office.users["director"].id
    assert approval.capacity == "director"
    (proposal,) = all_of(site.engine, select(Proposal))
    assert [o["kind"] for o in json.loads(proposal.outcomes)] == ["written_warning"]
    assert one(site.engine, select(Statement)).kind == "refused"
