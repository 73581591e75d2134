"""Reading CSV (UTF-8, BOM, GB18030) and XLSX uploads into rows with line numbers."""

import hashlib
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from compliance.errors import ValidationFailed
from compliance.imports import reader
from compliance.imports.reader import Column, read_table

DATA = Path(__file__).resolve().parents[2] / "data"
COLS = (
    Column("employee_no", ("工号",)),
    Column("name", ("姓名",)),
    Column("device", ("设备",), required=False),
)


def _read(data, cols=COLS, max_bytes=1_000_000):
    return read_table(data, cols, max_bytes=max_bytes)


def _errors(data, **kw):
    with pytest.raises(ValidationFailed) as err:
        _read(data, **kw)
    return [(e.field, e.line) for e in err.value.errors], err.value.errors


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_maps_chinese_headers(encoding):
    t = _read("工号,姓名\nE001,李明\nE002,王芳\n".encode(encoding))
    assert t.headers == {"employee_no": "工号", "name": "姓名"}
    assert [(r.line, r.values) for r in t.rows] == [
        (2, {"employee_no": "E001", "name": "李明"}),
        (3, {"employee_no": "E002", "name": "王芳"}),
    ]


def test_excel_unicode_text_export_utf16_tab_separated_is_read():
    t = _read("工号\t姓名\r\nE001\t李明\r\n".encode("utf-16"))
    assert [(r.line, r.values) for r in t.rows] == [(2, {"employee_no": "E001", "name": "李明"})]


def test_gb18030_example_is_not_utf8_yet_reads():
    data = (DATA / "punch_clock_export.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    t = _read(data, (Column("employee_no", ("工号",)), Column("name", ("姓名",))))
    assert t.rows[0].values["name"] == "刘洋"


def test_english_headers_any_case_and_extra_columns_are_ignored():
    t = _read(b"Employee_No , NAME,department\nE001,Li Ming,repair\n")
    assert t.headers == {"employee_no": "Employee_No", "name": "NAME"}
    assert t.rows[0].values == {"employee_no": "E001", "name": "Li Ming"}


def test_line_numbers_are_physical_lines_even_with_blank_and_multiline_records():
    data = '工号,姓名\r\nE001,李明\r\n\r\nE002,"王\r\n芳"\r\nE003,张伟\r\n'.encode()
    t = _read(data)
    assert [(r.line, r.values["employee_no"]) for r in t.rows] == [
        (2, "E001"),
        (4, "E002"),
        (6, "E003"),
    ]


def test_tab_separated_export_is_read():
    t = _read("工号\t姓名\nE001\t李明\n".encode())
    assert t.rows[0].values == {"employee_no": "E001", "name": "李明"}


def test_short_rows_read_as_blank_and_long_rows_are_errors():
    t = _read(b"employee_no,name\nE001\n")
    assert t.rows[0].values == {"employee_no": "E001", "name": ""}
    found, _ = _errors(b"employee_no,name\nE001,a,b\nE002,c\n")
    assert found == [("row", 2)]


def test_all_missing_required_columns_are_reported_on_line_1():
    found, errs = _errors("设备,备注\nX,\n".encode())
    assert found == [("employee_no", 1), ("name", 1)]
    assert "工号" in errs[0].reason


def test_duplicate_column_is_reported():
    found, _ = _errors("工号,employee_no,姓名\nE1,E1,a\n".encode())
    assert found == [("employee_no", 1)]


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"", 1), (b"   \r\n\r\n", 1), ("\ufeff".encode(), 1), ("工号,姓名\r\n".encode(), 2)],
    ids=["empty", "whitespace", "bom-only", "header-only"],
)
def test_empty_files_are_reported(data, line):
    found, _ = _errors(data)
    assert found == [("file", line)]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(256)) * 4,
        b"PK\x03\x04not really a zip at all",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        b"%PDF-1.4\n\x00\x01\x02",
    ],
    ids=["png", "random", "fake-zip", "old-xls", "pdf"],
)
def test_unreadable_bytes_are_reported_as_the_file(data):
    found, _ = _errors(data)
    assert [f for f, _ in found] == ["file"]


def test_malformed_quoting_is_reported_with_its_line():
    found, _ = _errors(b'employee_no,name\nE001,a\nE002,"unterminated\n')
    assert found == [("file", 3)]


def test_size_limit():
    found, _ = _errors(b"employee_no,name\nE001,a\n", max_bytes=10)
    assert found == [("file", None)]


def test_row_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    found, _ = _errors(b"employee_no,name\n1,a\n2,b\n3,c\n")
    assert found == [("file", 4)]


def test_xlsx_cells_become_csv_like_text_and_sheet_row_numbers():
    data = _xlsx(
        [
            ["工号", "姓名", "设备"],
            [1001, "李明", None],
            [None, None, None],
            ["E002", "王芳", 3.5],
            [datetime(2026, 3, 26, 7, 55, 2), date(2023, 5, 1), 4500.0],  # noqa: DTZ001
        ]
    )
    t = _read(data)
    assert [(r.line, r.values) for r in t.rows] == [
        (2, {"employee_no": "1001", "name": "李明", "device": ""}),
        (4, {"employee_no": "E002", "name": "王芳", "device": "3.5"}),
        (5, {"employee_no": "2026-03-26 07:55:02", "name": "2023-05-01", "device": "4500"}),
    ]


def test_xlsx_with_a_gap_keeps_sheet_row_numbers():
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "工号", "姓名"
    ws["A5"], ws["B5"] = "E001", "李明"
    buf = io.BytesIO()
    wb.save(buf)
    t = _read(buf.getvalue())
    assert [r.line for r in t.rows] == [5]


def test_sha256_is_of_the_uploaded_bytes():
    data = b"employee_no,name\nE001,a\n"
    assert _read(data).sha256 == hashlib.sha256(data).hexdigest()
