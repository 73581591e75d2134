"""Issue 14, item 7: a staff member sees what they are accused of and answers it with files.

On a phone (390×844): the case awaiting their statement shows the evidence (place, time, who
recorded it, the note, the photo, residents masked) and the rule text; the statement goes in
with a wrong file first (refused by name, the text kept), then with a photo; later the appeal
goes in with a PDF document. Chinese and English; one pass on a desktop (1366×900). Every
page is checked with assert_readable and photographed to var/screenshots/staff-*.png.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import statement as case_statement
from compliance.cases.attachments import CaseAttachment
from compliance.cases.models import Appeal, Statement
from compliance.demo.load import DEMO_PASSWORD
from compliance.files.service import store_image
from compliance.flows import open_case as opening
from compliance.flows import propose as case_propose
from compliance.flows.spot_checks import record_spot_check
from policies import registry
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, case_row, one, photo, screenshot, sign_in
from tests.browser.readable import assert_readable

pytestmark = pytest.mark.browser
STATEMENT = "当天工牌送去重新打印,已向主管报备,附上报备单的照片。"
GROUNDS = "处理过重:工牌遗失已及时报备,附情况说明。"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _seed(site: Site) -> tuple[int, int]:
    """A spot check of bsw-staff at unit 1栋 101 by the manager, with a photo and a note
    naming the resident, confirmed into a case; HR asked for the statement."""
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        # People in a Chinese office have Chinese names (the factory's are role words).
        session.execute(
            update(User).where(col(User.username) == "bsw-manager").values(display_name="王伟")
        )
        session.commit()
        manager = site.ctx(session, "manager")
        pic = store_image(manager, photo(site.settings.data_dir.parent).read_bytes(), "门口.jpg")
        check = record_spot_check(
            manager,
            {
                "staff_id": site.office.staff[0].id,
                "unit_id": site.office.units[0].id,
                "checked_at": site.clock.now() - timedelta(days=1),
                "notes": "住户赵小红(13812345678)说员工进门时未佩戴工牌",
                "items": [{"item_key": "badge_worn", "result": "fail", "note": "进门时未戴"}],
                "photos": [{"file_id": pic.id}],
            },
        )
        case = opening.confirm_into_case(manager, check.finding_ids[0], "属实")
        case_statement.request_statement(site.ctx(session, "hr"), case.id)
        return case.id, pic.id or 0


def _decide_and_serve(site: Site, case_id: int) -> None:
    """HR proposes, the director approves, HR hands over the notice."""
    with Session(site.engine, expire_on_commit=False) as session:
        case_propose.propose(site.ctx(session, "hr"), case_id, "standard", "初次违反")
        case_decision.approve(site.ctx(session, "director"), case_id, "")
        case_notice.serve_notice(site.ctx(session, "hr"), case_id, "处理决定通知书")


def _photo_loaded(page: Page, selector: str) -> bool:
    # The photos load lazily: bring the first into view and give it time to arrive.
    photo = page.locator(selector).first
    photo.scroll_into_view_if_needed()
    try:
        photo.evaluate(
            "img => img.complete && img.naturalWidth > 0 ? true : new Promise((ok, no) =>"
            " { img.onload = () => ok(img.naturalWidth > 0); img.onerror = no; })"
        )
    except Exception:
        return False
    return bool(photo.evaluate("img => img.complete && img.naturalWidth > 0"))


def _look(page: Page, lang: str, name: str, allow: tuple[str, ...] = ()) -> None:
    assert_readable(page, lang, allow)
    screenshot(page, f"staff-{name}")


def test_staff_answer_the_evidence_with_files_on_a_phone(
    site: Site, pages: Pages, tmp_path: Path
) -> None:
    case_id, pic = _seed(site)
    number = case_row(site.engine, case_id).number
    rule = registry.get("R02")

    page = pages.open(phone=True)
    sign_in(page, site.url, "bsw-staff")
    page.goto(f"{site.url}/me")
    expect(page.locator(f"#case-{case_id}")).to_contain_text("待申辩")
    _look(page, "zh", "me-phone")

    page.locator(f"#case-{case_id}").tap()
    expect(page.locator("h1")).to_contain_text(number)
    item = page.locator(".evidence-item").first
    expect(item.locator(".place")).to_have_text("1栋 101")
    expect(item.locator(".recorder")).to_have_text("主管 王伟")
    expect(item).to_contain_text("进门时未戴")
    expect(item).to_contain_text("赵**")
    expect(item).to_contain_text("138****5678")
    expect(page.locator("main")).not_to_contain_text("赵小红")
    expect(item.locator(f"img[src='/files/{pic}']")).to_be_visible()
    assert _photo_loaded(page, f"img[src='/files/{pic}']")
    expect(page.locator("#rule blockquote.rule-text")).to_have_text(rule.text_zh)
    _look(page, "zh", "case-phone")

    # A wrong file first: refused by name, the typed text kept.
    note = tmp_path / "说明.txt"
    note.write_text("这不是照片", encoding="utf-8")
    page.locator("#statement-text").fill(STATEMENT)
    page.locator("#statement-files").set_input_files([str(photo(tmp_path)), str(note)])
    page.get_by_role("button", name="提交申辩").tap()
    expect(page.locator("#statement-files-error")).to_contain_text("说明.txt")
    expect(page.locator("#statement-files-error")).to_contain_text("不是照片或 PDF 文件")
    expect(page.locator("#statement-text")).to_have_value(STATEMENT)
    assert all_of(site.engine, select(Statement)) == []
    # The refused file is named as the person named it (说明.txt: its extension is data).
    _look(page, "zh", "statement-refused-phone", allow=("txt",))

    # Then the right one.
    page.locator("#statement-files").set_input_files([str(photo(tmp_path, "报备单.jpg"))])
    page.get_by_role("button", name="提交申辩").tap()
    expect(page.locator(".alert.ok")).to_have_text("你的申辩已记录。")
    shown = page.locator("#statement-attachments img")
    expect(shown).to_have_count(1)
    assert _photo_loaded(page, "#statement-attachments img")
    assert one(site.engine, select(Statement.text)) == STATEMENT
    assert [a.step for a in all_of(site.engine, select(CaseAttachment))] == ["statement"]
    _look(page, "zh", "statement-recorded-phone")

    # Later: the decision is served; they sign and appeal with a document.
    _decide_and_serve(site, case_id)
    page.reload()
    page.get_by_role("button", name="签收通知").tap()
    expect(page.locator("#appeal-grounds")).to_be_visible()
    doc = tmp_path / "情况说明.pdf"
    doc.write_bytes(PDF)
    page.locator("#appeal-grounds").fill(GROUNDS)
    page.locator("#appeal-files").set_input_files([str(doc)])
    _look(page, "zh", "appeal-form-phone")  # (a chosen file's name is not page text)
    page.locator("form[action*='/appeal'] button[type=submit]").tap()
    expect(page.locator(".alert.ok")).to_have_text("你的申诉已提交。")
    expect(page.locator("#appeal-attachments")).to_contain_text("情况说明.pdf")
    assert one(site.engine, select(Appeal.grounds)) == GROUNDS
    steps = sorted(a.step for a in all_of(site.engine, select(CaseAttachment)))
    assert steps == ["appeal", "statement"]
    _look(page, "zh", "appealed-phone", allow=("pdf",))  # 情况说明.pdf, as they named it
    # The document opens for its owner.
    link = page.locator("#appeal-attachments a.doc").get_attribute("href")
    assert page.request.get(f"{site.url}{link}").headers["content-type"] == "application/pdf"

    # English: the same pages, the rule in both languages.
    page.goto(f"{site.url}/lang/en?next=/me")
    _look(page, "en", "me-phone-en")
    page.goto(f"{site.url}/me/cases/{case_id}")
    expect(page.locator("#rule blockquote.rule-text")).to_have_count(2)
    expect(page.locator("#rule")).to_contain_text(rule.text_en)
    expect(page.locator(".evidence-item .recorder").first).to_have_text("Manager 王伟")
    _look(page, "en", "case-phone-en")

    # Another staff member reaches neither the photo nor the attachments.
    other = pages.open(phone=True)
    sign_in(other, site.url, "bsw-staff2")
    for a in all_of(site.engine, select(CaseAttachment)):
        assert other.request.get(f"{site.url}/files/{a.file_id}").status == 404
    assert other.request.get(f"{site.url}/files/{pic}").status == 404


def test_staff_case_page_on_a_desktop(site: Site, pages: Pages, tmp_path: Path) -> None:
    case_id, pic = _seed(site)
    page = pages.open()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, site.url, "bsw-staff")
    page.goto(f"{site.url}/me")
    _look(page, "zh", "me-desktop")
    page.goto(f"{site.url}/me/cases/{case_id}")
    assert _photo_loaded(page, f"img[src='/files/{pic}']")
    _look(page, "zh", "case-desktop")
    page.locator("#statement-text").fill(STATEMENT)
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(PDF[:20])
    page.locator("#statement-files").set_input_files([str(bad)])
    page.get_by_role("button", name="提交申辩").click()
    expect(page.locator("#statement-files-error")).to_contain_text("scan.pdf")
    expect(page.locator("#statement-text")).to_have_value(STATEMENT)
    _look(page, "zh", "statement-refused-desktop")
    page.goto(f"{site.url}/lang/en?next=/me/cases/{case_id}")
    expect(page.locator("#rule")).to_contain_text(registry.get("R02").text_en)
    _look(page, "en", "case-desktop-en")
    page.goto(f"{site.url}/me")
    _look(page, "en", "me-desktop-en")


def test_every_demo_staff_case_page_reads_well(demo_site: Site, pages: Pages) -> None:
    """The demo office's staff with cases of every kind of evidence (feedback, attendance,
    visits, tips, damages): each case page in Chinese, on a phone, without codes or English."""
    from compliance.accounts.models import User as Account
    from compliance.cases.models import Case

    with Session(demo_site.engine) as session:
        people = session.execute(
            select(Account.username, Case.id)
            .join(Case, col(Case.staff_id) == col(Account.staff_id))
            .where(col(Account.role) == "staff")
            .order_by(col(Case.id))
        ).all()
    assert people, "the demo has staff with cases"
    by_user: dict[str, list[int]] = {}
    for username, case_id in people:
        by_user.setdefault(username, []).append(case_id)
    page = pages.open(phone=True)
    seen = 0
    for username, ids in list(by_user.items())[:4]:
        page.context.clear_cookies()
        sign_in(page, demo_site.url, username, DEMO_PASSWORD)
        for case_id in ids:
            page.goto(f"{demo_site.url}/me/cases/{case_id}")
            expect(page.locator(".evidence-item").first).to_be_visible()
            assert_readable(page, "zh")
            seen += 1
    screenshot(page, "staff-demo-case-phone")
    assert seen >= 2
