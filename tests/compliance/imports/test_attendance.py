"""Importing a punch-clock export with an in/out column (工号, 打卡时间, 打卡类型) through
`import_clock_file`, the one import the web page and `import attendance` use: local times to
UTC, all rows or none, one audit event, every bad row reported with its line."""

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent
from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.imports import clock
from compliance.imports.clock import import_clock_file
from compliance.staff.models import Staff
from tests.conftest import NOW, as_role
from tests.factories import T0

DATA = Path(__file__).resolve().parents[2] / "data"


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _state(session):
    return _count(session, AttendanceEvent), _count(session, AuditEvent)


@pytest.fixture
def five_staff(ctx, office):
    """The office's E001-E003 plus E004 and E005, as in the example export."""
    for no, name in (("E004", "刘洋"), ("E005", "陈静")):
        ctx.session.add(
            Staff(
                office_id=office.office.id,
                employee_no=no,
                name=name,
                team="保洁",
                position="保洁员",
                hire_date=date(2024, 1, 1),
                created_at=T0,
            )
        )
    ctx.session.flush()
    return {s.employee_no: s for s in ctx.session.execute(select(Staff)).scalars()}


@pytest.mark.parametrize("name", ["punch_clock_export.csv", "punch_clock_export.xlsx"])
def test_example_export_imports_every_punch(ctx, office, five_staff, name):
    before = _state(ctx.session)
    result = import_clock_file(ctx, (DATA / name).read_bytes(), name)
    assert (result.imported, result.recorded) == (27, 0)
    assert _state(ctx.session) == (before[0] + 27, before[1] + 1)
    li = five_staff["E001"]
    rows = (
        ctx.session.execute(
            select(AttendanceEvent)
            .where(AttendanceEvent.staff_id == li.id)
            .order_by(AttendanceEvent.at)
        )
        .scalars()
        .all()
    )
    assert len(rows) == 6
    first = rows[0]
    # 2026-03-26 07:47:00 in Shanghai is 23:47 UTC the day before; work_date stays local.
    assert first.at.replace(tzinfo=UTC) == datetime(2026, 3, 25, 23, 47, tzinfo=UTC)
    assert first.work_date == date(2026, 3, 26)
    assert (first.kind, first.source) == ("check_in", "import")
    assert rows[1].kind == "sign_back"
    assert first.created_by == office.users["manager"].id
    zhang = five_staff["E003"]
    on_27th = (
        ctx.session.execute(
            select(AttendanceEvent.kind).where(
                AttendanceEvent.staff_id == zhang.id, AttendanceEvent.work_date == date(2026, 3, 27)
            )
        )
        .scalars()
        .all()
    )
    assert on_27th == ["check_in"]  # forgot to sign back
    event = ctx.session.execute(select(AuditEvent).where(AuditEvent.seq == result.audit_seq)).one()[
        0
    ]
    assert event.action == "attendance.imported"
    assert json.loads(event.payload)["rows"] == 27
    assert json.loads(event.payload)["file_sha256"] == result.file_sha256


def test_bad_export_reports_every_bad_row_and_imports_nothing(ctx, office):
    """Every bad row is reported with its line and nothing is imported. Unlike the old import,
    a row repeating an earlier one (line 9 = line 2, the same person at the same second) is
    not an error: clocks write such repeats, and the import keeps one of them."""
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(ctx, (DATA / "attendance_bad.csv").read_bytes(), "attendance_bad.csv")
    assert [(e.line, e.field) for e in err.value.errors] == [
        (3, "工号"),  # E999 unknown
        (4, "姓名"),  # name does not match E001
        (5, "打卡时间"),  # 25:10
        (6, "打卡时间"),  # future
        (7, "打卡类型"),  # 午休
        (8, "工号"),  # missing
        (10, "打卡时间"),  # not a time
    ]
    reasons = {(e.line, e.field): e.reason for e in err.value.errors}
    assert "unknown employee number E999" in reasons[(3, "工号")]
    assert "future" in reasons[(6, "打卡时间")]
    assert reasons[(8, "工号")] == clock.EMPTY
    assert _state(ctx.session) == before
    preview = clock.preview_clock_file(ctx, (DATA / "attendance_bad.csv").read_bytes())
    assert preview.repeats == 1


def test_reimporting_the_same_export_adds_nothing(ctx, office, five_staff):
    """The old import refused a second import of the same file; this one skips the punches
    already recorded, so a re-import adds nothing (and says how many it skipped)."""
    data = (DATA / "punch_clock_export.csv").read_bytes()
    import_clock_file(ctx, data)
    before = _state(ctx.session)
    again = import_clock_file(ctx, data)
    assert (again.imported, again.recorded) == (0, 27)
    assert _state(ctx.session) == (before[0], before[1] + 1)


