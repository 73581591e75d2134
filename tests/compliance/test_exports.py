"""Spreadsheet exports carry no formulas (OWASP "CSV injection"); imports keep what was typed.

A staff name typed as `=HYPERLINK("http://x","y")` must reach HR's payroll sheet as that
text: in CSV behind a single quote (spreadsheet programs hide it), in XLSX as a string cell
exactly as typed. Money columns stay numbers.
"""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from compliance.exports import safe_cell, text_cell
from compliance.imports.staff_roster import import_staff_roster
from compliance.pay.payroll import payroll_sheet, write_csv, write_xlsx
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from compliance.staff.models import Staff
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case
from tests.conftest import as_role

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)", "\t=1+2", "\r=1+2"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_gets_a_quote_in_csv(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["李明", "E001", "a=b", "1+1", "", "'=already quoted", 12, 1.5])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_an_xlsx_text_cell_is_never_a_formula(tmp_path: Path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append([text_cell(ws, v) for v in [*HOSTILE, 7, 2.5]])
    wb.save(tmp_path / "t.xlsx")
    cells = list(load_workbook(tmp_path / "t.xlsx").worksheets[0][1])
    # XML reads a stored carriage return back as a line feed; the rest is kept as written.
    assert [c.value for c in cells] == [*(v.replace("\r", "\n") for v in HOSTILE), 7, 2.5]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE) + ["n", "n"]


@pytest.fixture
def hostile_office(ctx, office):
    """Three staff whose names (and one employee number) look like formulas; one case for
    the first, so its row carries money."""
    add_min_wage(ctx.session)
    hr = as_role(ctx, office, "hr")
    names = ['=HYPERLINK("http://x","y")', "@SUM(1)", "\t=1+2"]
    for staff, name in zip(office.staff, names, strict=False):
        staff.name = name
        ctx.session.add(staff)
    office.staff[1].employee_no = "-1"
    ctx.session.flush()
    case, proposal = make_case(hr.session, office, office.staff[0], compensation(150_000))
    create_deductions_for_case(hr, case, proposal)
    record_deduction_notice(hr, case.id, f"{case.number} 照价赔偿,按月从工资中扣除")
    return hr, names


def test_payroll_csv_writes_formula_like_names_as_quoted_text(hostile_office, tmp_path):
    hr, names = hostile_office
    sheet = payroll_sheet(hr, "2026-04-01")
    path = write_csv(sheet, tmp_path / "p.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    by_name = {r[1]: r for r in rows}
    for name in names:
        assert "'" + name in by_name  # text, as typed, behind the quote
    assert by_name["'@SUM(1)"][0] == "'-1"
    # No field a spreadsheet would evaluate: every one starts with something else.
    assert not [f for r in rows for f in r if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
    first = by_name["'" + names[0]]
    assert first[3] == "1000.00"  # money as a number (the April cap of a ¥5,000 wage)


def test_payroll_xlsx_has_no_formula_cell_and_keeps_the_text(hostile_office, tmp_path):
    hr, names = hostile_office
    sheet = payroll_sheet(hr, "2026-04-01")
    wb = load_workbook(write_xlsx(sheet, tmp_path / "p.xlsx"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    ws = wb.worksheets[0]
    shown = {ws.cell(r, 2).value: r for r in range(3, ws.max_row + 1)}
    assert set(names) <= set(shown)  # exactly as typed, no quote added
    assert ws.cell(shown["@SUM(1)"], 1).value == "-1"
    assert ws.cell(shown["@SUM(1)"], 1).data_type == "s"
    money = ws.cell(shown[names[0]], 4)
    assert money.data_type == "n" and round(money.value * 100) == 100_000


ROSTER_HEADER = ["工号", "姓名", "班组", "岗位", "入职日期", "月工资"]
TYPED = [
    ["E401", '=HYPERLINK("http://x","y")', "维修班", "维修工", "2024-01-02", "4000"],
    ["E402", "+1", "@SUM(1)", "-1", "2024-01-02", "4000"],
]


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("roster")
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("build", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_roster_import_keeps_formula_like_names_as_typed(ctx, office, build):
    import_staff_roster(as_role(ctx, office, "hr"), build([ROSTER_HEADER, *TYPED]))
    got = {
        s.employee_no: (s.name, s.team, s.position)
        for s in ctx.session.execute(select(Staff).where(Staff.employee_no.in_(["E401", "E402"])))
        .scalars()
        .all()
    }
    assert got == {
        "E401": ('=HYPERLINK("http://x","y")', "维修班", "维修工"),
        "E402": ("+1", "@SUM(1)", "-1"),
    }
