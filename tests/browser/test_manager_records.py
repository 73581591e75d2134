"""A manager's records: resident feedback, a damage incident valued in yuan, overtime decided
by the office director; a bad value comes back next to its field with the typed values."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.overtime.models import OvertimeRequest
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, fits_the_screen, menu_link, one, screenshot, sign_in

pytestmark = pytest.mark.browser
SAID = "王师傅修水管很仔细,走前还把地面擦干净了。"


def _utc(text: str) -> datetime:
    """A naive UTC time as SQLite hands it back, for comparing with what was typed."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _stored(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_manager_records_resident_feedback_on_a_phone(site: Site, pages: Pages) -> None:
    assert site.office is not None
    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-manager")
    menu_link(page, "/feedback/new").tap()
    expect(page.locator("h1")).to_have_text("记录住户反馈")
    assert fits_the_screen(page), "the feedback form scrolls sideways on a phone"

    page.locator("#staff_id").select_option(label="E002 王芳 · 保洁")
    page.locator("#unit_id").select_option(label="1栋 102")
    page.locator("#channel").select_option("visit")
    page.locator("#category").select_option("praise")
    page.locator("#text").fill(SAID)
    page.locator("#occurred_at").fill("2026-03-31T09:15")
    # A reported tip cannot be negative: the form comes back with everything as typed.
    page.locator("#amount").fill("-20")
    page.get_by_role("button", name="保存反馈").tap()

    expect(page.locator("#amount-error")).to_have_text("金额格式不对（例如 200 或 12.50 元）")
    expect(page.locator("#amount")).to_have_value("-20")
    expect(page.locator("#amount")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#staff_id option:checked")).to_have_text("E002 王芳 · 保洁")
    expect(page.locator("#unit_id option:checked")).to_have_text("1栋 102")
    expect(page.locator("#channel")).to_have_value("visit")
    expect(page.locator("#category")).to_have_value("praise")
    expect(page.locator("#text")).to_have_value(SAID)
    expect(page.locator("#occurred_at")).to_have_value("2026-03-31T09:15")
    assert fits_the_screen(page)
    screenshot(page, "24-feedback-bad-amount-phone")
    assert all_of(site.engine, select(Feedback)) == []

    page.locator("#amount").fill("")
    page.get_by_role("button", name="保存反馈").tap()
    # Praise feeds no rule: saved, and the page says it is kept on file only.
    expect(page.locator(".alert.ok")).to_contain_text("反馈已记录。")
    expect(page.locator(".alert.ok")).to_contain_text("此类反馈不对应任何条款,仅存档")
    recent = page.locator("article.card").first
    # (The feedback pages write the unit as 1栋102, the others as 1栋 102.)
    expect(recent).to_contain_text(re.compile(r"王芳 · 1栋 ?102 · 2026-03-31 09:15"))
    expect(recent.locator(".quote")).to_have_text(SAID)
    expect(page.locator("#text")).to_have_value("")  # a fresh form for the next one
    screenshot(page, "25-feedback-recorded-phone")

    # HR and managers read it in the office's feedback list.
    page.goto(f"{site.url}/feedback")
    expect(page.locator("h1")).to_have_text("住户反馈")
    listed = page.locator("article.card")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(re.compile(r"王芳 · 1栋 ?102 · 2026-03-31 09:15"))
    expect(listed.locator(".badge")).to_have_text("表扬")
    expect(listed.locator(".quote")).to_have_text(SAID)

    row = one(site.engine, select(Feedback))
    assert (row.staff_id, row.unit_id) == (site.office.staff[1].id, site.office.units[1].id)
    assert (row.channel, row.category, row.text, row.amount_fen) == ("visit", "praise", SAID, None)
    assert _stored(row.occurred_at) == _utc("2026-03-31T01:15")  # 09:15 in Shanghai
    assert row.created_by == site.office.users["manager"].id


def test_a_damage_incident_is_valued_in_yuan_and_stored_in_fen(site: Site, pages: Pages) -> None:
    assert site.office is not None
    page = pages.open()
    sign_in(page, site.url, "bsw-manager")
    page.locator("nav.menu a[href='/damages']").click()
    expect(page.locator("h1")).to_have_text("损坏事件")
    page.locator("details.card summary").click()
    page.locator("#staff_id").select_option(label="E003 张伟")
    page.locator("#unit_id").select_option(label="2栋 104")
    page.locator("#item").fill("客厅木地板")
    page.locator("#description").fill("搬梯子时划伤地板,长约 30 厘米。")
    page.locator("#occurred_at").fill("2026-03-30T15:40")
    page.get_by_role("button", name="保存事件").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(site.url)}/damages/1(\?judged=\d+)?$"))
    expect(page.locator("h1")).to_have_text("损坏事件 #1")
    expect(page.locator("#judgment")).to_contain_text("R11 损坏财物照价赔偿")
    expect(page.locator("#judgment")).to_contain_text("价值尚待评估")
    expect(page.locator(".card:not(#judgment)").first).to_contain_text(
        "张伟 · 2栋 104 · 2026-03-30 15:40"
    )

    # A negative valuation is refused next to the field; nothing is stored.
    page.locator("#amount").fill("-350")
    page.locator("#basis").select_option("quote")
    page.locator("#note").fill("装修公司报价")
    page.get_by_role("button", name="保存估价").click()
    expect(page.locator("#amount-error")).to_be_visible()
    expect(page.locator("#amount")).to_have_value("-350")
    expect(page.locator("#basis")).to_have_value("quote")
    expect(page.locator("#note")).to_have_value("装修公司报价")
    screenshot(page, "26-damage-bad-valuation")
    assert one(site.engine, select(DamageIncident)).assessed_value_fen is None

    page.locator("#amount").fill("1,234.5")
    page.get_by_role("button", name="保存估价").click()
    expect(page.locator(".alert.ok")).to_have_text("已保存。")
    expect(page.locator(".steps li").first.locator("strong.amount")).to_have_text("¥1,234.50")
    expect(page.locator("#amount")).to_have_value("1234.50")
    screenshot(page, "27-damage-valued")

    page.get_by_role("link", name="← 损坏事件").click()
    expect(page.locator("article.card")).to_contain_text("¥1,234.50")

    row = one(site.engine, select(DamageIncident))
    assert row.assessed_value_fen == 123_450 and isinstance(row.assessed_value_fen, int)
    assert (row.valuation_basis, row.valuation_note) == ("quote", "装修公司报价")
    assert (row.item, row.staff_id) == ("客厅木地板", site.office.staff[2].id)
    assert _stored(row.occurred_at) == _utc("2026-03-30T07:40")
    assert row.settlement == "pending"


