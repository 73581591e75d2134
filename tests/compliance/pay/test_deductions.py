"""Deductions from a case and their monthly instalments under the 20% cap and the floor."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.pay.models import Deduction, Instalment, InstalmentStatus
from compliance.pay.service import create_deductions_for_case, replan_staff
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, plan, set_wage
from tests.conftest import as_role


@pytest.fixture
def hr(ctx, office):
    """HR, with the city's minimum wage recorded."""
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


def _deduct(hr, office, staff, outcomes, rule_code="R11"):
    case, proposal = make_case(hr.session, office, staff, outcomes, rule_code)
    return case, create_deductions_for_case(hr, case, proposal)


def test_r11_compensation_hits_the_cap_over_three_months(hr, office):
    staff = office.staff[0]  # wage ¥5,000
    case, [d] = _deduct(hr, office, staff, compensation(250_000))
    assert (d.kind, d.amount_fen, d.start_month, d.legal_risk) == (
        "compensation",
        250_000,
        date(2026, 4, 1),  # the month after execution (2026-03-31 Shanghai)
        False,
    )
    assert case.number in d.reason and "照价赔偿" in d.reason
    assert plan(hr.session, staff.id) == [
        ("2026-04", d.id, 100_000, "planned"),
        ("2026-05", d.id, 100_000, "planned"),
        ("2026-06", d.id, 50_000, "planned"),
    ]


def test_minimum_wage_floor_binds_before_the_percentage(hr, office):
    staff = office.staff[0]
    set_wage(hr.session, staff, 260_000)  # 20% = ¥520, but only ¥240 above the ¥2,360 floor
    _deduct(hr, office, staff, compensation(60_000))
    assert [(m, fen) for m, _, fen, _ in plan(hr.session, staff.id)] == [
        ("2026-04", 24_000),
        ("2026-05", 24_000),
        ("2026-06", 12_000),
    ]


def test_two_deductions_share_one_cap_oldest_first(hr, office):
    staff = office.staff[0]
    _, [first] = _deduct(hr, office, staff, compensation(150_000))
    _, [second] = _deduct(hr, office, staff, compensation(80_000))
    assert plan(hr.session, staff.id) == [
        ("2026-04", first.id, 100_000, "planned"),
        ("2026-05", first.id, 50_000, "planned"),
        ("2026-05", second.id, 50_000, "planned"),
        ("2026-06", second.id, 30_000, "planned"),
    ]


def test_disciplinary_deduction_is_a_legal_risk_and_still_capped(hr, office):
    staff = office.staff[0]
    outcomes = [
        {"kind": "restitution", "amount_fen": 20_000, "legal_risk": False},
        {"kind": "wage_deduction", "amount_fen": 500_000, "legal_risk": True},
    ]
    _, [restitution, withheld] = _deduct(hr, office, staff, outcomes, rule_code="R12")
    assert (restitution.kind, restitution.legal_risk) == ("restitution", False)
    assert (withheld.kind, withheld.legal_risk) == ("disciplinary", True)
    months = {}
    for month, _, fen, _ in plan(hr.session, staff.id):
        months[month] = months.get(month, 0) + fen
    assert set(months.values()) <= {100_000, 20_000}
    assert max(months.values()) == 100_000 and sum(months.values()) == 520_000
    assert len(months) == 6  # ¥5,200 at ¥1,000 a month


def test_outcomes_without_money_create_nothing(hr, office):
    case, proposal = make_case(
        hr.session, office, office.staff[0], [{"kind": "written_warning", "amount_fen": None}]
    )
    assert create_deductions_for_case(hr, case, proposal) == []
    assert plan(hr.session, office.staff[0].id) == []


def test_bad_amount_is_refused(hr, office):
    case, proposal = make_case(
        hr.session, office, office.staff[0], [{"kind": "compensation", "amount_fen": 12.5}]
    )
    with pytest.raises(ValidationFailed) as err:
        create_deductions_for_case(hr, case, proposal)
    assert err.value.errors[0].field == "outcomes.0.amount_fen"


def test_deductions_are_created_once_per_case(hr, office):
    case, proposal = make_case(hr.session, office, office.staff[0], compensation(10_000))
    create_deductions_for_case(hr, case, proposal)
    with pytest.raises(Conflict):
        create_deductions_for_case(hr, case, proposal)


