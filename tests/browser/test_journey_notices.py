"""HR's notices on the demo office, as a person does them: open an approved case's notices,
edit the decision notice (a blank one is refused and the typing kept), print it (the hash of
the downloaded PDF is the one the page shows), reset to the draft, print the case dossier;
at 1366×900 in Chinese and English and once on a phone (390×844). Every page is checked
with `assert_readable`; the PDFs too (pdftotext), and they are rendered to PNGs to look at.
"""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import col

from compliance.cases.models import Case
from compliance.demo.load import DEMO_PASSWORD
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import SCREENSHOTS, one, screenshot, sign_in
from tests.browser.readable import assert_readable, problems

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}
# The dossier prints its verification address for the reader to type or scan: data, not words.
URL = re.compile(r"https?://\S+")


def _as_hr(pages: Pages, site: Site, lang: str, *, phone: bool = False) -> Page:
    page = pages.open(phone=phone)
    if not phone:
        page.set_viewport_size(DESKTOP)
    sign_in(page, site.url, "bsw-hr", DEMO_PASSWORD)
    if lang == "en":
        page.goto(f"{site.url}/lang/en?next=/")
    return page


def _download(page: Page, button: str, folder: Path) -> tuple[bytes, str]:
    with page.expect_download() as info:
        page.locator(button).click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path.read_bytes(), download.suggested_filename


def _pdf_checked(data: bytes, name: str) -> str:
    """The PDF's text (no stored code, no English word: it is printed in Chinese), and its
    pages as PNGs under var/screenshots/ to look at."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert problems(URL.sub("", text), "zh") == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-", str(SCREENSHOTS / name)], input=data, check=True
    )
    return text


def test_hr_drafts_edits_and_prints_the_notices(demo_site: Site, pages: Pages, tmp_path) -> None:
    site, url = demo_site, demo_site.url
    case_id = one(site.engine, select(col(Case.id)).where(col(Case.status) == "approved"))
    number = one(site.engine, select(col(Case.number)).where(col(Case.id) == case_id))

    for lang in ("zh", "en"):
        page = _as_hr(pages, site, lang)
        page.goto(f"{url}/cases/{case_id}")
        assert_readable(page, lang)
        if page.locator("#case-notices").count():  # the case page links its notices
            page.locator("#case-notice-decision").click()
        else:
            page.goto(f"{url}/cases/{case_id}/notices/decision")
        expect(page.locator("h1")).to_contain_text(number)
        text = page.locator("#notice-textarea")
        assert "管理处规章制度第 12 条" in text.input_value()
        assert "扣发工资 ¥" in text.input_value() and "申诉" in text.input_value()
        assert_readable(page, lang)
        screenshot(page, f"notices-edit-{lang}-1366")

        if lang == "zh":  # a blank notice is refused, in the reader's words, typing kept
            text.fill("   ")
            page.locator("#notice-form button[type=submit]").click()
            expect(page.locator("#notice-form")).to_contain_text("通知正文不能为空")
            assert_readable(page, lang)
            page.goto(f"{url}/cases/{case_id}/notices/decision")

        mark = "经调查核实(复核一)" if lang == "zh" else "经调查核实(复核二)"
        edited = text.input_value().replace("经调查核实:", f"{mark}:")
        text.fill(edited)
        page.locator("#notice-form button[type=submit]").click()
        expect(page.locator("[role=status]")).to_be_visible()
        assert page.locator("#notice-textarea").input_value().strip() == edited.strip()
        assert_readable(page, lang)
        screenshot(page, f"notices-saved-{lang}-1366")

        data, filename = _download(page, "#print-notice button[type=submit]", tmp_path)
        assert data.startswith(b"%PDF") and filename.startswith(number)
        digest = hashlib.sha256(data).hexdigest()
        printed = _pdf_checked(data, f"notices-pdf-{lang}")
        assert mark in printed
        page.reload()
        expect(page.locator("#versions")).to_contain_text(digest)
        assert_readable(page, lang)
        screenshot(page, f"notices-printed-{lang}-1366")

        page.locator("#reset-notice summary").click()
        page.locator("#reset-notice button[type=submit]").click()
        expect(page.locator("[role=status]")).to_be_visible()
        assert mark not in page.locator("#notice-textarea").input_value()
        assert_readable(page, lang)

        page.goto(f"{url}/cases/{case_id}/notices")
        expect(page.locator("#notice-decision")).to_contain_text(digest)
        expect(page.locator("#notice-deduction")).to_be_visible()
        assert page.locator("#notice-union").count() == 0
        assert_readable(page, lang)
        screenshot(page, f"notices-list-{lang}-1366")

        page.goto(f"{url}/cases/{case_id}")
        page.locator("#print-dossier select[name=lang]").select_option(lang)
        data, filename = _download(page, "#print-dossier button[type=submit]", tmp_path)
        assert filename.startswith(number) and data.startswith(b"%PDF")
        if lang == "zh":
            dossier = _pdf_checked(data, "notices-dossier-zh")
            assert digest in re.sub(r"\s+", "", dossier)  # the notice printed, with its hash

    phone = _as_hr(pages, site, "zh", phone=True)
    for path, name in (("notices", "list"), ("notices/decision", "edit")):
        phone.goto(f"{url}/cases/{case_id}/{path}")
        expect(phone.locator("h1")).to_contain_text(number)
        assert_readable(phone, "zh")
        screenshot(phone, f"notices-{name}-zh-390")
    assert not pages.problems, pages.problems
