"""The demo office's cases, one in every state, read cleanly on the case page at 1366×900 in
Chinese and English: the bar at the right stage, no raw code or stray English."""

import pytest
from sqlmodel import Session, select

from compliance.cases.models import Case
from compliance.demo.load import DEMO_PASSWORD
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import screenshot, sign_in
from tests.browser.readable import assert_readable

pytestmark = pytest.mark.browser


def test_every_state_of_the_demo_office_reads_cleanly(demo_site: Site, pages: Pages) -> None:
    with Session(demo_site.engine) as session:
        cases = list(session.exec(select(Case).order_by(Case.id)))
    one_per_state = {c.status: c.id for c in cases}
    hr = pages.browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pages.contexts.append(hr)
    page = hr.new_page()
    sign_in(page, demo_site.url, "bsw-hr", DEMO_PASSWORD)
    for lang in ("zh", "en"):
        page.goto(f"{demo_site.url}/lang/{lang}?next=/cases")
        assert_readable(page, lang)
        for status, case_id in sorted(one_per_state.items()):
            page.goto(f"{demo_site.url}/cases/{case_id}")
            assert page.locator("#progress [aria-current=step]").count() == 1, status
            assert_readable(page, lang)
            if lang == "zh":
                screenshot(page, f"cases-demo-{status}")
