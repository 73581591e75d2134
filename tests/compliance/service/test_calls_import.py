"""The front desk's call log from a phone system's export (第2篇 1、: 来电不得超过三声必须接听):
each encoding, both layouts (振铃次数 / 振铃时长), a bad row named, unknown extensions listed once,
preview writes nothing, a re-import skips what is recorded."""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.imports.calls import (
    import_calls_file,
    load_profile,
    preview_calls_file,
    save_profile,
    seconds,
)
from compliance.service.models import ServiceCall
from tests.compliance.service.emerg_helpers import front_desk
from tests.conftest import as_role

TZ = ZoneInfo("Asia/Shanghai")
HEADER = ["通话ID", "来电时间", "主叫号码", "振铃次数", "通话时长", "接听坐席", "是否接听"]
ROWS = [
    ["C1001", "2026-03-02 08:01:05", "13812345678", "2", "00:01:35", "8001", "是"],
    ["C1002", "2026-03-02 09:15:00", "13900000001", "4", "65", "8002", "是"],
    ["C1003", "2026-03-02 10:00:00", "13900000002", "", "0", "", "否"],
]
EXTENSIONS = "8001,E001\n8002,E002\n8009,-\n"


def _csv(header, rows, encoding="utf-8"):
    text = "\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n"
    return text.encode(encoding)


def _xlsx(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["呼叫中心通话记录 2026-03"])
    ws.append(header)
    for r in rows:
        ws.append([datetime.fromisoformat(c) if c.startswith("2026-") else c for c in r])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _count(session):
    return session.execute(select(func.count()).select_from(ServiceCall)).scalar_one()


def _local(at):
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(TZ).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def desk(ctx, office):
    desk = front_desk(ctx, office)
    save_profile(desk, extensions=EXTENSIONS)
    return desk


@pytest.mark.parametrize(
    "data",
    [
        _csv(HEADER, ROWS),
        b"\xef\xbb\xbf" + _csv(HEADER, ROWS),
        _csv(HEADER, ROWS, "gbk"),
        _xlsx(HEADER, ROWS),
    ],
    ids=["utf8", "utf8-bom", "gbk", "xlsx"],
)
def test_each_encoding_imports_the_same_calls(desk, office, data):
    preview = preview_calls_file(desk, data)
    assert preview.ok, preview.errors()
    assert _count(desk.session) == 0  # the preview writes nothing
    result = import_calls_file(desk, data, "calls.csv")
    assert (result.imported, result.recorded, result.missed) == (3, 0, 1)
    rows = desk.session.execute(select(ServiceCall).order_by(ServiceCall.called_at)).scalars().all()
    assert [_local(r.called_at) for r in rows] == [
        "2026-03-02 08:01", "2026-03-02 09:15", "2026-03-02 10:00",
    ]  # fmt: skip
    assert [r.rings for r in rows] == [2, 4, None]
    assert [r.duration_seconds for r in rows] == [95, 65, 0]
    assert [r.answered for r in rows] == [True, True, False]
    assert [r.answered_by_staff_id for r in rows] == [office.staff[0].id, office.staff[1].id, None]
    assert {r.source for r in rows} == {"import"}
    assert [r.source_key for r in rows] == ["id:C1001", "id:C1002", "id:C1003"]


def test_caller_unit_from_the_residents_phone(desk, office):
    # Every unit's resident in the factory has 13812345678: not one unit, so none is guessed.
    data = _csv([*HEADER, "房号"], [[*ROWS[0], "1栋 102"], [*ROWS[1], ""]])
    import_calls_file(desk, data)
    rows = desk.session.execute(select(ServiceCall).order_by(ServiceCall.called_at)).scalars().all()
    assert [r.unit_id for r in rows] == [office.units[1].id, None]


def test_seconds_layout_and_answered_inferred_from_the_length(desk):
    header = ["来电时间", "主叫号码", "振铃时长(秒)", "通话时长(秒)", "分机"]
    rows = [
        ["2026/3/2 8:01", "13800000000", "12", "30", "8001"],
        ["2026/3/2 8:02", "13800000001", "", "0", ""],
    ]
    preview = preview_calls_file(desk, _csv(header, rows))
    assert preview.ok, preview.errors()
    assert [(c.answer_seconds, c.rings, c.answered) for c in preview.calls] == [
        (12, None, True), (None, None, False),
    ]  # fmt: skip
    # Without a call id the key is a digest of the call: the same on a second read.
    again = preview_calls_file(desk, _csv(header, rows))
    assert [c.source_key for c in again.calls] == [c.source_key for c in preview.calls]
    assert len(preview.calls[0].source_key) == 64


