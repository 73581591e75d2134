"""Read an uploaded CSV or XLSX file into rows of text keyed by canonical column names.

File-level problems (unreadable bytes, no header, missing columns) are raised at once;
row values are left as text for the importer to validate, each with its line number.
"""

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from compliance.errors import FieldError, ValidationFailed

# A punch-clock export for one office over a quarter is a few thousand rows.
MAX_ROWS = 50_000
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # legacy .xls (and .doc): a different format altogether
_TEXT_CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


@dataclass(frozen=True)
class Column:
    """A column an import understands, under any of its accepted header names."""

    key: str
    aliases: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class Row:
    """One data row: its physical line (or sheet row) and its values by column key."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A parsed file: the header each column key was found under, and the data rows.

    `header_line` is where the header was found (a title row above it is skipped),
    `columns` every header cell as written, `problems` the rows that could not be read
    (extra cells), when the caller asked to have them back rather than raised.
    """

    headers: dict[str, str]
    rows: list[Row]
    sha256: str
    header_line: int = 1
    columns: tuple[str, ...] = ()
    problems: tuple[FieldError, ...] = ()
    title: str = ""

    def header(self, key: str) -> str:
        """The column's header as written in the file (for error messages)."""
        return self.headers.get(key, key)


def read_table(
    data: bytes,
    columns: Sequence[Column],
    *,
    max_bytes: int,
    header_within: int = 1,
    raise_row_problems: bool = True,
) -> Table:
    """Parse CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX bytes against the columns.

    The header is the first of the first `header_within` non-empty rows that holds every
    required column (a punch clock writes a title such as "考勤记录表 2026-03" above it).
    A row with more cells than the header is a problem; with `raise_row_problems=False` the
    problems come back in `Table.problems` so that the caller can check the other rows too.
    """
    if len(data) > max_bytes:
        raise ValidationFailed(FieldError("file", f"is larger than the limit of {max_bytes} bytes"))
    if not data.strip():
        raise ValidationFailed(FieldError("file", "the file is empty", 1))
    if data.startswith(_ZIP):
        raw = list(_xlsx_rows(data))
    elif data.startswith(_OLE):
        raise ValidationFailed(
            FieldError("file", "old Excel (.xls) files are not supported; save as .xlsx or CSV")
        )
    else:
        raw = list(_csv_rows(_decode(data)))
    raw = [(line, cells) for line, cells in raw if any(cells)] if header_within > 1 else raw
    if not raw:
        raise ValidationFailed(FieldError("file", "the file is empty", 1))
    at, headers = _find_header(raw, columns, header_within)
    header_line, header = raw[at]
    rows: list[Row] = []
    errors: list[FieldError] = []
    for line, cells in raw[at + 1 :]:
        if not any(cells):
            continue
        extra = [c for c in cells[len(header) :] if c]
        if extra:
            errors.append(
                FieldError("row", f"has {len(cells)} values but the header has {len(header)}", line)
            )
            continue
        values = {key: (cells[i] if i < len(cells) else "") for key, i in headers.items()}
        rows.append(Row(line, values))
        if len(rows) > MAX_ROWS:
            raise ValidationFailed(FieldError("file", f"has more than {MAX_ROWS} rows", line))
    if not rows and not errors:
        errors.append(FieldError("file", "has a header but no data rows", header_line + 1))
    if errors and (raise_row_problems or not rows):
        raise ValidationFailed(errors)
    names = {key: header[i] for key, i in headers.items()}
    title = " ".join(c for _, cells in raw[:at] for c in cells if c)
    return Table(
        headers=names,
        rows=rows,
        sha256=hashlib.sha256(data).hexdigest(),
        header_line=header_line,
        columns=tuple(header),
        problems=tuple(errors),
        title=title,
    )


def _find_header(
    raw: list[tuple[int, list[str]]], columns: Sequence[Column], within: int
) -> tuple[int, dict[str, int]]:
    """The index in raw of the header row and its column map; the first row's errors if
    none of the first rows is a header."""
    first_error: ValidationFailed | None = None
    for at, (line, cells) in enumerate(raw[:within]):
        try:
            return at, _map_headers(cells, line, columns)
        except ValidationFailed as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


def _normal(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower().replace(" ", "_")


def _map_headers(header: list[str], line: int, columns: Sequence[Column]) -> dict[str, int]:
    """Column key -> index in the row; every missing or doubled column is an error."""
    lookup = {_normal(alias): col.key for col in columns for alias in (col.key, *col.aliases)}
    found: dict[str, int] = {}
    errors: list[FieldError] = []
    for i, name in enumerate(header):
        key = lookup.get(_normal(name))
        if key is None:
            continue  # exports carry extra columns (department, remarks): ignore them
        if key in found:
            errors.append(FieldError(name, "this column appears twice", line))
            continue
        found[key] = i
    for col in columns:
        if col.required and col.key not in found:
            names = " / ".join((col.key, *col.aliases))
            errors.append(FieldError(col.key, f"required column is missing ({names})", line))
    if errors:
        raise ValidationFailed(errors)
    return found


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, which Chinese punch clocks write."""
    # Excel's "Unicode text" export is UTF-16 with a BOM (and tab-separated).
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Binary files can happen to decode; real CSV has no control characters.
        if not _TEXT_CONTROLS.intersection(text):
            return text
    raise ValidationFailed(FieldError("file", "not a CSV (UTF-8 or GB18030 text) or XLSX file", 1))


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record; lines count from 1."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, [c.strip() for c in cells]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationFailed(FieldError("file", f"malformed CSV: {exc}", start)) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(sheet row number, cells as text) for the first worksheet."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise ValidationFailed(FieldError("file", "not a readable XLSX workbook", 1)) from None
    try:
        sheet = wb.worksheets[0]
        rows: Iterable[tuple[Any, ...]] = sheet.iter_rows()
        for number, cells in enumerate(rows, start=1):
            yield (
                number,
                [_cell_text(c.value, getattr(c, "number_format", None) or "") for c in cells],
            )
    finally:
        wb.close()


def _cell_text(value: Any, number_format: str) -> str:
    """A cell's value as the text a CSV export would show."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Excel has no date type: a date is a datetime cell formatted without a time.
        shows_time = any(c in number_format.lower() for c in "hs") or value.time() != time()
        return value.strftime("%Y-%m-%d %H:%M:%S" if shows_time else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        # Excel stores 1001 and 4500.5 as floats; repr is the shortest exact form.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
