"""A billing system's export of receivables and payments, as an office has it."""

import io

from openpyxl import Workbook

TITLE = "碧水湾管理处 2026年第1季度 收费明细"
HEADER = ["楼栋", "房号", "所属季度", "收费项目", "应收金额", "实收金额", "缴费日期", "票据号"]
GOOD = [
    ["1栋", "101", "2026年第1季度", "管理费", "1,234.50", "1,234.50", "2026-03-05", "P0001"],
    ["1栋", "101", "2026年第1季度", "水费分摊", "￥36.8", "", "", ""],
    ["1栋", "102", "2026-Q1", "管理费", "1234.5", "600", "2026/3/6", ""],
    ["2栋", "103", "2026Q1", "电费", "￥88.00", "88", "2026-03-07 10:15", "P0002"],
    ["2栋", "104", "2026年第1季度", "物业管理费", "1,234.50", "", "", ""],
]
BAD = [
    ["1栋", "101", "2026年第1季度", "管理费", "1,234.505", "", "", ""],  # three decimals
    ["9栋", "901", "2026年第1季度", "管理费", "100", "", "", ""],  # no such unit
    ["2栋", "103", "2026年第5季度", "停车费", "100", "", "", ""],  # quarter, item
    ["2栋", "104", "2026-Q1", "水费", "", "20", "", ""],  # paid without a day
]


def rows(bad: bool = False) -> list[list[str]]:
    """Title, header, rows (with `bad`, four bad rows after the good ones)."""
    return [[TITLE], HEADER, *GOOD, *(BAD if bad else [])]


def csv_bytes(encoding: str = "utf-8", bad: bool = False) -> bytes:
    """The export as CSV in an encoding (utf-8, utf-8-sig, gbk); cells with commas quoted."""
    lines = [",".join(f'"{c}"' if "," in c else c for c in r) for r in rows(bad)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(bad: bool = False) -> bytes:
    """The export as XLSX: the title in A1, the header in row 2; amounts as numbers."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows(bad):
        ws.append([_number(c) if i in (4, 5) else c for i, c in enumerate(r)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(cell: str) -> float | int | str:
    text = cell.replace(",", "").replace("¥", "").replace("￥", "")
    try:
        value = float(text)
    except ValueError:
        return cell
    return int(value) if value.is_integer() else value
