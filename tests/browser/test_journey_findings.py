"""The manager triages the demo office's 100+ findings on a phone and at a desk.

Filter by rule and staff member, page on with the filter kept, tick two findings and dismiss
them with one reason (an empty reason keeps the ticks), confirm one after reading what it
will do, and follow the link to its case; in Chinese on the phone and English at the desk,
each page readable in both languages and saved to var/screenshots/findings-*.png.
"""

import io
import re
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlmodel import Session, col

from api.main import create_app
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.actors import Actor
from compliance.cases.models import Case, CaseFinding
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.demo.load import DEMO_PASSWORD, load_demo
from compliance.files.service import store_image
from compliance.findings.models import Finding
from compliance.flows.spot_checks import record_spot_check
from compliance.staff.models import Staff
from tests.browser.conftest import CHEAP, DEMO_NOW, DEMO_TODAY, Pages, Site, _database, _serve
from tests.browser.helpers import all_of, one, screenshot, sign_in
from tests.browser.readable import assert_readable

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def queue_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A demo office of its own (this journey dismisses and confirms), with one measured,
    photographed spot-check failure: the gap between rings, 2 s."""
    engine, settings = _database(tmp_path_factory.mktemp("findings-demo"))
    load_demo(engine, today=DEMO_TODAY, settings=settings)
    clock = FixedClock(DEMO_NOW)
    with Session(engine, expire_on_commit=False) as session:
        session.execute(update(User).values(password_hash=hash_password(CHEAP, DEMO_PASSWORD)))
        user = session.execute(select(User).where(col(User.username) == "bsw-manager")).scalar_one()
        ctx = Ctx(session=session, actor=Actor.for_user(user), clock=clock, settings=settings)
        staff = session.execute(select(Staff).order_by(col(Staff.id))).scalars().first()
        assert staff is not None
        buf = io.BytesIO()
        Image.new("RGB", (60, 40), (200, 80, 40)).save(buf, format="JPEG")
        photo = store_image(ctx, buf.getvalue(), "door.jpg").id
        record_spot_check(
            ctx,
            {
                "staff_id": staff.id,
                "area": "3栋2单元",
                "checked_at": "2026-03-31T02:00:00+00:00",
                "items": [{"item_key": "ring_interval", "result": "fail", "observed": 2}],
                "photos": [{"file_id": photo, "item_key": "ring_interval"}],
            },
        )
        session.commit()
    app = create_app(settings, engine, auth_settings=CHEAP, clock=clock)
    try:
        with _serve(app) as url:
            yield Site(url, engine, clock, settings)
    finally:
        engine.dispose()


def _open(pages: Pages, site: Site, *, phone: bool, lang: str) -> Page:
    page = pages.open(phone=phone)
    if not phone:
        page.set_viewport_size(DESK)
    sign_in(page, site.url, "bsw-manager", DEMO_PASSWORD)
    page.goto(f"{site.url}/lang/{lang}?next=/findings")
    return page


def _check(page: Page, lang: str, shot: str | None = None, size: str = "") -> None:
    assert_readable(page, lang)
    if shot:
        screenshot(page, f"findings-{shot}-{size}")


def _other_language(page: Page, site: Site, lang: str) -> None:
    """The same page read in the other language, then back."""
    other = "en" if lang == "zh" else "zh"
    here = page.url.removeprefix(site.url)
    page.goto(f"{site.url}/lang/{other}?next={here.replace('&', '%26').replace('?', '%3F')}")
    assert_readable(page, other)
    page.goto(f"{site.url}/lang/{lang}?next={here.replace('&', '%26').replace('?', '%3F')}")


def _ids(page: Page) -> list[int]:
    found = page.locator("article.finding").evaluate_all("els => els.map(e => e.id)")
    return [int(x.removeprefix("finding-")) for x in found]


WORDS = {
    "zh": {
        "filter": "筛选",
        "next": "下一页",
        "dismiss": "驳回已勾选",
        "reason_error": "驳回线索必须填写理由",
        "dismissed": "已驳回 2 条线索",
        "confirm": "确认…",
        "confirm_button": "确认线索",
        "tick": "请勾选确认框",
        "opened": "已立案",
        "joined": "已并入案件",
    },
    "en": {
        "filter": "Filter",
        "next": "Next",
        "dismiss": "Dismiss ticked",
        "reason_error": "a reason is required to dismiss a finding",
        "dismissed": "2 findings dismissed",
        "confirm": "Confirm…",
        "confirm_button": "Confirm finding",
        "tick": "tick the box to confirm",
        "opened": "it opened case",
        "joined": "it was added to case",
    },
}


def _journey(pages: Pages, site: Site, *, phone: bool, lang: str, rule: str) -> None:
    size = "phone" if phone else "desktop"
    w = WORDS[lang]
    page = _open(pages, site, phone=phone, lang=lang)
    url = site.url
    expect(page.locator("#queue-count")).to_contain_text("25")
    _check(page, lang, "queue", size)
    _other_language(page, site, lang)

    # Filter by rule, then by one staff member too: chips name both, in words.
    page.locator("#f-rule").select_option(rule)
    page.get_by_role("button", name=w["filter"]).click()
    expect(page.locator("#chip-rule")).to_contain_text(rule)
    rule_ids = _ids(page)
    assert rule_ids and all(
        r == rule for r in page.locator("article.finding .rule").all_inner_texts()
    )
    # The measured, photographed failure shows its value against the limit and its photo.
    card = page.locator("article.finding", has=page.locator(".thumbs")).first
    expect(card.locator(".measure-vs")).to_have_text(re.compile(r" 2 (秒|s)\W+\w* ?≥ 5 (秒|s)"))
    thumb = card.locator(".thumbs img").first
    expect(thumb).to_be_visible()
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    staff_value = page.locator("#f-staff option").nth(1).get_attribute("value")
    assert staff_value
    page.locator("#f-staff").select_option(staff_value)
    page.get_by_role("button", name=w["filter"]).click()
    expect(page.locator("#chip-staff")).to_be_visible()
    expect(page.locator("section.staff-group")).to_have_count(1)
    _check(page, lang, "filtered", size)

    # Off with both chips; only the detectors' findings, and page on: the filter stays.
    page.locator("#chip-staff").click()
    page.locator("#chip-rule").click()
    expect(page.locator(".active-filters")).to_have_count(0)
    page.locator("#f-source").select_option("detector")
    page.get_by_role("button", name=w["filter"]).click()
    first_page = _ids(page)
    page.get_by_role("link", name=w["next"]).click()
    expect(page).to_have_url(re.compile(r"source=detector.*page=2"))
    expect(page.locator("#chip-source")).to_be_visible()
    second_page = _ids(page)
    assert second_page and not set(first_page) & set(second_page)
    _check(page, lang, "page2", size)

    # Tick two, send a blank reason: refused, the two stay ticked; then with a reason.
    two = second_page[:2]
    for fid in two:
        page.locator(f"#finding-{fid} input[name=ids]").check()
    page.locator("#bulk-box > summary").click()
    page.locator("#bulk-reason").fill("   ")
    page.get_by_role("button", name=w["dismiss"]).click()
    expect(page.locator("#bulk")).to_contain_text(w["reason_error"])
    for fid in two:
        expect(page.locator(f"#finding-{fid} input[name=ids]")).to_be_checked()
    _check(page, lang, "bulk-error", size)
    page.locator("#bulk-reason").fill("住户来电撤回投诉" if lang == "zh" else "Resident withdrew")
    page.get_by_role("button", name=w["dismiss"]).click()
    expect(page.locator("#done")).to_contain_text(w["dismissed"])
    expect(page.locator("#chip-source")).to_be_visible()  # still filtered
    for fid in two:
        expect(page.locator(f"#finding-{fid}")).to_have_count(0)
    rows = all_of(site.engine, select(Finding).where(col(Finding.id).in_(two)))
    assert {r.status for r in rows} == {"dismissed"}
    _check(page, lang, "dismissed", size)

    # Confirm one: the page says what will happen; without the tick nothing does.
    target = _ids(page)[0]
    page.locator(f"#finding-{target}").get_by_role("link", name=w["confirm"]).click()
    expect(page.locator("#what-happens")).to_be_visible()
    _check(page, lang, "confirm", size)
    _other_language(page, site, lang)
    page.get_by_role("button", name=w["confirm_button"]).click()
    expect(page.locator("#sure-error")).to_contain_text(w["tick"])
    assert one(site.engine, select(col(Finding.status)).where(col(Finding.id) == target)) == "open"
    page.locator("#sure").check()
    page.get_by_role("button", name=w["confirm_button"]).click()
    done = page.locator("#done")
    expect(done).to_contain_text(re.compile(f"{w['opened']}|{w['joined']}"))
    case_id = one(
        site.engine, select(col(CaseFinding.case_id)).where(col(CaseFinding.finding_id) == target)
    )
    number = one(site.engine, select(col(Case.number)).where(col(Case.id) == case_id))
    expect(done).to_contain_text(number)
    expect(page.locator("#chip-source")).to_be_visible()  # back to the queue as filtered
    _check(page, lang, "confirmed", size)
    done.get_by_role("link", name=number).click()
    expect(page).to_have_url(f"{url}/cases/{case_id}")
    expect(page.locator("h1")).to_contain_text(number)
    _check(page, lang, "case", size)


def test_manager_triages_on_a_phone_in_chinese(queue_site: Site, pages: Pages) -> None:
    _journey(pages, queue_site, phone=True, lang="zh", rule="R03")


def test_manager_triages_at_a_desk_in_english(queue_site: Site, pages: Pages) -> None:
    _journey(pages, queue_site, phone=False, lang="en", rule="R03")
