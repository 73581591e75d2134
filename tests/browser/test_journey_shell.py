"""Each role starts from its work (issue 14, items 1, 2 and 13), in the demo office.

The manager and a staff member on a phone (390×844), HR and the director at a desk
(1366×900), each also at the other size: they sign in, read their to-do lines with the
counts the database holds, follow a line, and (on a phone) move by the bottom tab bar; in
Chinese and in English, every page checked for raw codes, stray English and sideways scroll.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlmodel import col

from compliance.accounts.models import User
from compliance.cases.models import Case
from compliance.demo.load import DEMO_PASSWORD
from compliance.findings.models import Finding
from compliance.staff.models import Staff
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import SCREENSHOTS, menu_link, one, screenshot, sign_in
from tests.browser.readable import assert_readable

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 900}


def _open(pages: Pages, site: Site, username: str, *, phone: bool) -> Page:
    page = pages.open(phone=phone)
    if not phone:
        page.set_viewport_size(DESK)
    sign_in(page, site.url, username, DEMO_PASSWORD)
    return page


def _check(page: Page, name: str, lang: str = "zh", allow: tuple[str, ...] = ()) -> None:
    assert_readable(page, lang, allow=allow)
    screenshot(page, f"shell-{name}")


def _count(page: Page, key: str) -> int:
    return int(page.locator(f"#todo-{key} a").get_attribute("data-count") or "-1")


def _english(page: Page, url: str, path: str) -> None:
    page.goto(f"{url}/lang/en?next={path}")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _tabs(page: Page) -> list[Any]:
    return page.locator("nav.tabs a").all_inner_texts()


def test_the_manager_on_a_phone_starts_from_the_findings_and_moves_by_tabs(
    demo_site: Site, pages: Pages
) -> None:
    site, url = demo_site, demo_site.url
    office_id = one(site.engine, select(col(User.office_id)).where(User.username == "bsw-manager"))
    open_findings = one(
        site.engine,
        select(func.count()).where(
            col(Finding.office_id) == office_id, col(Finding.status) == "open"
        ),
    )
    # Greeted by the linked staff member's name (the demo links its manager to one).
    name = one(
        site.engine,
        select(func.coalesce(col(Staff.name), col(User.display_name)))
        .select_from(User)
        .outerjoin(Staff, col(Staff.id) == col(User.staff_id))
        .where(User.username == "bsw-manager"),
    )
    page = _open(pages, site, "bsw-manager", phone=True)
    expect(page.locator("h1")).to_have_text(f"您好，{name}")
    assert _count(page, "findings") == open_findings > 0
    expect(page.locator("#todo-findings .count")).to_have_text(str(open_findings))
    assert _count(page, "spot_checks") >= 0
    assert _tabs(page) == ["首页", "抽查", "线索", "我的"]
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("首页")
    expect(page.locator("nav.menu")).to_be_hidden()  # folded behind "菜单"
    expect(page.locator("a[href='/me/tokens']")).to_have_count(0)  # not on home
    _check(page, "manager-home-phone", allow=("bsw-manager",))
    # Nothing hides under the fixed tab bar: the page's end scrolls clear of it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator("main ul.tiles li").last.bounding_box()
    bar = page.locator("nav.tabs").bounding_box()
    assert last and bar and last["y"] + last["height"] <= bar["y"] + 1

    # The to-do line leads to the queue; the tab bar marks where the manager is.
    page.locator("#todo-findings a").tap()
    expect(page).to_have_url(f"{url}/findings")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("线索")
    screenshot(page, "shell-manager-findings-phone", full_page=False)

    page.locator("nav.tabs a", has_text="抽查").tap()
    expect(page).to_have_url(f"{url}/spot-checks/new")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("抽查")

    page.locator("nav.tabs a", has_text="我的").tap()
    expect(page).to_have_url(f"{url}/account")
    expect(page.locator("h1")).to_have_text("我的账户")
    _check(page, "manager-account-phone", allow=("bsw-manager",))
    page.locator("main a[href='/me/tokens']").tap()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("我的")
    _check(page, "manager-tokens-phone")
    page.goto(f"{url}/me/password")
    _check(page, "manager-password-phone")

    # The header menu unfolds for the rest.
    rules = menu_link(page, "/rules")
    screenshot(page, "shell-manager-menu-open-phone", full_page=False)
    rules.tap()
    expect(page.locator("h1")).to_have_text("规章制度")
    _check(page, "manager-rules-phone")
    expect(page.locator("#R02 table")).to_contain_text("回处签到宽限时间")
    page.locator("#R02").screenshot(path=str(SCREENSHOTS / "shell-manager-rules-R02-phone.png"))
    menu_link(page, "/dashboard").tap()
    expect(page.locator("svg.chart").first).to_be_visible()
    _check(page, "manager-dashboard-phone")

    _english(page, url, "/")
    assert _tabs(page) == ["Home", "Spot check", "Findings", "My account"]
    expect(page.locator("#todo-findings")).to_contain_text("Findings to triage")
    _check(page, "manager-home-phone-en", "en")
    page.goto(f"{url}/dashboard")
    _check(page, "manager-dashboard-phone-en", "en")

    # At a desk the header menu stays and there is no tab bar.
    desk = _open(pages, site, "bsw-manager", phone=False)
    expect(desk.locator("nav.menu")).to_be_visible()
    expect(desk.locator("nav.tabs")).to_be_hidden()
    _check(desk, "manager-home-desk", allow=("bsw-manager",))
    assert not pages.problems, pages.problems


def test_a_staff_member_on_a_phone_sees_their_deadline_and_notices(
    demo_site: Site, pages: Pages
) -> None:
    site, url = demo_site, demo_site.url
    page = _open(pages, site, "bsw-staff1", phone=True)
    staff_id = one(site.engine, select(col(User.staff_id)).where(User.username == "bsw-staff1"))
    awaiting = one(
        site.engine,
        select(func.count()).where(
            col(Case.staff_id) == staff_id, col(Case.status) == "awaiting_statement"
        ),
    )
    assert _tabs(page) == ["首页", "工单", "我的记录", "我的"]
    assert _count(page, "statement") == awaiting
    assert _count(page, "notices_to_sign") >= 0
    expect(page.locator("#todo-spot_checks")).to_have_count(0)
    expect(page.locator("main a[href='/cases']")).to_have_count(0)  # not the office's queue
    _check(page, "staff-home-phone", allow=("bsw-staff1",))

    page.locator("#todo-statement a").tap()
    expect(page).to_have_url(re.compile(r"/me$" if awaiting != 1 else r"/me/cases/\d+$"))
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("我的记录")
    screenshot(page, "shell-staff-records-phone", full_page=False)
    page.locator("nav.tabs a", has_text="我的").last.tap()
    expect(page).to_have_url(f"{url}/account")
    _check(page, "staff-account-phone", allow=("bsw-staff1",))

    _english(page, url, "/")
    assert _tabs(page) == ["Home", "My jobs", "My records", "My account"]
    _check(page, "staff-home-phone-en", "en")

    desk = _open(pages, site, "bsw-staff1", phone=False)
    _check(desk, "staff-home-desk", allow=("bsw-staff1",))
    assert not pages.problems, pages.problems


def _state_count(site: Site, office_id: int, status: str) -> int:
    return int(
        one(
            site.engine,
            select(func.count()).where(
                col(Case.office_id) == office_id, col(Case.status) == status
            ),
        )
    )


def test_hr_at_a_desk_works_down_the_case_steps(demo_site: Site, pages: Pages) -> None:
    site, url = demo_site, demo_site.url
    office_id = one(site.engine, select(col(User.office_id)).where(User.username == "bsw-hr"))
    page = _open(pages, site, "bsw-hr", phone=False)
    keys = page.locator(".todo-list li").evaluate_all("els => els.map(e => e.id)")
    assert keys == [
        "todo-findings",
        "todo-statements_to_request",
        "todo-statements_overdue",
        "todo-proposals",
        "todo-amend",
        "todo-approvals",
        "todo-appeals",
        "todo-notices_to_serve",
        "todo-executions",
    ]
    for key, status in (
        ("statements_to_request", "open"),
        ("proposals", "under_review"),
        ("notices_to_serve", "approved"),
        ("executions", "final"),
        ("appeals", "appealed"),
    ):
        assert _count(page, key) == _state_count(site, office_id, status), key
    expect(page.locator("nav.tabs")).to_be_hidden()
    _check(page, "hr-home-desk", allow=("bsw-hr",))

    proposals = _count(page, "proposals")
    page.locator("#todo-proposals a").click()
    if proposals == 1:
        expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    else:
        expect(page).to_have_url(f"{url}/cases?status=under_review")
    screenshot(page, "shell-hr-proposals-desk", full_page=False)

    page.goto(f"{url}/dashboard")
    _check(page, "hr-dashboard-desk")
    page.goto(f"{url}/rules")
    _check(page, "hr-rules-desk")
    _english(page, url, "/")
    _check(page, "hr-home-desk-en", "en")
    page.goto(f"{url}/rules")
    _check(page, "hr-rules-desk-en", "en")

    phone = _open(pages, site, "bsw-hr", phone=True)
    assert _tabs(phone) == ["首页", "线索", "我的"]
    _check(phone, "hr-home-phone", allow=("bsw-hr",))
    assert not pages.problems, pages.problems


def test_the_director_at_a_desk_has_approvals_and_appeals(demo_site: Site, pages: Pages) -> None:
    site, url = demo_site, demo_site.url
    office_id = one(site.engine, select(col(User.office_id)).where(User.username == "bsw-director"))
    page = _open(pages, site, "bsw-director", phone=False)
    expect(page.locator("#todo-approvals")).to_be_visible()
    assert _count(page, "appeals") == _state_count(site, office_id, "appealed")
    assert _count(page, "approvals") <= _state_count(site, office_id, "decision_proposed")
    _check(page, "director-home-desk", allow=("bsw-director",))
    page.locator("#todo-appeals a").click()
    expect(page).to_have_url(re.compile(r"/cases(/\d+|\?status=appealed)$"))
    screenshot(page, "shell-director-appeals-desk", full_page=False)
    page.goto(f"{url}/dashboard")
    _check(page, "director-dashboard-desk")
    _english(page, url, "/")
    _check(page, "director-home-desk-en", "en")

    phone = _open(pages, site, "bsw-director", phone=True)
    _check(phone, "director-home-phone", allow=("bsw-director",))
    assert not pages.problems, pages.problems


def test_the_shared_pages_read_in_both_languages(demo_site: Site, pages: Pages) -> None:
    site, url = demo_site, demo_site.url
    for phone in (True, False):
        size = "phone" if phone else "desk"
        visitor = pages.open(phone=phone)
        visitor.goto(f"{url}/login")
        _check(visitor, f"login-{size}")
        _english(visitor, url, "/login")
        _check(visitor, f"login-{size}-en", "en")

        admin = _open(pages, site, "bsw-admin", phone=phone)
        for path in ("/admin", "/admin/calendar", "/account", "/me/tokens"):
            admin.goto(f"{url}{path}")
            _check(admin, f"admin{path.replace('/', '-')}-{size}", allow=("bsw-admin",))
        _english(admin, url, "/admin")
        _check(admin, f"admin-{size}-en", "en")

        cashier = _open(pages, site, "bsw-cashier", phone=phone)
        cashier.goto(f"{url}/tips")
        _check(cashier, f"tips-{size}", allow=("bsw-cashier",))
        receipts = cashier.locator("main a[href$='/receipt']")
        if receipts.count():
            receipts.first.click()
            expect(cashier.locator("h1")).to_be_visible()
            _check(cashier, f"tip-receipt-{size}", allow=("bsw-cashier",))
            cashier.goto(f"{url}/tips")
        _english(cashier, url, "/tips")
        _check(cashier, f"tips-{size}-en", "en")
    assert not pages.problems, pages.problems
