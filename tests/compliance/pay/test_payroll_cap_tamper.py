"""The payroll sheet refuses to show an instalment raised above its month's cap behind the
app's back (issue 12 item 1): the cap is 20% of the wage, never below the minimum wage."""

from datetime import date

import pytest
from sqlalchemy import text

from compliance.errors import Conflict, GuardrailViolation
from compliance.pay.payroll import InstalmentAboveCap, execute_month, payroll_sheet
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, set_wage
from tests.conftest import as_role

APRIL = date(2026, 4, 1)


@pytest.fixture
def hr(ctx, office):
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


@pytest.fixture
def planned(hr, office):
    """Staff E001 (wage ¥5,000, cap ¥1,000) owes ¥2,300: ¥1,000 planned in April."""
    case, proposal = make_case(hr.session, office, office.staff[0], compensation(230_000))
    create_deductions_for_case(hr, case, proposal)
    record_deduction_notice(hr, case.id, f"{case.number} 照价赔偿,按月从工资中扣除")
    hr.session.commit()
    return case


def _april_instalment(session, staff_id: int) -> int:
    return session.execute(
        text(
            "SELECT i.id FROM instalment i JOIN deduction d ON d.id = i.deduction_id "
            "WHERE d.staff_id = :s AND i.month = :m"
        ),
        {"s": staff_id, "m": APRIL},
    ).scalar_one()


def _raw_amount(session, instalment_id: int, fen: int) -> None:
    """An edit behind the app's back: raw SQL, no seal, no audit event."""
    session.execute(
        text("UPDATE instalment SET amount_fen = :a WHERE id = :i"), {"a": fen, "i": instalment_id}
    )


@pytest.mark.parametrize(("fen", "refused"), [(100_000, False), (100_001, True)])
def test_an_instalment_raised_above_the_cap_outside_the_app_refuses_the_sheet(
    hr, office, planned, fen, refused
):
    row = payroll_sheet(hr, APRIL).rows[0]
    assert (row.cap_fen, row.taken_fen) == (100_000, 100_000)
    instalment = _april_instalment(hr.session, office.staff[0].id)
    _raw_amount(hr.session, instalment, fen)
    if not refused:  # at the cap: shown
        assert payroll_sheet(hr, APRIL).rows[0].taken_fen == fen
        return
    with pytest.raises(InstalmentAboveCap) as err:
        payroll_sheet(hr, APRIL)
    en, zh = err.value.text("en"), err.value.text("zh")
    for part in ("E001", "2026-04", "¥1,000.01", "¥1,000.00", "compliance audit verify"):
        assert part in en
    for part in ("E001", "2026年4月", "¥1,000.01", "¥1,000.00", "compliance audit verify"):
        assert part in zh
    assert "上限" in zh and "系统之外" in zh
    assert isinstance(err.value, Conflict)
    with pytest.raises(InstalmentAboveCap):  # and nothing is taken on its strength
        execute_month(hr, APRIL)


def test_a_taken_instalment_raised_above_the_cap_refuses_that_months_sheet(hr, office, planned):
    execute_month(hr, APRIL)
    instalment = _april_instalment(hr.session, office.staff[0].id)
    _raw_amount(hr.session, instalment, 150_000)
    with pytest.raises(InstalmentAboveCap, match="E001"):
        payroll_sheet(hr, APRIL)


def test_a_cap_lowered_by_the_app_still_shows_the_sheet_and_asks_for_a_replan(hr, office, planned):
    set_wage(hr.session, office.staff[0], 300_000, start=APRIL)  # the cap falls to ¥600
    hr.session.commit()
    row = payroll_sheet(hr, APRIL).rows[0]
    assert row.taken_fen > row.cap_fen  # the app's own row: shown, not called an edit
    with pytest.raises(GuardrailViolation, match="replan first"):
        execute_month(hr, APRIL)
