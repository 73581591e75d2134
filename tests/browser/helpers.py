"""What a person does in the browser (sign in, take a case step) and what the database says."""

import re
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from compliance.cases.models import Case
from compliance.config import PROJECT_ROOT

PASSWORD = "correct horse battery"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"


def sign_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form; the menu then names the user."""
    page.goto(f"{url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action='/login'] button[type=submit]").click()
    expect(page.locator("nav.menu")).to_contain_text(username)


def menu_link(page: Page, href: str) -> Locator:
    """The header menu's link to `href`, ready to tap: on a phone the menu is folded behind
    "菜单" (base.html), so this unfolds it first."""
    button = page.locator("header.top label.menu-button")
    if button.is_visible() and not page.locator("#menu-open").is_checked():
        button.click()
    link = page.locator(f"nav.menu a[href='{href}']")
    expect(link).to_be_visible()
    return link


def take_step(page: Page, action: str, **fields: str) -> None:
    """Fill in and submit one step form of the case page (`#step-<action>`): unfold the other
    steps if it is among them, and tick the confirmation a step that cannot be undone asks
    for (pass confirm="" to leave it unticked)."""
    form = page.locator(f"#step-{action}")
    if not form.is_visible():
        page.locator("#more-actions > summary").click()
    confirm = fields.pop("confirm", "1")
    box = form.locator("input[name=confirm]")
    if confirm and box.count():
        box.check()
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    # The form posts and the next page loads before the test reads it.
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def step_forms(page: Page) -> list[str]:
    """The case steps the page offers the signed-in user, in page order."""
    ids = page.locator("#case-actions form.step[id^=step-]").evaluate_all(
        "forms => forms.map(f => f.id)"
    )
    return [i.removeprefix("step-") for i in ids]


def fits_the_screen(page: Page) -> bool:
    """Nothing makes the page scroll sideways (wide tables scroll in their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def case_row(engine: Engine, case_id: int) -> Case:
    """The case as stored now, read through a session of the test's own."""
    with Session(engine, expire_on_commit=False) as session:
        found: Case = session.execute(select(Case).where(col(Case.id) == case_id)).scalar_one()
        return found


def one(engine: Engine, stmt: Any) -> Any:
    """The single row a query finds."""
    with Session(engine, expire_on_commit=False) as session:
        return session.execute(stmt).scalar_one()


def all_of(engine: Engine, stmt: Any) -> list[Any]:
    """Every row a query finds."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.execute(stmt).scalars().all())


def photo(folder: Path, name: str = "doorbell.jpg") -> Path:
    """A small real JPEG, as a phone camera would send (with a colour gradient)."""
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, 128) for y in range(48) for x in range(64)])
    path = folder / name
    image.save(path, "JPEG", quality=85)
    return path


def case_id_from(page: Page) -> int:
    """The case id in the address of a case page."""
    m = re.search(r"/cases/(\d+)", page.url)
    assert m, page.url
    return int(m.group(1))


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page under var/screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
