"""HR downloads the month's payroll sheet as CSV and XLSX from the payroll page."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlmodel import col

from compliance.demo.load import DEMO_PASSWORD
from compliance.money import format_fen
from compliance.pay.models import Instalment, MinimumWage
from compliance.staff.models import Staff, StaffWage
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import one, sign_in

pytestmark = pytest.mark.browser
APRIL = date(2026, 4, 1)


def _download(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    download = started.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def test_hr_downloads_the_payroll_sheet_as_csv_and_xlsx(
    demo_site: Site, pages: Pages, tmp_path: Path
) -> None:
    site = demo_site
    page = pages.open()
    sign_in(page, site.url, "bsw-hr", DEMO_PASSWORD)
    page.locator("nav.menu a[href='/payroll']").click()
    expect(page.locator("h1")).to_have_text("工资扣款")
    expect(page.locator("#month")).to_have_value("2026-04")

    # The first staff member with a deduction this month, as the page shows them.
    first = page.locator("table.sheet tbody tr").first
    number = first.locator("td").first.locator("span.muted").inner_text().strip()
    shown = [c.strip() for c in first.locator("td").all_inner_texts()[1:]]
    case_no = first.locator("td a").first.inner_text().strip()

    # What the database says about them.
    staff = one(site.engine, select(Staff).where(col(Staff.employee_no) == number))
    wage = one(
        site.engine,
        select(col(StaffWage.monthly_wage_fen))
        .where(col(StaffWage.staff_id) == staff.id, col(StaffWage.effective_from) <= APRIL)
        .order_by(col(StaffWage.effective_from).desc())
        .limit(1),
    )
    taken = one(
        site.engine,
        select(func.sum(Instalment.amount_fen)).where(
            col(Instalment.staff_id) == staff.id, col(Instalment.month) == APRIL
        ),
    )
    floor = one(
        site.engine,
        select(col(MinimumWage.monthly_fen))
        .where(col(MinimumWage.city) == "深圳", col(MinimumWage.effective_from) <= APRIL)
        .order_by(col(MinimumWage.effective_from).desc())
        .limit(1),
    )
    assert taken > 0
    assert shown[0] == format_fen(wage) and shown[2] == format_fen(taken)
    assert shown[3] == format_fen(wage - taken)

    # CSV: UTF-8 with a BOM, one header row (money columns say 元), money as plain numbers.
    path = _download(page, "下载 CSV", tmp_path)
    assert path.name == "payroll-BSW-2026-04.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["工号", "姓名", "月工资(元)"]
    (row,) = [r for r in rows[1:] if r[0] == number]
    assert row[1] == staff.name

    def yuan(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}"

    def shown_yuan(text: str) -> str:
        return text.replace("¥", "").replace(",", "")

    assert row[2:8] == [
        yuan(wage),
        shown_yuan(shown[1]),  # the cap, as on the page
        yuan(floor),
        yuan(taken),
        yuan(wage - taken),
        shown_yuan(shown[4]),  # carried forward, as on the page
    ]
    assert row[8] == "0.00"  # nothing left unrecovered: still employed
    assert case_no in row[9]

    # XLSX: numeric yuan cells (exact decimals) formatted as ¥, and an 'about' sheet.
    path = _download(page, "下载 XLSX", tmp_path)
    assert path.name == "payroll-BSW-2026-04.xlsx"
    book = load_workbook(path)
    sheet = book["2026-04"]
    cells = {r[0].value: r for r in sheet.iter_rows(min_row=3) if r[0].value != "合计 Total"}
    xrow = cells[number]
    assert xrow[1].value == staff.name
    assert Decimal(str(xrow[2].value)) == Decimal(wage) / 100
    assert Decimal(str(xrow[5].value)) == Decimal(taken) / 100
    assert Decimal(str(xrow[6].value)) == Decimal(wage - taken) / 100
    assert "¥" in xrow[5].number_format
    assert case_no in str(xrow[9].value)
    assert len(cells) == len(rows) - 1  # the same staff in both files
    total = [r for r in sheet.iter_rows(min_row=3) if r[0].value == "合计 Total"]
    assert len(total) == 1 and total[0][5].data_type == "n"
    about = {r[0].value: r[1].value for r in book["说明 About"].iter_rows()}
    assert about["管理处 Office"] == "碧水湾管理处 (BSW)"
    assert about["月份 Month"] == "2026-04"
    expect(page.locator("h1")).to_have_text("工资扣款")  # the page stayed where it was
