"""The QR code of a printed dossier opens its page: the office's record of that number and
whether the audit trail verifies, on a phone (390×844) and a desktop, with no sign-in."""

import pytest
from sqlmodel import Session

from compliance.dossiers.service import print_dossier
from tests.browser.helpers import fits_the_screen, screenshot
from tests.compliance.cases.helpers import drive

pytestmark = pytest.mark.browser


def test_the_qr_page_of_a_printed_dossier(site, pages):
    with Session(site.engine, expire_on_commit=False) as session:
        case_id = drive(site.ctx(session, "manager"), site.office, "approved")
        session.commit()
        _data, rec = print_dossier(site.ctx(session, "hr"), case_id)
    for phone, size in ((True, "390x844"), (False, "1366x900")):
        page = pages.open(phone=phone)
        if not phone:
            page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{site.url}/dossiers/verify?number={rec.number}")
        result = page.locator("#paper-result")
        assert "本管理处出具;审计链核验通过" in result.inner_text()
        assert page.locator("#content-digest").inner_text() == rec.content_digest
        assert page.locator("#pdf-sha256").inner_text() == rec.sha256
        assert "核验通过" in result.inner_text()
        assert fits_the_screen(page), size
        screenshot(page, f"dossier-paper-check-{size}")
