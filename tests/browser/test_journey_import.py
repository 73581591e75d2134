"""HR's month-end at a desk (1366×900) and once on a phone (390×844): import the punch clock's
file (upload, add the clock's enrolment numbers, preview, confirm), run the payroll month
after its confirmation page, and print the monthly office report as a PDF. Every page is
checked for sideways scroll, raw codes and stray English, in Chinese and in English."""

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlmodel import Session

from compliance.attendance.models import AttendanceEvent
from compliance.pay.models import PayrollRun
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import SCREENSHOTS, menu_link, one, screenshot, sign_in
from tests.browser.readable import assert_readable
from tests.compliance.imports import clock_files
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 900}
ENROL = "8,E001\n12,E002\n15,E003\n99,-"


def _seed(site: Site) -> None:
    """The city's minimum wage and two cases whose deductions fall due in April."""
    with Session(site.engine, expire_on_commit=False) as session:
        add_min_wage(session)
        hr = site.ctx(session, "hr")
        assert site.office is not None
        for staff, fen in ((site.office.staff[0], 150_000), (site.office.staff[1], 30_000)):
            case, proposal = make_case(session, site.office, staff, compensation(fen))
            create_deductions_for_case(hr, case, proposal)
            record_deduction_notice(hr, case.id, f"{case.number} 照价赔偿,按月从工资中扣除")
        session.commit()


def _check(page: Page, lang: str, name: str) -> None:
    # GBK and UTF-8 are the names of the encodings a Chinese clock writes.
    assert_readable(page, lang, allow=("GBK", "UTF-8", "UTF"))
    screenshot(page, f"import-{name}")


def _upload(page: Page, path: Path) -> None:
    page.locator("#file").set_input_files(str(path))
    page.locator("#upload-form button[type=submit]").click()


def test_hr_imports_the_clock_runs_payroll_and_prints_the_report(
    site: Site, pages: Pages, tmp_path: Path
) -> None:
    _seed(site)
    export = tmp_path / "考勤记录表2026-03.csv"
    export.write_bytes(clock_files.csv_bytes("gbk"))
    page = pages.open()
    page.set_viewport_size(DESK)
    sign_in(page, site.url, "bsw-hr")

    # 1. Upload the clock's file: nobody is known yet, each person listed once.
    menu_link(page, "/attendance/import").click()
    expect(page.locator("h1")).to_have_text("考勤导入")
    _check(page, "zh", "upload")
    _upload(page, export)
    expect(page.locator("#count-unknown")).to_have_text("4")
    expect(page.locator("#unknown tbody tr")).to_have_count(4)
    expect(page.locator("#confirm-form")).to_have_count(0)
    _check(page, "zh", "preview-unknown")

    # 2. Map them once (saved in the office's profile): the preview now imports.
    page.locator("#enrolments").fill(ENROL)
    page.locator("#enrolments-form button[type=submit]").click()
    expect(page.locator("#count-new")).to_have_text("7")
    expect(page.locator("#count-single")).to_have_text("1")
    expect(page.locator("#preview-rows")).to_contain_text("单次打卡")
    _check(page, "zh", "preview")
    page.locator("#confirm-import").click()
    expect(page.locator("#import-done")).to_contain_text("已导入 7 条打卡")
    _check(page, "zh", "done")
    assert one(site.engine, select(func.count()).select_from(AttendanceEvent)) == 7
    page.get_by_role("link", name="导入设置:列的表头和考勤机登记号码对照表").click()
    expect(page.locator("#enrolments")).to_have_value("8,E001\n12,E002\n15,E003\n99,-")
    _check(page, "zh", "profile")

    # 3. The payroll month: what it will take, then confirm.
    page.goto(f"{site.url}/payroll?month=2026-04")
    _check(page, "zh", "payroll")
    page.get_by_role("button", name="执行 2026-04 工资扣款…").click()
    expect(page.locator("#plan-staff")).to_have_text("2")
    expect(page.locator("#plan-total")).to_have_text("¥1,300.00")
    _check(page, "zh", "payroll-confirm")
    assert one(site.engine, select(func.count()).select_from(PayrollRun)) == 0
    page.locator("#confirm-execute").click()
    expect(page.locator(".alert.ok").first).to_contain_text("2026-04")
    assert one(site.engine, select(func.count()).select_from(PayrollRun)) == 1
    page.goto(f"{site.url}/payroll?month=2026-13")
    expect(page.locator("#month-error")).to_contain_text("请选择 2000-01 至 2199-12 之间的月份")
    _check(page, "zh", "payroll-bad-month")

    # 4. The monthly report as a PDF, named by office and month.
    page.goto(f"{site.url}/reports")
    page.locator("#month").fill("2026-03")
    _check(page, "zh", "report")
    with page.expect_download() as started:
        page.locator("#download-report").click()
    pdf = tmp_path / started.value.suggested_filename
    started.value.save_as(pdf)
    assert pdf.name == "report-BSW-2026-03.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "碧水湾管理处" in text and "2026-03" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
         str(SCREENSHOTS / "import-report-pdf")],
        check=True,
    )  # fmt: skip

    # 5. The same pages in English (the same file again: nothing new to import).
    page.goto(f"{site.url}/lang/en?next=/attendance/import")
    expect(page.locator("h1")).to_have_text("Attendance import")
    _check(page, "en", "upload-en")
    _upload(page, export)
    expect(page.locator("#count-new")).to_have_text("0")
    expect(page.locator("#count-recorded")).to_have_text("7")
    expect(page.locator("#nothing-new")).to_be_visible()
    expect(page.locator("#confirm-form")).to_have_count(0)
    _check(page, "en", "preview-en")
    for path, name in (
        ("/attendance/import/profile", "profile-en"),
        ("/payroll?month=2026-04", "payroll-en"),
        ("/reports", "report-en"),
    ):
        page.goto(site.url + path)
        _check(page, "en", name)

    # 6. On a phone: the same steps fit the screen.
    phone = pages.open(phone=True)
    sign_in(phone, site.url, "bsw-hr")
    phone.goto(f"{site.url}/attendance/import")
    _check(phone, "zh", "upload-phone")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(clock_files.csv_bytes("utf-8-sig", bad=True))
    _upload(phone, bad)
    expect(phone.locator("#problems")).to_contain_text("第 5 行")
    expect(phone.locator("#problems li")).to_have_count(3)
    _check(phone, "zh", "preview-problems-phone")
    for path, name in (
        ("/attendance/import/profile", "profile-phone"),
        ("/payroll?month=2026-05", "payroll-phone"),
        ("/payroll/confirm?month=2026-05", "payroll-confirm-phone"),
        ("/reports", "report-phone"),
    ):
        phone.goto(site.url + path)
        _check(phone, "zh", name)
