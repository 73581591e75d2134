"""Work orders, punches and the roster on the web: list, add, correct with a reason (the
audit event holds the reason and the old and new values), forms that keep what was typed,
permission refusals, and a record a case cites kept as the case read it."""

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit.models import AuditEvent
from compliance.findings.service import raise_manual
from compliance.flows.open_case import confirm_into_case
from compliance.visits.models import Visit
from tests.conftest import NOW

SH = "+08:00"


def _last_audit(session, action):
    row = (
        session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        )
        .scalars()
        .first()
    )
    assert row is not None, action
    return json.loads(row.payload)


def _visit_form(office, **over):
    form = {
        "staff_id": str(office.staff[0].id),
        "unit_id": str(office.units[1].id),
        "kind": "repair",
        "description": "厨房水龙头漏水",
        "requested_at": "2026-03-30T08:10",
        "assigned_at": "2026-03-30T08:20",
        "arrived_at": "2026-03-30T09:00",
        "done_at": "2026-03-30T09:40",
        "left_at": "2026-03-30T09:45",
        "outcome": "更换阀芯",
    }
    form.update(over)
    return form


def test_visits_add_list_and_correct_with_a_reason(browser, office, session):
    b = browser("manager")
    assert "新增工单" in b.client.get("/visits").text
    r = b.post("/visits/new", _visit_form(office))
    assert r.status_code == 303, r.text
    v = session.execute(select(Visit)).scalar_one()
    # Typed in office time, stored in UTC; every step recorded.
    assert v.requested_at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 0, 10, tzinfo=UTC)
    assert v.left_at is not None and v.outcome == "更换阀芯"
    listed = b.client.get("/visits?month=2026-03").text
    assert "厨房水龙头漏水" in listed and "2026-03-30 09:00" in listed and "维修" in listed
    assert "repair" not in listed
    assert "厨房水龙头漏水" not in b.client.get("/visits?month=2026-02").text
    other = office.staff[1]
    assert "厨房水龙头漏水" not in b.client.get(f"/visits?staff={other.id}").text

    edit = b.client.get(f"/visits/{v.id}/edit").text
    assert 'value="2026-03-30T09:00"' in edit and "更正原因" in edit
    # No reason: refused, the form keeps what was typed, nothing changes.
    no_reason = b.post(f"/visits/{v.id}/edit", _visit_form(office, arrived_at="2026-03-30T08:55"))
    assert no_reason.status_code == 422
    assert "请说明更正原因" in no_reason.text and 'value="2026-03-30T08:55"' in no_reason.text
    session.refresh(v)
    assert v.arrived_at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 1, 0, tzinfo=UTC)
    ok = b.post(
        f"/visits/{v.id}/edit",
        _visit_form(office, arrived_at="2026-03-30T08:55", reason="到达时间录错"),
    )
    assert ok.status_code == 303, ok.text
    payload = _last_audit(session, "visit.corrected")
    assert payload["reason"] == "到达时间录错"
    assert payload["before"] == {"arrived_at": "2026-03-30T01:00:00+00:00"}
    assert payload["after"] == {"arrived_at": "2026-03-30T00:55:00+00:00"}
    # The edit page lists the correction: who, why, the old and the new value in office time.
    again = b.client.get(f"/visits/{v.id}/edit").text
    assert "以往的更正" in again and "到达时间录错" in again
    assert "2026-03-30 09:00 → 2026-03-30 08:55" in again


def test_visit_form_errors_are_in_chinese_and_keep_the_input(browser, office, session):
    b = browser("manager")
    bad = b.post(
        "/visits/new",
        _visit_form(office, done_at="昨天", description="门锁坏了"),
    )
    assert bad.status_code == 422
    assert "日期时间格式不对" in bad.text and 'value="昨天"' in bad.text
    assert "门锁坏了" in bad.text
    bad = b.post("/visits/new", _visit_form(office, arrived_at="2026-03-30T08:00"))
    assert bad.status_code == 422 and "不能早于报修时间" in bad.text  # before the request
    assert 'value="2026-03-30T08:00"' in bad.text
    assert session.execute(select(Visit)).first() is None
    # Done without the arrival; left before done; one error per field, all at once.
    bad = b.post("/visits/new", _visit_form(office, arrived_at="", left_at="2026-03-30T09:30"))
    assert bad.status_code == 422 and "请先填写到达时间" in bad.text
    assert session.execute(select(Visit)).first() is None


