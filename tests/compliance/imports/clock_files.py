"""A punch-clock export in the common 8-column layout, as offices have it (title row first)."""

import io

from openpyxl import Workbook

TITLE = "考勤记录表 2026-03"
HEADER = ["部门", "姓名", "登记号码", "日期时间", "机器号", "编号", "比对方式", "卡号"]
# Enrolment numbers the clock gave; the office's list maps them to employee numbers.
ENROLMENTS = "8,E001\n12,E002\n15,E003\n"
GOOD = [
    # 李明 (8): a day duty with a lunch punch between; next day a single punch.
    ["维修部", "李明", "8", "2026-03-02 07:58:12", "1", "1", "指纹", ""],
    ["维修部", "李明", "8", "2026-03-02 12:01:00", "1", "2", "指纹", ""],
    ["维修部", "李明", "8", "2026-03-02 17:31:40", "1", "3", "指纹", ""],
    ["维修部", "李明", "8", "2026-03-03 08:00:05", "1", "4", "指纹", ""],
    # 王芳 (12): a night duty from 20:02 to 08:05 the next morning (no roster).
    ["保洁部", "王芳", "12", "2026-03-03 20:02:00", "2", "5", "人脸", ""],
    ["保洁部", "王芳", "12", "2026-03-04 08:05:00", "2", "6", "人脸", ""],
    # 张伟 (15): a rostered night shift 22:00-06:00 (the test rosters it).
    ["安保部", "张伟", "15", "2026-03-05 21:50:00", "2", "7", "刷卡", "0012345"],
    ["安保部", "张伟", "15", "2026-03-06 06:10:00", "2", "8", "刷卡", "0012345"],
    # 王五 (99): not on the staff list: three punches, summarised once.
    ["安保部", "王五", "99", "2026-03-02 08:00:00", "2", "9", "指纹", ""],
    ["安保部", "王五", "99", "2026-03-02 18:00:00", "2", "10", "指纹", ""],
    ["安保部", "王五", "99", "2026-03-03 08:00:00", "2", "11", "指纹", ""],
]


def rows(bad: bool = False, unknown: bool = True) -> list[list[str]]:
    """Title, header, punches; with `bad`, a row with extra cells and two other bad rows."""
    body = [r for r in GOOD if unknown or r[2] != "99"]
    if bad:
        body = [
            *body[:2],
            ["维修部", "李明", "8", "2026-03-02 09:00:00", "1", "12", "指纹", "", "多余"],
            ["维修部", "李明", "8", "2026-03-02 25:10:00", "1", "13", "指纹", ""],
            ["维修部", "李明", "8", "2099-04-30 08:00:00", "1", "14", "指纹", ""],
            *body[2:],
        ]
    return [[TITLE], HEADER, *body]


def csv_bytes(encoding: str = "utf-8", **kw: bool) -> bytes:
    """The export as CSV in an encoding (utf-8, utf-8-sig, gbk)."""
    text = "\r\n".join(",".join(r) for r in rows(**kw)) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(**kw: bool) -> bytes:
    """The export as XLSX: the title in A1, the header in row 2."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows(**kw):
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
