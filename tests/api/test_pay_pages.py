"""Pay on the pages: the case page always shows the deduction plan, in words when nothing can
be taken; closing such a case asks for an acknowledgement; any future month can be previewed."""

from sqlalchemy import update

from compliance.accounts import tokens
from compliance.cases.models import Case, CaseStatus
from compliance.pay.leaving import record_leaving
from compliance.pay.service import create_deductions_for_case
from tests.compliance.pay.helpers import MIN_WAGE, add_min_wage, compensation, make_case, set_wage
from tests.conftest import as_role

TEXT = "工资 ¥2,360.00 = 当地最低工资标准 ¥2,360.00"


def _case_at_minimum_wage(ctx, office, session, executed):
    add_min_wage(session)
    staff = office.staff[0]
    set_wage(session, staff, MIN_WAGE)
    # As the engine stores them: each outcome with its notes, the reasoning as JSON.
    outcomes = [{**o, "note_zh": "", "note_en": ""} for o in compensation(50_000)]
    case, proposal = make_case(session, office, staff, outcomes)
    proposal.reasoning = "{}"
    session.add(proposal)
    if executed:
        create_deductions_for_case(as_role(ctx, office, "hr"), case, proposal)
        session.execute(
            update(Case).where(Case.id == case.id).values(status=CaseStatus.EXECUTED.value)
        )
    session.commit()
    return case.id


def test_the_case_page_says_nothing_can_be_taken_with_the_figures(browser, ctx, office, session):
    case_id = _case_at_minimum_wage(ctx, office, session, executed=False)
    page = browser("hr").client.get(f"/cases/{case_id}").text
    assert 'id="schedule"' in page and "扣款计划" in page
    assert "无法扣款" in page and TEXT in page
    assert "预览:案件执行时排入扣款计划" in page


def test_closing_such_a_case_needs_the_acknowledgement_box(browser, ctx, office, session):
    case_id = _case_at_minimum_wage(ctx, office, session, executed=True)
    hr = browser("hr")
    page = hr.client.get(f"/cases/{case_id}").text
    assert 'name="acknowledge_unrecoverable"' in page
    refused = hr.post(f"/cases/{case_id}/close", {"confirm": "1"})
    assert refused.status_code == 422 and TEXT in refused.text
    done = hr.post(f"/cases/{case_id}/close", {"acknowledge_unrecoverable": "1", "confirm": "1"})
    assert done.status_code == 303


def test_a_future_month_is_a_read_only_preview(browser, ctx, office, session):
    add_min_wage(session)
    session.commit()
    hr = browser("hr")
    page = hr.client.get("/payroll?month=2027-06")
    assert page.status_code == 200 and 'id="preview"' in page.text
    assert "/payroll/execute" not in page.text
    assert hr.client.get("/payroll/2027-06.csv").status_code == 200
    assert hr.post("/payroll/execute", {"month": "2027-06", "confirm": "yes"}).status_code == 422


def test_after_leaving_the_case_page_shows_the_unrecovered_balance(browser, ctx, office, session):
    add_min_wage(session)
    staff = office.staff[0]  # ¥5,000: ¥1,000 a month
    outcomes = [{**o, "note_zh": "", "note_en": ""} for o in compensation(500_000)]
    case, proposal = make_case(session, office, staff, outcomes)
    proposal.reasoning = "{}"
    session.add(proposal)
    hr = as_role(ctx, office, "hr")
    create_deductions_for_case(hr, case, proposal)
    record_leaving(hr, staff.id, {"left_on": "2026-03-31", "reason": "resigned"})
    page = browser("hr").client.get(f"/cases/{case.id}").text
    assert "未追回余额(须另行民事追偿)" in page and "¥4,000.00" in page
    assert "最后工资月为 2026-03" in page


def test_the_json_api_close_takes_the_acknowledgement_too(client, ctx, office, session):
    case_id = _case_at_minimum_wage(ctx, office, session, executed=True)
    token = tokens.create_token(as_role(ctx, office, "hr"), {"name": "test"}).token
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post(f"/api/cases/{case_id}/close", headers=headers)
    assert refused.status_code == 422 and "acknowledg" in refused.text
    done = client.post(
        f"/api/cases/{case_id}/close?acknowledge_unrecoverable=true", headers=headers
    )
    assert done.status_code == 200 and done.json()["status"] == "closed"