def test_visit_pages_refuse_hr_and_staff_the_forms(browser, office):
    hr = browser("hr")
    assert hr.client.get("/visits").status_code == 200
    assert hr.client.get("/visits/new").status_code == 403
    assert hr.post("/visits/new", _visit_form(office)).status_code == 403
    assert browser("staff").client.get("/visits").status_code == 403


def test_punch_add_list_correct_and_the_audit_trail(browser, office, session):
    m = browser("manager")
    form = {"staff_id": str(office.staff[0].id), "kind": "check_in", "at": "2026-03-30T08:03"}
    assert m.post("/attendance/new", form).status_code == 303
    p = session.execute(select(AttendanceEvent)).scalar_one()
    assert p.at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 0, 3, tzinfo=UTC)
    page = m.client.get("/attendance?date_from=2026-03-30&date_to=2026-03-30").text
    assert "2026-03-30 08:03" in page and "报到" in page and "check_in" not in page
    # HR corrects it (补卡 is HR's too); HR may not add one.
    hr = browser("hr")
    assert hr.client.get("/attendance/new").status_code == 403
    missing = hr.post(f"/attendance/{p.id}/edit", {**form, "at": "2026-03-30T07:58"})
    assert missing.status_code == 422 and 'value="2026-03-30T07:58"' in missing.text
    same = hr.post(f"/attendance/{p.id}/edit", {**form, "reason": "核对"})
    assert same.status_code == 422 and "没有任何改动" in same.text
    r = hr.post(
        f"/attendance/{p.id}/edit", {**form, "at": "2026-03-30T07:58", "reason": "考勤机慢了5分钟"}
    )
    assert r.status_code == 303, r.text
    payload = _last_audit(session, "attendance.punch_corrected")
    assert payload["before"]["at"] == "2026-03-30T00:03:00+00:00"
    assert payload["after"]["at"] == "2026-03-29T23:58:00+00:00"
    assert payload["reason"] == "考勤机慢了5分钟"
    session.refresh(p)
    assert str(p.work_date) == "2026-03-30"
    assert browser("staff").client.get("/attendance").status_code == 403
    assert browser("cashier").post(f"/attendance/{p.id}/edit", form).status_code == 403


def test_a_punch_a_case_cites_is_not_changed(browser, office, session, ctx):
    m = browser("manager")
    form = {"staff_id": str(office.staff[0].id), "kind": "check_in", "at": "2026-03-30T08:30"}
    assert m.post("/attendance/new", form).status_code == 303
    p = session.execute(select(AttendanceEvent)).scalar_one()
    finding = raise_manual(
        ctx,
        {
            "rule_code": "R02",
            "staff_id": office.staff[0].id,
            "occurred_at": NOW,
            "note": "迟到",
            "evidence": [{"kind": "attendance", "id": p.id}],
        },
    )
    # An open finding cites it: the correction goes through and names the finding.
    hr = browser("hr")
    ok = hr.post(f"/attendance/{p.id}/edit", {**form, "at": "2026-03-30T08:31", "reason": "核对"})
    assert ok.status_code == 303
    assert _last_audit(session, "attendance.punch_corrected")["cited_by_findings"] == [finding.id]
    case = confirm_into_case(ctx, finding.id, "确认")
    refused = hr.post(
        f"/attendance/{p.id}/edit", {**form, "at": "2026-03-30T08:00", "reason": "改回"}
    )
    assert refused.status_code == 409
    assert case.number in refused.text and "不能再修改" in refused.text
    assert 'value="2026-03-30T08:00"' in refused.text
    session.refresh(p)
    assert p.at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 0, 31, tzinfo=UTC)


def test_roster_add_a_night_shift_and_correct_it(browser, office, session):
    m = browser("manager")
    form = {
        "staff_id": str(office.staff[1].id),
        "work_date": "2026-03-30",
        "start": "22:00",
        "end": "06:00",
    }
    assert m.post("/rosters/new", form).status_code == 303
    s = session.execute(select(RosterShift)).scalar_one()
    assert s.end_at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)  # 06:00 +1
    listed = m.client.get("/rosters?month=2026-03").text
    assert "22:00 – 06:00" in listed and "次日" in listed
    dup = m.post("/rosters/new", form)
    assert dup.status_code == 422 and "该员工当天已有排班" in dup.text
    bad = m.post("/rosters/new", {**form, "work_date": "2026-03-31", "start": "25:00"})
    assert bad.status_code == 422 and "时间格式不对" in bad.text and 'value="25:00"' in bad.text
    r = m.post(f"/rosters/{s.id}/edit", {**form, "start": "21:00", "reason": "调班"})
    assert r.status_code == 303, r.text
    payload = _last_audit(session, "attendance.shift_corrected")
    assert payload["before"] == {"start_at": "2026-03-30T14:00:00+00:00"}
    assert payload["reason"] == "调班"
    assert browser("cashier").client.get("/rosters").status_code == 403


