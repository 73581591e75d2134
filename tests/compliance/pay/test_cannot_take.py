"""Say plainly when money cannot be taken, and make closing such a case an explicit choice.

《工资支付暂行规定》第十六条: at most 20% of the month's wage, and the wage left not below the
local minimum wage. A wage at the minimum leaves a cap of zero: the case page, the approval
screen and the dossier say so with the figures; closing the case needs an acknowledgement.
"""

import json
from datetime import date

import pytest
from sqlalchemy import select, update

from compliance.audit.models import AuditEvent
from compliance.cases.models import Case, CaseStatus, CaseStep
from compliance.dossiers.viewmodel import build_content
from compliance.errors import GuardrailViolation
from compliance.flows import execute as case_execute
from compliance.pay.plans import case_money, case_pay_on
from compliance.pay.service import create_deductions_for_case
from tests.compliance.pay.helpers import MIN_WAGE, add_min_wage, compensation, make_case, set_wage
from tests.conftest import as_role

TEXT = "工资 ¥2,360.00 = 当地最低工资标准 ¥2,360.00"


@pytest.fixture
def hr(ctx, office):
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


def _executed(hr, office, staff, fen):
    case, proposal = make_case(hr.session, office, staff, compensation(fen))
    create_deductions_for_case(hr, case, proposal)
    hr.session.execute(
        update(Case).where(Case.id == case.id).values(status=CaseStatus.EXECUTED.value)
    )
    hr.session.commit()  # a refused step rolls back its own transaction only
    return case, proposal


def test_before_execution_the_plan_says_nothing_can_be_taken_with_the_figures(hr, office):
    staff = office.staff[0]
    set_wage(hr.session, staff, MIN_WAGE)
    case, proposal = make_case(hr.session, office, staff, compensation(50_000))
    money = case_money(hr, case.id)
    assert (money.executed, money.owed_fen, money.needs_ack) == (False, 50_000, True)
    assert TEXT in money.notes_zh[0] and "无法扣款" in money.notes_zh[0]
    assert "wage ¥2,360.00 = the local minimum wage ¥2,360.00" in money.notes_en[0]
    # The dossier prints the same words, as of the day it is printed.
    printed = case_pay_on(hr.session, hr.settings, case, proposal, date(2026, 3, 31))
    assert printed.notes_zh == money.notes_zh


def test_a_plan_beyond_twelve_months_is_said_on_the_case(hr, office):
    staff = office.staff[0]
    set_wage(hr.session, staff, 250_000)  # ¥140 a month
    case, _ = make_case(hr.session, office, staff, compensation(200_000))
    money = case_money(hr, case.id)
    assert money.note_keys == ["long"]
    assert "扣款计划共 15 个月(2026-04 至 2027-06)" in money.notes_zh[0]


def test_closing_a_case_pay_cannot_take_needs_an_acknowledgement(hr, office):
    staff = office.staff[0]
    set_wage(hr.session, staff, MIN_WAGE)
    case, _ = _executed(hr, office, staff, 50_000)
    with pytest.raises(GuardrailViolation) as err:
        case_execute.close(hr, case.id)
    assert TEXT in err.value.text("zh") and "确认" in err.value.text("zh")
    assert hr.session.get(Case, case.id).status == CaseStatus.EXECUTED.value
    case_execute.close(hr, case.id, acknowledge_unrecoverable=True)
    assert hr.session.get(Case, case.id).status == CaseStatus.CLOSED.value
    assert (
        hr.session.execute(
            select(CaseStep.to_status).where(
                CaseStep.case_id == case.id, CaseStep.action == "close"
            )
        ).scalar_one()
        == CaseStatus.CLOSED.value
    )
    event = hr.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.close")
    ).scalar_one()
    assert TEXT in json.dumps(json.loads(event.payload)["acknowledged"], ensure_ascii=False)


def test_a_case_paid_off_within_a_year_closes_without_one(hr, office):
    staff = office.staff[0]  # ¥5,000: ¥1,000 a month
    case, _ = _executed(hr, office, staff, 50_000)
    assert case_money(hr, case.id).note_keys == []
    case_execute.close(hr, case.id)
    assert hr.session.get(Case, case.id).status == CaseStatus.CLOSED.value


def test_the_dossier_prints_the_account_and_what_cannot_be_taken(hr, office):
    staff = office.staff[0]
    set_wage(hr.session, staff, MIN_WAGE)
    case, _ = _executed(hr, office, staff, 50_000)
    zh = build_content(hr.session, hr.settings, case, "zh", date(2026, 3, 31)).pay_notes
    assert any(TEXT in line and "无法扣款" in line for line in zh)
    en = build_content(hr.session, hr.settings, case, "en", date(2026, 3, 31)).pay_notes
    assert any("wage ¥2,360.00 = the local minimum wage ¥2,360.00" in line for line in en)