def test_no_minimum_wage_for_the_city_tells_the_admin(ctx, office):
    hr = as_role(ctx, office, "hr")  # no minimum wage recorded for 深圳
    case, proposal = make_case(hr.session, office, office.staff[0], compensation(10_000))
    with pytest.raises(ValidationFailed, match="admin must record the city's minimum wage"):
        create_deductions_for_case(hr, case, proposal)


def test_create_does_not_commit_and_records_audit_events(hr, office):
    before = hr.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    nested = hr.session.begin_nested()
    _deduct(hr, office, office.staff[0], compensation(10_000))
    actions = hr.session.execute(
        select(AuditEvent.action).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
    ).scalars()
    assert list(actions) == ["deduction.created", "deduction.planned"]
    nested.rollback()  # nothing was committed inside: rolling back removes everything
    assert hr.session.execute(select(func.count()).select_from(Deduction)).scalar_one() == 0


def test_taken_instalments_are_never_touched_by_replanning(hr, office, clock):
    staff = office.staff[0]
    _, [first] = _deduct(hr, office, staff, compensation(250_000))
    # April was taken (as payroll execution would), then a second case arrives in April.
    hr.session.execute(
        update(Instalment)
        .where(Instalment.staff_id == staff.id, Instalment.month == date(2026, 4, 1))
        .values(status=InstalmentStatus.TAKEN.value, taken_at=clock.now())
    )
    taken = hr.session.execute(
        select(Instalment.id, Instalment.amount_fen, Instalment.taken_at).where(
            Instalment.status == "taken"
        )
    ).one()
    clock.advance(timedelta(days=15))
    _, [second] = _deduct(hr, office, staff, compensation(80_000))
    assert plan(hr.session, staff.id) == [
        ("2026-04", first.id, 100_000, "taken"),
        ("2026-05", first.id, 100_000, "planned"),
        ("2026-06", first.id, 50_000, "planned"),
        ("2026-06", second.id, 50_000, "planned"),
        ("2026-07", second.id, 30_000, "planned"),
    ]
    again = hr.session.execute(
        select(Instalment.id, Instalment.amount_fen, Instalment.taken_at).where(
            Instalment.status == "taken"
        )
    ).one()
    assert again == taken


def test_taken_instalments_count_against_their_months_cap(hr, office):
    staff = office.staff[0]
    _, [first] = _deduct(hr, office, staff, compensation(250_000))
    # ¥600 of May was already taken (e.g. recorded by an earlier payroll system).
    hr.session.execute(
        update(Instalment)
        .where(Instalment.staff_id == staff.id, Instalment.month == date(2026, 5, 1))
        .values(amount_fen=60_000, status=InstalmentStatus.TAKEN.value)
    )
    replan_staff(hr, staff.id, "2026-04-01")
    assert plan(hr.session, staff.id) == [
        ("2026-04", first.id, 100_000, "planned"),
        ("2026-05", first.id, 60_000, "taken"),
        ("2026-06", first.id, 90_000, "planned"),
    ]


def test_replan_follows_a_wage_change(hr, office):
    staff = office.staff[0]
    _deduct(hr, office, staff, compensation(250_000))
    set_wage(hr.session, staff, 300_000, start=date(2026, 5, 1))
    summary = replan_staff(hr, staff.id, date(2026, 5, 1))
    assert [fen for _, _, fen, _ in plan(hr.session, staff.id)] == [100_000, 60_000, 60_000, 30_000]
    assert summary["months"][0] == {
        "month": "2026-05-01",
        "cap_fen": 60_000,
        "binding": "percent",
        "taken_fen": 60_000,
        "carried_fen": 90_000,
    }


@pytest.mark.parametrize("role", ["admin", "manager", "cashier", "staff"])
def test_only_hr_replans(ctx, office, role):
    with pytest.raises(Forbidden):
        replan_staff(as_role(ctx, office, role), office.staff[0].id, date(2026, 4, 1))


def test_replan_month_must_be_a_first_day(hr, office):
    with pytest.raises(ValidationFailed, match="first day of a month"):
        replan_staff(hr, office.staff[0].id, date(2026, 4, 2))
