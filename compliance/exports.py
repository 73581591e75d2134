"""Text written to spreadsheets stays text (OWASP "CSV injection").

A spreadsheet program reads a CSV field or an XLSX cell that begins with `=`, `+`, `-` or
`@` (or a tab or carriage return before one) as a formula: a staff name typed as
`=HYPERLINK("http://x","y")` would become a live link in HR's payroll sheet. Every text
value an export writes goes through here:

- CSV: `safe_cell` puts a single quote before such text (OWASP's advice); spreadsheet
  programs show the quote-led value as text and hide the quote.
- XLSX: `text_cell` writes the value exactly as typed in a cell whose type is string, so no
  program takes it for a formula (openpyxl would otherwise infer one from a leading `=`).

Numbers stay numbers: only `str` values are touched. Imports keep what was typed.
"""

from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

# What a spreadsheet may start a formula (or a DDE payload) with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program could read this value as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """A value for a CSV field: formula-like text behind a single quote, all else unchanged."""
    return "'" + value if is_formula_like(value) else value


def safe_row(values: list[Any]) -> list[Any]:
    """`safe_cell` applied to every value of a CSV row."""
    return [safe_cell(v) for v in values]


def text_cell(ws: Any, value: Any, **style: Any) -> Any:
    """A write-only XLSX cell: text is stored as a string cell (never a formula), other
    values (numbers, dates) as they are; `style` sets font, number_format and the like."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def text_row(ws: Any, values: list[Any]) -> list[Any]:
    """`text_cell` for each value of a row (cells already built pass through)."""
    return [v if isinstance(v, Cell) else text_cell(ws, v) for v in values]
