"""The main pages over the demo office, each rendered and saved to var/screenshots/.

A person looks at the pictures; the test checks what a picture cannot be trusted to show:
each page answers with its heading, no script or asset fails, and phone pages do not
scroll sideways.
"""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import col

from compliance.cases.models import Case
from compliance.demo.load import DEMO_PASSWORD
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import fits_the_screen, one, screenshot, sign_in

pytestmark = pytest.mark.browser


def _shoot(page: Page, url: str, name: str, heading: str, *, full_page: bool = True) -> None:
    page.goto(url)
    expect(page.locator("h1")).to_contain_text(heading)
    screenshot(page, name, full_page=full_page)


def _as(pages: Pages, site: Site, username: str, *, phone: bool = False) -> Page:
    page = pages.open(phone=phone)
    sign_in(page, site.url, username, DEMO_PASSWORD)
    return page


def test_main_pages_render_for_their_users_and_are_saved(demo_site: Site, pages: Pages) -> None:
    site, url = demo_site, demo_site.url
    executed = one(
        site.engine,
        select(col(Case.id)).where(col(Case.rule_code) == "R11", col(Case.status) == "executed"),
    )

    visitor = pages.open()
    _shoot(visitor, f"{url}/login", "01-login", "登录")
    phone_visitor = pages.open(phone=True)
    _shoot(phone_visitor, f"{url}/login", "01-login-phone", "登录")
    assert fits_the_screen(phone_visitor)

    manager = _as(pages, site, "bsw-manager")
    _shoot(manager, f"{url}/", "02-manager-home", "您好")
    _shoot(manager, f"{url}/findings", "04-findings-queue", "待处理线索", full_page=False)
    expect(manager.locator("article.finding").first).to_be_visible()

    phone_manager = _as(pages, site, "bsw-manager", phone=True)
    _shoot(phone_manager, f"{url}/", "02-manager-home-phone", "您好")
    assert fits_the_screen(phone_manager), "the menu scrolls sideways on a phone"
    _shoot(phone_manager, f"{url}/spot-checks/new", "03-spot-check-form-phone", "突击抽查")
    assert fits_the_screen(phone_manager), "the spot-check form scrolls sideways on a phone"

    hr = _as(pages, site, "bsw-hr")
    _shoot(hr, f"{url}/cases", "05-hr-review-queue", "人事审核队列", full_page=False)
    _shoot(hr, f"{url}/cases/{executed}", "06-hr-case-page", "BSW-")
    expect(hr.locator("#schedule table")).to_be_visible()
    phone_hr = _as(pages, site, "bsw-hr", phone=True)
    _shoot(phone_hr, f"{url}/cases/{executed}", "06-hr-case-page-phone", "BSW-")
    assert fits_the_screen(phone_hr), "the case page scrolls sideways on a phone"
    _shoot(hr, f"{url}/payroll?month=2026-04", "11-payroll", "工资扣款")
    _shoot(phone_hr, f"{url}/payroll?month=2026-04", "11-payroll-phone", "工资扣款")
    assert fits_the_screen(phone_hr), "the payroll sheet scrolls sideways on a phone"

    staff = _as(pages, site, "bsw-staff1", phone=True)
    _shoot(staff, f"{url}/me", "07-staff-me-phone", "我的线索和案件")
    assert fits_the_screen(staff), "the staff member's page scrolls sideways on a phone"

    director = _as(pages, site, "bsw-director")
    _shoot(director, f"{url}/dashboard", "08-dashboard", "统计概览")
    _shoot(director, f"{url}/rules", "09-rulebook", "规章制度")

    admin = _as(pages, site, "bsw-admin")
    _shoot(admin, f"{url}/admin", "10-admin", "系统管理")
