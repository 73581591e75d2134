"""The dashboard's server-drawn SVG charts, and switching the pages to English and back."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlmodel import col

from compliance.cases.models import Case
from compliance.demo.load import DEMO_PASSWORD
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, one, screenshot, sign_in

pytestmark = pytest.mark.browser
CLOSED = ("closed", "dismissed")


def _bars(page: Page, chart: int) -> list[float]:
    """The drawn heights (or widths) of the bars of the n-th chart, in screen pixels."""
    svg = page.locator("svg.chart").nth(chart)
    sizes: list[float] = svg.evaluate(
        "svg => [...svg.querySelectorAll('rect')].map(r => {"
        "  const b = r.getBoundingClientRect(); return Math.min(b.width, b.height); })"
    )
    return sizes


@pytest.mark.parametrize("username", ["bsw-hr", "bsw-manager"])
def test_the_dashboard_draws_its_charts(demo_site: Site, pages: Pages, username: str) -> None:
    site = demo_site
    page = pages.open()
    sign_in(page, site.url, username, DEMO_PASSWORD)
    page.locator("nav.menu a[href='/dashboard']").click()
    expect(page.locator("h1")).to_have_text("统计概览")

    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    expect(charts.nth(0)).to_have_attribute("aria-label", "各条款确认违规数")
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box is not None and box.get("width", 0) > 300 and box.get("height", 0) > 100
    assert len(_bars(page, 0)) > 0 and all(h > 0 for h in _bars(page, 0))
    assert charts.nth(1).locator("polyline").count() > 0  # one line per team

    # Open cases by state: one bar per state, the KPI is their sum, both as stored.
    open_by_state = all_of(
        site.engine,
        select(col(Case.status)).where(col(Case.status).not_in(CLOSED)).distinct(),
    )
    open_total = one(
        site.engine, select(func.count()).select_from(Case).where(col(Case.status).not_in(CLOSED))
    )
    assert len(_bars(page, 2)) == len(open_by_state) > 0
    expect(page.locator(".kpis li").first.locator("strong")).to_have_text(str(open_total))
    if username == "bsw-hr":
        screenshot(page, "36-dashboard-hr")


def test_switching_to_english_and_back(demo_site: Site, pages: Pages) -> None:
    site = demo_site
    page = pages.open()
    sign_in(page, site.url, "bsw-manager", DEMO_PASSWORD)
    page.goto(f"{site.url}/dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("统计概览")

    page.locator("nav.lang").get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{site.url}/dashboard")  # the same page, now in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("section.card h2").first).to_have_text("Confirmed breaches by rule")
    expect(page.locator("nav.menu a[href='/findings']")).to_have_text("Findings")
    expect(page.locator("nav.lang strong")).to_have_text("English")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["lang"] == "en"
    screenshot(page, "37-dashboard-english", full_page=False)

    # The choice holds on the next page.
    page.locator("nav.menu a[href='/rules']").click()
    expect(page.locator("h1")).to_have_text("Rulebook")

    page.locator("nav.lang").get_by_role("link", name="中文").click()
    expect(page).to_have_url(f"{site.url}/rules")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("规章制度")
    expect(page.locator("nav.menu a[href='/findings']")).to_have_text("待处理线索")
    assert {c["name"]: c["value"] for c in page.context.cookies()}["lang"] == "zh"
