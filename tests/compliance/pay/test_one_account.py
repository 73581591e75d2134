"""No double recovery: a damage's compensation is one account (R11 照价赔偿).

Assessed value − what was settled outside the payroll (paid to the resident by the staff
member, insurance, waived) − what pay took = what is still owed. A deduction is planned only
for what is still owed; a settlement recorded after planning cancels the rest of the plan
(planned instalments reduced or removed, taken ones never touched), and says so in the audit.
"""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.audit.models import AuditEvent
from compliance.cases.models import CaseFinding
from compliance.damages.service import record_damage, set_valuation
from compliance.errors import Conflict, ValidationFailed
from compliance.findings.models import Finding
from compliance.flows.settle_damage import settle
from compliance.pay.models import Deduction
from compliance.pay.payroll import execute_month
from compliance.pay.plans import case_money
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, plan
from tests.conftest import NOW, as_role

ASSESSED = 249_000  # ¥2,490.00, the example
APRIL = date(2026, 4, 1)


@pytest.fixture
def hr(ctx, office):
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


def _damage(hr, office, staff, value=ASSESSED):
    manager = as_role(hr, office, "manager")
    d = record_damage(
        manager,
        {
            "staff_id": staff.id,
            "unit_id": office.units[0].id,
            "item": "电视机",
            "description": "维修时碰落摔坏",
            "occurred_at": (NOW - timedelta(days=3)).isoformat(),
        },
    )
    set_valuation(hr, d.id, {"assessed_value_fen": value, "basis": "receipt"})
    return d.id


def _case_of(hr, office, staff, damage_id, fen=ASSESSED):
    """An R11 case at 'final' whose finding rests on the damage incident."""
    case, proposal = make_case(hr.session, office, staff, compensation(fen))
    finding = Finding(
        office_id=office.office.id,
        staff_id=staff.id,
        rule_code="R11",
        policy_version="1",
        params_digest="0" * 64,
        input_digest="0" * 64,
        source="detector",
        dedupe_key=f"damage:{damage_id}:{case.number}",
        occurred_at=NOW - timedelta(days=3),
        explanation_zh="损坏住户财物",
        explanation_en="Damaged a resident's property",
        evidence=json.dumps([{"kind": "damage", "id": damage_id}]),
        status="confirmed",
        created_at=NOW,
    )
    hr.session.add(finding)
    hr.session.flush()
    hr.session.add(CaseFinding(case_id=case.id, finding_id=finding.id, added_at=NOW))
    hr.session.flush()
    return case, proposal


def _events(session, action):
    rows = session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars()
    return [json.loads(e.payload) for e in rows]


def test_a_damage_paid_directly_to_the_resident_is_not_deducted_again(hr, office):
    staff = office.staff[0]
    damage = _damage(hr, office, staff)
    settle(hr, damage, {"kind": "paid_directly", "settled_at": NOW.isoformat()})
    case, proposal = _case_of(hr, office, staff, damage)

    money = case_money(hr, case.id)  # what the approval screen and case page show
    assert money.owed_fen == 0
    assert (
        "评估价 ¥2,490.00 − 已另行结清 ¥2,490.00(员工直接赔付住户 ¥2,490.00)" in (money.lines_zh[0])
    )
    assert "可从工资扣回 ¥0.00,不从工资扣款(不重复追偿)" in money.lines_zh[0]

    assert create_deductions_for_case(hr, case, proposal) == []
    assert plan(hr.session, staff.id) == []
    [account] = _events(hr.session, "deduction.compensation_account")
    assert account["damages"] == [
        {
            "damage_id": damage,
            "assessed_fen": ASSESSED,
            "settled_fen": ASSESSED,
            "owed_fen": 0,
            "planned_fen": 0,
        }
    ]


def test_only_what_is_still_owed_is_planned(hr, office):
    staff = office.staff[0]  # wage ¥5,000: cap ¥1,000 a month
    damage = _damage(hr, office, staff)
    settle(hr, damage, {"kind": "insurance", "amount_fen": 200_000, "settled_at": NOW.isoformat()})
    case, proposal = _case_of(hr, office, staff, damage)
    [d] = create_deductions_for_case(hr, case, proposal)
    assert (d.amount_fen, d.damage_id) == (49_000, damage)
    assert plan(hr.session, staff.id) == [("2026-04", d.id, 49_000, "planned")]


def test_a_settlement_after_planning_cancels_the_rest_never_what_was_taken(hr, office):
    staff = office.staff[0]
    damage = _damage(hr, office, staff)
    case, proposal = _case_of(hr, office, staff, damage)
    [d] = create_deductions_for_case(hr, case, proposal)
    assert [fen for _, _, fen, _ in plan(hr.session, staff.id)] == [100_000, 100_000, 49_000]
    record_deduction_notice(hr, case.id, "照价赔偿 ¥2,490.00,按月从工资中扣除")
    execute_month(hr, APRIL)  # ¥1,000 taken in April

    # The staff member then pays the resident ¥1,000 directly: ¥490 is left for pay.
    settle(
        hr, damage, {"kind": "paid_directly", "amount_fen": 100_000, "settled_at": NOW.isoformat()}
    )
    assert plan(hr.session, staff.id) == [
        ("2026-04", d.id, 100_000, "taken"),
        ("2026-05", d.id, 49_000, "planned"),
    ]
    [event] = _events(hr.session, "deduction.cancelled_by_settlement")
    assert (event["settled_fen"], event["cancelled_fen"]) == (100_000, 100_000)
    assert event["deductions"] == [{"deduction_id": d.id, "cancelled_fen": 100_000}]
    row = hr.session.get(Deduction, d.id)
    assert (row.amount_fen, row.cancelled_fen, row.due_fen) == (ASSESSED, 100_000, 149_000)

    # Insurance pays the rest: the plan ends with what was taken.
    settle(hr, damage, {"kind": "insurance", "settled_at": NOW.isoformat()})
    assert plan(hr.session, staff.id) == [("2026-04", d.id, 100_000, "taken")]
    # ¥1,000 taken + ¥1,490 settled = ¥2,490 assessed: nothing is owed, nothing more settles.
    with pytest.raises(Conflict):
        settle(hr, damage, {"kind": "waived", "settled_at": NOW.isoformat()})


def test_what_pay_took_cannot_be_settled_again(hr, office):
    staff = office.staff[0]
    damage = _damage(hr, office, staff)
    case, proposal = _case_of(hr, office, staff, damage)
    create_deductions_for_case(hr, case, proposal)
    record_deduction_notice(hr, case.id, "照价赔偿")
    execute_month(hr, APRIL)
    with pytest.raises(ValidationFailed) as err:
        settle(
            hr,
            damage,
            {"kind": "paid_directly", "amount_fen": 149_001, "settled_at": NOW.isoformat()},
        )
    assert [e.field for e in err.value.errors] == ["amount_fen", "amount_fen"]
    assert "more than is still owed" in err.value.errors[0].reason
    assert err.value.errors[1].reason == "¥1,490.01 > ¥2,490.00 − ¥0.00 − ¥1,000.00 = ¥1,490.00"


def test_a_second_case_on_the_same_damage_plans_nothing_more(hr, office):
    staff = office.staff[0]
    damage = _damage(hr, office, staff)
    first, p1 = _case_of(hr, office, staff, damage)
    create_deductions_for_case(hr, first, p1)
    second, p2 = _case_of(hr, office, staff, damage)
    assert create_deductions_for_case(hr, second, p2) == []
    assert sum(fen for _, _, fen, _ in plan(hr.session, staff.id)) == ASSESSED
