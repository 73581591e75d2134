"""Write the example import files in this folder (run: uv run python tests/data/make_examples.py).

The outputs are committed; the tests read them. The punch-clock export is written in
GB18030 without a BOM, as the office's Chinese punch clock does.
"""

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

ROSTER_HEADER_ZH = ["工号", "姓名", "班组", "岗位", "入职日期", "月工资"]
ROSTER = [
    ("E101", "赵建国", "维修班", "维修工", date(2021, 3, 15), "5,200.00"),
    ("E102", "钱秀英", "保洁班", "保洁员", date(2022, 7, 1), "3800"),
    ("E103", "孙海涛", "安保班", "保安员", date(2023, 11, 20), "4100.5"),
    ("E104", "周丽娟", "客服中心", "前台接待", date(2024, 2, 26), "4500.00"),
    ("E105", "吴志强", "维修班", "水电工", date(2019, 9, 9), "6,350.80"),
    ("E106", "郑美玲", "财务室", "收银员", date(2025, 5, 6), "4200"),
]

ROSTER_BAD = """工号,姓名,班组,岗位,入职日期,月工资
E201,冯小刚,维修班,维修工,2023-04-01,4800
E001,陈大文,维修班,维修工,2023-04-01,4800
E201,褚卫东,保洁班,保洁员,2022-08-15,3600
E202,卫明,安保班,保安员,2023-02-30,4000
E203,蒋文,安保班,保安员,2027-01-01,4000
E204,沈红,客服中心,前台接待,2024-01-08,4500.555
E205,韩磊,维修班,维修工,2024-01-08,-100
E206,,保洁班,保洁员,2024-01-08,3600
E207,杨帆,保洁班,保洁员,2023/5/1,3600
E208,朱琳,客服中心,收银员,2024-03-01,abc
E 9,秦岚,维修班,维修工,2024-03-01,4000
"""

STAFF = [("E001", "李明"), ("E002", "王芳"), ("E003", "张伟"), ("E004", "刘洋"), ("E005", "陈静")]
DEVICE = "管理处前台1号机"


def _wall(day: int, hour: int, minute: int, second: int) -> datetime:
    """Office-local wall time with no zone, exactly as a punch clock writes it."""
    return datetime(2026, 3, day, hour, minute, second)  # noqa: DTZ001


def punches() -> list[tuple[str, str, datetime, str, str]]:
    """Three days of punches for five staff, with the gaps a real export has."""
    out: list[tuple[str, str, datetime, str, str]] = []
    for day in (26, 27, 28):
        for i, (no, name) in enumerate(STAFF):
            if (no, day) == ("E005", 28):
                continue  # day off
            minute = 40 + (i * 4 + day) % 19
            out.append((no, name, _wall(day, 7, minute, (i * 13) % 60), "上班", DEVICE))
            if (no, day) == ("E003", 27):
                continue  # forgot to sign back
            back = _wall(day, 17, 30 + (i * 7 + day) % 25, (i * 29) % 60)
            out.append((no, name, back, "下班", DEVICE if i % 2 else "维修部2号机"))
    out.sort(key=lambda p: (p[2], p[0]))
    return out


ATTENDANCE_BAD = """工号,姓名,打卡时间,打卡类型,设备
E001,李明,2026-03-26 07:55:02,上班,管理处前台1号机
E999,路人甲,2026-03-26 07:56:10,上班,管理处前台1号机
E001,王五,2026-03-26 07:57:00,上班,管理处前台1号机
E002,王芳,2026-03-26 25:10:00,上班,管理处前台1号机
E002,王芳,2026-04-02 08:00:00,上班,管理处前台1号机
E003,张伟,2026-03-26 12:00:00,午休,管理处前台1号机
,张伟,2026-03-26 17:40:00,下班,管理处前台1号机
E001,李明,2026-03-26 07:55:02,上班,管理处前台1号机
E003,张伟,昨天 8点,上班,管理处前台1号机
"""


def main() -> None:
    """Write every example file."""
    lines = [",".join(ROSTER_HEADER_ZH)]
    for no, name, team, pos, hired, wage in ROSTER:
        wage_cell = f'"{wage}"' if "," in wage else wage
        lines.append(",".join([no, name, team, pos, hired.isoformat(), wage_cell]))
    (HERE / "staff_roster.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "员工花名册"
    ws.append(["employee_no", "name", "team", "position", "hire_date", "monthly_wage"])
    for no, name, team, pos, hired, wage in ROSTER:
        ws.append([no, name, team, pos, hired, float(wage.replace(",", ""))])
    for cell in ws["E"][1:]:
        cell.number_format = "yyyy-mm-dd"
    wb.save(HERE / "staff_roster.xlsx")

    (HERE / "staff_roster_bad.csv").write_text(ROSTER_BAD, encoding="utf-8")

    rows = punches()
    header = "工号,姓名,打卡时间,打卡类型,设备"
    body = [f"{no},{name},{at:%Y-%m-%d %H:%M:%S},{kind},{dev}" for no, name, at, kind, dev in rows]
    (HERE / "punch_clock_export.csv").write_bytes(
        ("\r\n".join([header, *body]) + "\r\n").encode("gb18030")
    )

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "打卡记录"
    ws.append(header.split(","))
    for row in rows:
        ws.append(list(row))
    for cell in ws["C"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(HERE / "punch_clock_export.xlsx")

    (HERE / "attendance_bad.csv").write_text(ATTENDANCE_BAD, encoding="utf-8")


if __name__ == "__main__":
    main()