def _forge_decision(page: Page, request_id: int) -> None:
    """Post an approval the page does not offer (as a crafted form would), with a real token."""
    token = page.locator("input[name=csrf_token]").first.input_value()
    page.evaluate(
        """([id, token]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = `/overtime/${id}/decision`;
            for (const [k, v] of [["csrf_token", token], ["decision", "approved"],
                                  ["rearranged_others", "on"]]) {
                const input = document.createElement("input");
                Object.assign(input, {type: "hidden", name: k, value: v});
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [request_id, token],
    )


def test_only_the_office_director_approves_overtime(site: Site, pages: Pages) -> None:
    assert site.office is not None
    manager = pages.open()
    sign_in(manager, site.url, "bsw-manager")
    manager.locator("nav.menu a[href='/overtime']").click()
    manager.locator("details.card summary").click()
    manager.locator("#staff_id").select_option(label="E001 李明")
    manager.locator("#unit_id").select_option(label="1栋 101")
    manager.locator("#reason").fill("住户请求下班后继续更换热水器。")
    manager.get_by_role("button", name="保存申请").click()
    expect(manager.locator(".alert.ok")).to_have_text("申请已记录。")
    card = manager.locator("#overtime-1")
    expect(card.locator(".badge")).to_have_text("待处理")
    # A plain manager records requests but is offered no decision...
    expect(card.locator("form.decide")).to_have_count(0)
    expect(manager.get_by_role("button", name="批准")).to_have_count(0)
    # ... and a decision posted anyway is refused.
    with manager.expect_response(f"{site.url}/overtime/1/decision") as answer:
        _forge_decision(manager, 1)
    assert answer.value.status == 403
    expect(manager.locator("h1")).to_contain_text("403")
    screenshot(manager, "28-overtime-refused-to-manager")
    assert one(site.engine, select(OvertimeRequest)).decision == "pending"

    director = pages.open()
    sign_in(director, site.url, "bsw-director")
    director.goto(f"{site.url}/overtime")
    card = director.locator("#overtime-1")
    expect(card).to_contain_text("住户请求下班后继续更换热水器。")
    # R09: approving needs the other residents' appointments rearranged first.
    card.locator("#note-1").fill("已与住户确认,加班一小时。")
    card.get_by_role("button", name="批准").click()
    card = director.locator("#overtime-1")
    expect(card.locator("#rearranged-1-error")).to_be_visible()
    expect(card.locator("#note-1")).to_have_value("已与住户确认,加班一小时。")
    screenshot(director, "29-overtime-needs-rearranging")
    assert one(site.engine, select(OvertimeRequest)).decision == "pending"

    card.locator("#rearranged-1").check()
    card.get_by_role("button", name="批准").click()
    expect(director.locator(".alert.ok")).to_have_text("已批准加班。")
    card = director.locator("#overtime-1")
    expect(card.locator(".badge")).to_have_text("已批准")
    expect(card).to_contain_text("已与住户确认,加班一小时。")
    expect(card.locator("form.decide")).to_have_count(0)
    screenshot(director, "30-overtime-approved")

    row = one(site.engine, select(OvertimeRequest))
    assert (row.decision, row.decided_by) == ("approved", site.office.users["director"].id)
    assert row.rearranged_others is True
    assert row.decision_note == "已与住户确认,加班一小时。"
    assert row.created_by == site.office.users["manager"].id
