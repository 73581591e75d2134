"""The service standards dashboard and its breaches in Chromium: readable (no sideways
scroll, no raw code, no stray English) on a phone and a desktop, in Chinese and English."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.browser.conftest import Pages, Site
from tests.browser.helpers import screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.service_rows import bill, clock, order, pay, ratings, sh

pytestmark = pytest.mark.browser


def _seed(site: Site) -> None:
    assert site.office is not None
    office = site.office
    with Session(site.engine, expire_on_commit=False) as s:
        li, wang, zhang = (x.id for x in office.staff)
        oid = order(s, office, "BSW-FW-0042")
        clock(s, office, "S06", "breached", sh(2026, 3, 10, 9), li, order_id=oid)
        clock(s, office, "S06", "excused", sh(2026, 3, 11, 9), wang, excuse="no_access")
        clock(s, office, "S03", "breached", sh(2026, 3, 12, 9), zhang)
        for day in range(1, 20):
            clock(s, office, "S06", "met", sh(2026, 3, day, 10), li)
            clock(s, office, "S01", "met", sh(2026, 3, day, 11), wang)
        clock(s, office, "S09", "running", sh(2026, 3, 30, 9), zhang)
        clock(s, office, "S01", "breached", sh(2026, 3, 12, 9), None, subject="call:9")
        ratings(s, office, [5] * 40 + [4] * 31 + [3, 2, 1])
        a, b = (u.id or 0 for u in office.units[:2])
        bill(s, office, a, 60_000)
        bill(s, office, b, 40_000)
        pay(s, office, a, 60_000, sh(2026, 1, 20, 10))
        pay(s, office, b, 39_000, sh(2026, 3, 20, 10))
        s.commit()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_dashboard_reads_well_in_both_languages(site: Site, pages: Pages, phone: bool) -> None:
    _seed(site)
    assert site.office is not None
    page = pages.open(phone=phone)
    sign_in(page, site.url, site.office.users["manager"].username)
    size = "phone" if phone else "desktop"
    for lang in ("zh", "en"):
        page.goto(f"{site.url}/lang/{lang}?next=/")
        page.goto(f"{site.url}/service/dashboard?month=2026-03")
        expect(page.locator("#std-S06")).to_have_class("missed")
        assert_readable(page, lang)
        # Nothing in the per-team and per-person tables runs past the right edge (a table
        # wrapper that scrolls would hide it from assert_readable).
        width = page.evaluate("document.documentElement.clientWidth")
        right = page.evaluate(
            "Math.max(...[...document.querySelectorAll('table.groups td')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= width, (right, width)
        screenshot(page, f"service-dashboard-{size}-{lang}")
        page.locator("#std-S06 a.breached").click()
        expect(page.locator("li.breach")).to_have_count(2)
        assert_readable(page, lang)
        screenshot(page, f"service-breaches-{size}-{lang}")
        href = page.locator("li.breach a[href^='/service/orders/']").first.get_attribute("href")
        assert href and href.startswith("/service/orders/")
