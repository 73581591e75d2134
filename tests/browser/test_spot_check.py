"""A manager's unannounced spot check, done on a phone, through to the finding it raises."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import (
    all_of,
    fits_the_screen,
    menu_link,
    one,
    photo,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_spot_check_on_a_phone_raises_a_finding_for_the_failed_item(
    site: Site, pages: Pages, tmp_path: Path
) -> None:
    assert site.office is not None
    staff = site.office.staff[0]
    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-manager")

    menu_link(page, "/spot-checks/new").tap()
    expect(page.locator("h1")).to_have_text("突击抽查")
    assert fits_the_screen(page), "the spot-check form scrolls sideways on a phone"
    page.locator("#staff").fill(f"{staff.employee_no} {staff.name}")
    page.locator("#unit").fill("1栋 101")
    expect(page.locator("#checked_at")).to_have_value("2026-03-31T12:00")
    for key in ("attitude", "badge_worn", "knock_before_entry", "ring_interval"):
        page.locator(f"input[name=result_{key}][value=pass]").check()
    page.locator("#observed_ring_interval").fill("8")
    page.locator("input[name=result_ring_duration][value=fail]").check()
    page.locator("#observed_ring_duration").fill("150")
    # A failed item needs its evidence; ticking "fail" opens its note and photo.
    page.locator("#note_ring_duration").fill("按铃约两分半钟")
    page.locator("#photos").set_input_files(photo(tmp_path))
    page.locator("#notes").fill("按铃时间过长,住户在对讲中表示不满。")
    page.locator("form[action='/spot-checks/new'] button[type=submit]:not([data-all-pass])").tap()

    expect(page).to_have_url(f"{site.url}/spot-checks/1")
    expect(page.locator("h1")).to_have_text("抽查 #1 已记录")
    # First what the rules concluded, item by item, then the finding it raised.
    expect(page.locator("#judgment h2")).to_have_text("规则判定结果")
    expect(page.locator("#judgment")).to_contain_text("R03")
    expect(page.locator("h2", has_text="产生了 1 条线索")).to_have_count(1)
    card = page.locator("article.finding")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("R03")
    expect(card).to_contain_text("门铃每次鸣响 150 秒,超过规定的 120 秒")
    expect(page.locator("tr.result-fail")).to_contain_text("150")
    shown = page.locator(".photos img")
    expect(shown).to_have_count(1)
    shown.scroll_into_view_if_needed()  # the photo loads lazily
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    assert shown.evaluate("img => img.naturalWidth") == 64  # stored and served back
    assert fits_the_screen(page), "the spot-check result scrolls sideways on a phone"
    screenshot(page, "03-spot-check-result-phone")

    finding = one(site.engine, select(Finding))
    assert (finding.rule_code, finding.staff_id, finding.status) == ("R03", staff.id, "open")
    assert f"#{finding.id}" in card.inner_text()
    check = one(site.engine, select(SpotCheck))
    assert check.notes.startswith("按铃时间过长")
    stored = all_of(site.engine, select(Finding).where(col(Finding.rule_code) != "R03"))
    assert stored == []  # the items that passed raised nothing