def test_exceptions_page_csv_and_print(browser, office, session):
    m = browser("manager")
    a, b = office.staff[0], office.staff[1]
    for s in (a, b):
        f = {"staff_id": str(s.id), "work_date": "2026-03-24", "start": "08:00", "end": "17:00"}
        assert m.post("/rosters/new", f).status_code == 303
    punches = [(a, "check_in", "08:01"), (a, "sign_back", "17:05")]
    for s, kind, hhmm in punches:
        f = {"staff_id": str(s.id), "kind": kind, "at": f"2026-03-24T{hhmm}"}
        assert m.post("/attendance/new", f).status_code == 303
    hr = browser("hr")
    page = hr.client.get("/attendance/exceptions?month=2026-03").text
    assert "迟到" in page and "1 分钟" in page and "全天缺勤" in page
    assert "late" not in page and "absent" not in page
    bad = hr.client.get("/attendance/exceptions?month=2026-13")
    assert bad.status_code == 200 and "月份格式不对" in bad.text
    r = hr.client.get("/attendance/exceptions.csv?month=2026-03")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][0] == "日期" and rows[0][-1] == "迟到分钟数"
    body = {(row[1], row[4], row[-1]) for row in rows[1:]}
    assert body == {(a.employee_no, "迟到", "1"), (b.employee_no, "全天缺勤", "0")}
    assert sum(1 for row in rows if row[0] == "日期") == 1
    printed = hr.client.get("/attendance/exceptions/print?month=2026-03").text
    assert "碧水湾管理处" in printed and "迟到" in printed and "data-print" in printed
    en = hr.client.get("/lang/en?next=/", follow_redirects=False)
    assert en.status_code == 303
    assert "Absent all day" in hr.client.get("/attendance/exceptions?month=2026-03").text


def test_a_work_order_a_case_cites_is_not_changed(browser, office, session, ctx):
    m = browser("manager")
    assert m.post("/visits/new", _visit_form(office)).status_code == 303
    v = session.execute(select(Visit)).scalar_one()
    finding = raise_manual(
        ctx,
        {
            "rule_code": "R03",
            "staff_id": office.staff[0].id,
            "occurred_at": NOW,
            "note": "未按门铃",
            "evidence": [{"kind": "visit", "id": v.id}],
        },
    )
    case = confirm_into_case(ctx, finding.id, "确认")
    r = m.post(f"/visits/{v.id}/edit", _visit_form(office, left_at="", reason="离开时间不对"))
    assert r.status_code == 409 and case.number in r.text
    assert "离开时间不对" in r.text  # the reason typed is kept
    session.refresh(v)
    assert v.left_at is not None


def test_a_correction_on_a_stale_form_is_refused_not_overwritten(browser, office, session):
    import re

    m = browser("manager")
    form = {"staff_id": str(office.staff[0].id), "kind": "check_in", "at": "2026-03-30T08:30"}
    assert m.post("/attendance/new", form).status_code == 303
    p = session.execute(select(AttendanceEvent)).scalar_one()
    page = m.client.get(f"/attendance/{p.id}/edit").text
    token = re.search(r'name="seen" value="([0-9a-f]+)"', page).group(1)
    first = {**form, "at": "2026-03-30T08:20", "reason": "甲改", "seen": token}
    assert m.post(f"/attendance/{p.id}/edit", first).status_code == 303
    # A second person, on the page they opened before the first correction.
    second = {**form, "at": "2026-03-30T08:10", "reason": "乙改", "seen": token}
    r = m.post(f"/attendance/{p.id}/edit", second)
    assert r.status_code == 409 and "有人修改了这条记录" in r.text
    assert 'value="2026-03-30T08:10"' in r.text and "乙改" in r.text
    session.refresh(p)
    assert p.at.replace(tzinfo=UTC) == datetime(2026, 3, 30, 0, 20, tzinfo=UTC)
