"""The web overtime form: the request is linked to its work order, and the director's
approval is dated when it was given, with who entered it, when, and why late (R09, 第九条)."""

from datetime import UTC, datetime

from sqlalchemy import select

from compliance.overtime.models import OvertimeRequest
from compliance.visits.service import create_visit


def _request(office, **over: str) -> dict[str, str]:
    data = {
        "staff_id": str(office.staff[0].id),
        "unit_id": str(office.units[0].id),
        "reason": "住户家中漏水,需晚间继续维修",
        "requested_at": "2026-03-31T08:00",
    }
    data.update(over)
    return data


def test_the_request_form_links_the_work_order(browser, office, session, ctx):
    visit = create_visit(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "requested_at": "2026-03-31T07:30:00+08:00",
        },
    )
    other = create_visit(
        ctx,
        {
            "staff_id": office.staff[1].id,
            "unit_id": office.units[0].id,
            "requested_at": "2026-03-31T07:30:00+08:00",
        },
    )
    b = browser("manager")
    form = b.client.get("/overtime").text
    assert 'name="visit_id"' in form and "工单号" in form
    bad = b.post("/overtime/new", _request(office, visit_id=str(other.id)))
    assert bad.status_code == 422 and 'id="visit_id-error"' in bad.text
    assert "该工单属于其他员工或其他房号" in bad.text
    assert session.execute(select(OvertimeRequest)).first() is None
    ok = b.post("/overtime/new", _request(office, visit_id=str(visit.id)))
    assert ok.status_code == 303
    row = session.execute(select(OvertimeRequest)).scalar_one()
    assert row.visit_id == visit.id
    assert f"工单 #{visit.id}" in b.client.get("/overtime").text


def test_an_approval_given_by_phone_is_dated_then_and_a_late_entry_needs_a_reason(
    browser, office, session
):
    b = browser("manager")
    assert b.post("/overtime/new", _request(office)).status_code == 303
    request_id = session.execute(select(OvertimeRequest.id)).scalar_one()
    d = browser("director")
    page = d.client.get("/overtime").text
    assert 'name="decided_at"' in page and 'name="late_entry_reason"' in page
    given = {"decision": "approved", "rearranged_others": "on", "decided_at": "2026-03-31T09:00"}
    late = d.post(f"/overtime/{request_id}/decision", given)  # entered at 12:00, 3 h later
    assert late.status_code == 422 and 'id="late-reason-' in late.text
    assert "必须写明补录原因" in late.text and 'value="2026-03-31T09:00"' in late.text
    row = session.get(OvertimeRequest, request_id)
    assert row.decision == "pending"
    ok = d.post(f"/overtime/{request_id}/decision", {**given, "late_entry_reason": "主任电话批准"})
    assert ok.status_code == 303
    session.refresh(row)
    assert row.decided_at == datetime(2026, 3, 31, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    assert row.entered_at == datetime(2026, 3, 31, 4, 0, tzinfo=UTC)  # the clock, 12:00
    assert row.entered_by == row.decided_by and row.approver_was_director is True
    assert row.late_entry_reason == "主任电话批准"
    shown = d.client.get("/overtime").text
    assert "补录原因" in shown and "主任电话批准" in shown