def test_already_recorded_punches_do_not_hide_other_bad_rows(ctx, office):
    """A recorded punch is skipped, not reported (see above); a bad row beside it still
    stops the whole file."""
    import_clock_file(ctx, "工号,打卡时间,打卡类型\nE001,2026-03-30 08:01,上班\n".encode())
    before = _state(ctx.session)
    data = "工号,打卡时间,打卡类型\nE001,2026-03-30 08:01,上班\nE002,2026-03-30 08:02,迟到\n"
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(ctx, data.encode())
    assert [(e.line, e.field) for e in err.value.errors] == [(3, "打卡类型")]
    assert _state(ctx.session) == before


def test_english_headers_short_times_and_no_name_column(ctx, office):
    data = (
        b"employee_no,punched_at,kind\n"
        b"E002,2026/3/30 8:05,check_in\n"
        b"E002,2026-03-30 17:31,sign_back\n"
    )
    assert import_clock_file(as_role(ctx, office, "admin"), data).imported == 2
    ats = (
        ctx.session.execute(
            select(AttendanceEvent.at).where(AttendanceEvent.staff_id == office.staff[1].id)
        )
        .scalars()
        .all()
    )
    assert sorted(a.replace(tzinfo=UTC) for a in ats) == [
        datetime(2026, 3, 30, 0, 5, tzinfo=UTC),
        datetime(2026, 3, 30, 9, 31, tzinfo=UTC),
    ]


def test_a_punch_within_clock_skew_is_not_future(ctx, office):
    soon = (NOW + timedelta(minutes=3)).astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M:%S")
    data = f"工号,打卡时间,打卡类型\nE001,{soon},上班\n".encode()
    assert import_clock_file(ctx, data).imported == 1


def test_a_punch_beyond_clock_skew_is_future_and_refused(ctx, office):
    later = (NOW + timedelta(hours=1)).astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M:%S")
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(ctx, f"工号,打卡时间,打卡类型\nE001,{later},上班\n".encode())
    assert [(e.line, e.field, e.reason) for e in err.value.errors] == [
        (2, "打卡时间", clock.FUTURE)
    ]
    assert _state(ctx.session) == before


def test_a_time_that_does_not_exist_in_the_zone_is_refused(ctx, office):
    """Refused as not a time (the old import's reason said the time does not exist)."""
    ny = ctx.settings.model_copy(update={"timezone": "America/New_York"})
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(
            dataclasses.replace(ctx, settings=ny),
            "工号,打卡时间,打卡类型\nE001,2026-03-08 02:30,上班\n".encode(),
        )
    assert [(e.line, e.field) for e in err.value.errors] == [(2, "打卡时间")]
    assert "2026-03-08 02:30" in err.value.errors[0].reason


def test_missing_columns_are_reported(ctx, office):
    """The punch time is the one column every file needs, and staff are found by 工号 or
    登记号码; 打卡类型 may be missing now (in/out is then inferred per duty)."""
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(ctx, "工号,姓名\nE001,李明\n".encode())
    assert [(e.field, e.reason) for e in err.value.errors] == [("file", clock.NO_TIME_COLUMN)]
    with pytest.raises(ValidationFailed) as err:
        import_clock_file(ctx, "姓名,打卡时间\n李明,2026-03-30 08:01\n".encode())
    assert [(e.field, e.reason) for e in err.value.errors] == [("file", clock.NO_ID_COLUMN)]


def test_unknown_columns_are_ignored(ctx, office):
    data = "工号,打卡时间,打卡类型,备注\nE001,2026-03-30 08:01,上班,早到\n".encode()
    assert import_clock_file(ctx, data).imported == 1


@pytest.mark.parametrize("role", ["cashier", "staff"])
def test_other_roles_cannot_import_attendance(ctx, office, role):
    """Manager and admin may import (above), and now HR too: HR keeps the clock's
    enrolment list (Permission.IMPORT_ATTENDANCE). Nothing is written on refusal."""
    before = _state(ctx.session)
    with pytest.raises(Forbidden):
        import_clock_file(as_role(ctx, office, role), (DATA / "attendance_bad.csv").read_bytes())
    assert _state(ctx.session) == before


def test_hr_may_import_attendance(ctx, office):
    data = "工号,打卡时间,打卡类型\nE001,2026-03-30 08:01,上班\n".encode()
    assert import_clock_file(as_role(ctx, office, "hr"), data).imported == 1