def test_a_bad_row_is_named_and_nothing_is_imported(desk):
    rows = [
        ROWS[0],
        ["C2", "2026-03-02 25:00:00", "13800000000", "2", "10", "8001", "是"],
        ["C3", "2026-03-02 11:00:00", "13800000000", "三", "10", "8001", "是"],
        ["C4", "2026-03-02 11:05:00", "13800000000", "2", "1分钟", "8001", "是"],
        ["C5", "2026-03-02 11:10:00", "13800000000", "2", "10", "8001", "也许"],
        ["C6", "2026-03-02 11:15:00", "13800000000", "", "10", "8001", "是"],
        ["C7", "2099-03-02 11:15:00", "13800000000", "1", "10", "8001", "是"],
    ]
    preview = preview_calls_file(desk, _csv(HEADER, rows))
    assert not preview.ok
    got = [(p.line, p.column) for p in preview.problems]
    assert got == [
        (3, "来电时间"), (4, "振铃次数"), (5, "通话时长"), (6, "是否接听"), (7, "振铃次数"),
        (8, "来电时间"),
    ]  # fmt: skip
    assert "25:00:00" in preview.problems[0].text()
    with pytest.raises(ValidationFailed) as exc:
        import_calls_file(desk, _csv(HEADER, rows))
    assert [e.line for e in exc.value.errors] == [3, 4, 5, 6, 7, 8]
    assert _count(desk.session) == 0


def test_unknown_extension_listed_once_then_mapped(desk, office):
    rows = [
        [*ROWS[0][:5], "8123", "是"],
        ["C9", "2026-03-02 12:00:00", "13800000000", "1", "10", "8123", "是"],
        ["C10", "2026-03-02 12:10:00", "13800000000", "1", "10", "8009", "是"],  # marked -
        ["C11", "2026-03-02 12:20:00", "13800000000", "1", "10", "张伟", "是"],  # a name
    ]
    preview = preview_calls_file(desk, _csv(HEADER, rows))
    assert [(u.key, u.calls, u.first_line) for u in preview.unknown] == [("8123", 2, 2)]
    with pytest.raises(ValidationFailed):
        import_calls_file(desk, _csv(HEADER, rows))
    assert _count(desk.session) == 0
    save_profile(desk, extensions=EXTENSIONS + "8123,E003\n")
    assert load_profile(desk).enrolments["8123"] == "E003"
    import_calls_file(desk, _csv(HEADER, rows))
    staff = (
        desk.session.execute(
            select(ServiceCall.answered_by_staff_id).order_by(ServiceCall.called_at)
        )
        .scalars()
        .all()
    )
    assert staff == [office.staff[2].id, office.staff[2].id, None, office.staff[2].id]


def test_bad_extension_line_is_named(desk):
    with pytest.raises(ValidationFailed) as exc:
        save_profile(desk, extensions="8001,E001\n8002\n8003,E999\n")
    assert [(e.field, e.line) for e in exc.value.errors] == [("extensions", 2), ("extensions", 3)]


def test_reimport_skips_what_is_recorded(desk):
    import_calls_file(desk, _csv(HEADER, ROWS[:2]))
    preview = preview_calls_file(desk, _csv(HEADER, ROWS))
    assert preview.counts["new"] == 1 and preview.counts["recorded"] == 2
    result = import_calls_file(desk, _csv(HEADER, ROWS))
    assert (result.imported, result.recorded) == (1, 2)
    again = import_calls_file(desk, _xlsx(HEADER, ROWS))
    assert (again.imported, again.recorded) == (0, 3)
    assert _count(desk.session) == 3
    audits = desk.session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "service_call.imported")
    ).scalar_one()
    assert audits == 3


def test_the_same_call_twice_in_a_file_is_one_call(desk):
    preview = preview_calls_file(desk, _csv(HEADER, [ROWS[0], ROWS[0]]))
    assert preview.ok and preview.counts["new"] == 1 and preview.repeats == 1


def test_a_file_without_a_ring_figure_is_refused(desk):
    with pytest.raises(ValidationFailed) as exc:
        preview_calls_file(desk, _csv(["来电时间", "主叫号码"], [["2026-03-02 08:00", "1"]]))
    assert "振铃次数" in exc.value.errors[0].reason


def test_staff_may_not_import(ctx, office):
    with pytest.raises(Forbidden):
        preview_calls_file(as_role(ctx, office, "staff"), _csv(HEADER, ROWS))


@pytest.mark.parametrize(
    ("text", "value"), [("65", 65), ("65秒", 65), ("1:05", 65), ("00:01:05", 65), ("1:00:00", 3600)]
)
def test_seconds_forms(text, value):
    assert seconds(text) == value


@pytest.mark.parametrize("text", ["1:75", "abc", "-3", "1.5"])
def test_seconds_refused(text):
    with pytest.raises(ValueError):
        seconds(text)


def test_times_are_office_time(desk):
    preview = preview_calls_file(desk, _csv(HEADER, ROWS[:1]))
    assert preview.calls[0].called_at == datetime(2026, 3, 2, 0, 1, 5, tzinfo=UTC)
