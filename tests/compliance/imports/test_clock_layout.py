"""The common punch-clock layout (部门, 姓名, 登记号码, 日期时间, 机器号, 编号, 比对方式, 卡号): a
title row skipped, staff found through the office's enrolment list, in/out inferred per duty,
every problem reported with its row, unknown people once, and a re-import adds nothing."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.imports.clock import import_clock_file, preview_clock_file
from compliance.imports.profiles import load_profile, profile_from_json, save_profile
from tests.compliance.imports import clock_files
from tests.conftest import as_role
from tests.factories import T0


def _punches(session):
    rows = session.execute(
        select(AttendanceEvent.staff_id, AttendanceEvent.at, AttendanceEvent.kind,
               AttendanceEvent.work_date).order_by(AttendanceEvent.staff_id, AttendanceEvent.at)
    ).all()  # fmt: skip
    return [(s, a.replace(tzinfo=UTC) if a.tzinfo is None else a, k, d) for s, a, k, d in rows]


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _utc(text):  # office time (Shanghai) -> UTC
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@pytest.fixture
def hr(ctx, office):
    """HR with the clock's enrolment list saved, and 张伟's night shift on the roster."""
    hr = as_role(ctx, office, "hr")
    save_profile(hr, enrolments=clock_files.ENROLMENTS + "99,-\n")
    ctx.session.add(
        RosterShift(
            office_id=office.office.id, staff_id=office.staff[2].id, work_date=date(2026, 3, 5),
            start_at=_utc("2026-03-05 22:00"), end_at=_utc("2026-03-06 06:00"), created_at=T0,
        )
    )  # fmt: skip
    ctx.session.flush()
    return hr


@pytest.mark.parametrize(
    "data",
    [
        clock_files.csv_bytes("utf-8"),
        clock_files.csv_bytes("utf-8-sig"),
        clock_files.csv_bytes("gbk"),
        clock_files.xlsx_bytes(),
    ],
    ids=["utf8", "utf8-bom", "gbk", "xlsx"],
)
def test_the_clock_layout_imports_with_in_and_out_inferred_per_duty(hr, office, data):
    preview = preview_clock_file(hr, data)
    assert preview.header_line == 2 and preview.title == "考勤记录表 2026-03"
    assert preview.by_enrolment and preview.inferred and preview.ok
    assert (
        preview.mapping["enrolment_no"] == "登记号码"
        and preview.mapping["punched_at"] == "日期时间"
    )
    result = import_clock_file(hr, data, "clock.csv")
    assert (result.imported, result.single, result.between, result.skipped_people) == (7, 1, 1, 3)
    li, wang, zhang = (s.id for s in office.staff[:3])
    assert _punches(hr.session) == [
        (li, _utc("2026-03-02 07:58:12"), "check_in", date(2026, 3, 2)),
        # 12:01 is between the first and the last punch of the duty: not imported
        (li, _utc("2026-03-02 17:31:40"), "sign_back", date(2026, 3, 2)),
        (li, _utc("2026-03-03 08:00:05"), "check_in", date(2026, 3, 3)),  # single: flagged
        # the night duty belongs to the day it started
        (wang, _utc("2026-03-03 20:02:00"), "check_in", date(2026, 3, 3)),
        (wang, _utc("2026-03-04 08:05:00"), "sign_back", date(2026, 3, 3)),
        # the rostered night shift likewise
        (zhang, _utc("2026-03-05 21:50:00"), "check_in", date(2026, 3, 5)),
        (zhang, _utc("2026-03-06 06:10:00"), "sign_back", date(2026, 3, 5)),
    ]
    single = [p for p in preview.punches if p.single]
    assert [(p.line, p.employee_no) for p in single] == [(6, "E001")]


def test_reimporting_the_same_file_adds_nothing(hr):
    data = clock_files.csv_bytes("gbk")
    import_clock_file(hr, data)
    before = _punches(hr.session)
    again = import_clock_file(hr, data)
    assert (again.imported, again.recorded) == (0, 7)
    assert _punches(hr.session) == before
    preview = preview_clock_file(hr, data)
    assert preview.counts["new"] == 0 and preview.counts["recorded"] == 7


def test_every_bad_row_is_reported_and_unknown_staff_once_each(ctx, office):
    hr = as_role(ctx, office, "hr")
    save_profile(hr, enrolments=clock_files.ENROLMENTS)
    before = (_count(hr.session, AttendanceEvent), _count(hr.session, AuditEvent))
    data = clock_files.csv_bytes("utf-8", bad=True)
    preview = preview_clock_file(hr, data)
    assert [(p.line, p.column, p.message) for p in preview.problems] == [
        (5, "", "this row has more cells than the header"),
        (6, "日期时间", "not a time like 2026-03-02 08:01:00: %(value)s"),
        (7, "日期时间", "is in the future"),
    ]
    assert [(u.key, u.name, u.punches, u.first_line) for u in preview.unknown] == [
        ("99", "王五", 3, 14)
    ]
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(hr, data)
    lines = [(e.line, e.field) for e in err.value.errors]
    assert lines == [(5, ""), (6, "日期时间"), (7, "日期时间"), (14, "登记号码")]
    assert "unknown enrolment number 99 (王五, 3 punches)" in str(err.value)
    assert (_count(hr.session, AttendanceEvent), _count(hr.session, AuditEvent)) == before


def test_the_profile_is_saved_once_and_used_for_every_import(ctx, office):
    hr = as_role(ctx, office, "hr")
    renamed = clock_files.csv_bytes().replace("日期时间".encode(), "刷卡时间".encode())
    with pytest.raises(ValidationFailed) as err:
        preview_clock_file(hr, renamed)
    assert "no punch-time column" in err.value.errors[0].reason
    save_profile(
        hr, columns={"punched_at": "刷卡时间"}, enrolments="8,E001\n12,E002\n15,E003\n99,-"
    )
    profile = load_profile(hr.session, office.office.id)
    assert profile.columns["punched_at"] == "刷卡时间" and profile.enrolments["99"] == "-"
    assert preview_clock_file(hr, renamed).ok
    # A manager of the office imports with the profile HR saved.
    result = import_clock_file(as_role(ctx, office, "manager"), renamed)
    assert result.imported == 7
    # The command line's --profile file gives the same without a saved profile.
    given = profile_from_json(profile.as_json(), {s.employee_no for s in office.staff})
    assert given.columns == profile.columns and given.enrolments == profile.enrolments


def test_a_bad_enrolment_list_names_each_line(ctx, office):
    hr = as_role(ctx, office, "hr")
    with pytest.raises(ValidationFailed) as err:
        save_profile(hr, enrolments="8,E001\n8,E002\n12\n13,E999\n14,E003\n")
    assert [(e.line, e.reason) for e in err.value.errors] == [
        (2, "this enrolment number is listed twice"),
        (3, "write the enrolment number, a comma, then the employee number (or -)"),
        (4, "no staff member has this employee number"),
    ]


@pytest.mark.parametrize("role", ["cashier", "staff"])
def test_other_roles_cannot_import_or_edit_the_profile(ctx, office, role):
    who = as_role(ctx, office, role)
    with pytest.raises(Forbidden):
        preview_clock_file(who, clock_files.csv_bytes())
    with pytest.raises(Forbidden):
        save_profile(who, enrolments="8,E001")


def test_the_older_layout_with_an_in_out_column_reads_as_it_says(ctx, office):
    # 工号 + 打卡时间 + 打卡类型: staff by employee number, in/out read from the file.
    data = (
        "工号,姓名,打卡时间,打卡类型\n"
        "E001,李明,2026-03-02 08:01,上班\n"
        "E001,李明,2026-03-02 12:00,下班\n"
        "E002,王芳,2026-03-02 08:03,签到\n"
        "E404,路人,2026-03-02 08:05,上班\n"
        "E404,路人,2026-03-02 17:05,下班\n"
    ).encode()
    manager = as_role(ctx, office, "manager")
    preview = preview_clock_file(manager, data)
    assert not preview.by_enrolment and not preview.inferred
    assert [(p.employee_no, p.kind, p.single) for p in preview.punches] == [
        ("E001", "check_in", False),
        ("E001", "sign_back", False),
        ("E002", "check_in", False),
    ]
    assert [(u.key, u.punches) for u in preview.unknown] == [("E404", 2)]
    with pytest.raises(ValidationFailed, match="unknown employee number E404"):
        import_clock_file(manager, data)
