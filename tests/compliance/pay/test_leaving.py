"""Leaving ends deductions: nothing is planned after the last pay month (the month of the
last working day). That month takes what the cap allows (20% of the wage, the wage left not
below the minimum wage), even of a deduction due to start later; the rest is an unrecovered
balance, a civil claim (民事追偿), shown on the case, the dossier and the payroll sheet;
people who left are not on later sheets."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from compliance.accounts.models import User
from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.pay.leaving import end_employment, record_leaving
from compliance.pay.models import Deduction
from compliance.pay.payroll import payroll_sheet, write_csv
from compliance.pay.plans import case_money
from compliance.pay.service import create_deductions_for_case
from compliance.staff.models import LeaveReason, Staff
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, plan, set_wage
from tests.conftest import as_role

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)  # today is 2026-03-31 in Shanghai


@pytest.fixture
def hr(ctx, office):
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


def _five_months(hr, office, staff):
    # ¥5,000 owed from a ¥5,000 wage: ¥1,000 a month, April to August.
    case, proposal = make_case(hr.session, office, staff, compensation(500_000))
    [d] = create_deductions_for_case(hr, case, proposal)
    assert [m for m, *_ in plan(hr.session, staff.id)] == [
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
    ]
    return case, d


def test_resignation_stops_the_plan_at_the_last_pay_month(hr, office, clock):
    staff = office.staff[0]
    case, d = _five_months(hr, office, staff)
    clock.current = datetime(2026, 4, 20, 4, 0, tzinfo=UTC)
    out = record_leaving(hr, staff.id, {"left_on": "2026-04-20", "reason": "resigned"})
    # April is the last pay month: it takes the cap, ¥1,000; ¥4,000 is never deducted.
    assert plan(hr.session, staff.id) == [("2026-04", d.id, 100_000, "planned")]
    assert (out.last_pay_month, out.unrecovered_fen) == (APRIL, 400_000)
    assert (out.staff.status, out.staff.left_on, out.staff.leave_reason) == (
        "left",
        date(2026, 4, 20),
        "resigned",
    )
    assert any("尚余 ¥4,000.00 无法从工资中扣回" in n and "民事追偿" in n for n in out.notes_zh)
    money = case_money(hr, case.id)  # the case page and the dossier say it too
    assert (money.unrecovered_fen, money.last_pay_month, money.needs_ack) == (
        400_000,
        APRIL,
        True,
    )
    event = hr.session.execute(
        select(AuditEvent).where(AuditEvent.action == "deduction.ended_by_leaving")
    ).scalar_one()
    assert '"unrecovered_fen":400000' in event.payload


def test_the_last_month_takes_only_what_the_cap_allows(hr, office, clock):
    staff = office.staff[0]
    set_wage(hr.session, staff, 250_000)  # 20% = ¥500, but only ¥140 above the ¥2,360 floor
    case, proposal = make_case(hr.session, office, staff, compensation(50_000))
    [d] = create_deductions_for_case(hr, case, proposal)
    clock.current = datetime(2026, 4, 15, 4, 0, tzinfo=UTC)
    out = record_leaving(hr, staff.id, {"left_on": "2026-04-15", "reason": "contract_ended"})
    assert plan(hr.session, staff.id) == [("2026-04", d.id, 14_000, "planned")]
    assert out.unrecovered_fen == 36_000


def test_leaving_before_the_first_instalment_month_takes_the_last_pay_month(hr, office):
    # Recovery was to start in April; leaving on 31 March, March is the last pay month and
    # takes the cap (the deduction now starts there); ¥4,000 is a civil claim.
    staff = office.staff[0]
    case, d = _five_months(hr, office, staff)
    out = record_leaving(hr, staff.id, {"left_on": "2026-03-31", "reason": "resigned"})
    assert plan(hr.session, staff.id) == [("2026-03", d.id, 100_000, "planned")]
    assert hr.session.get(Deduction, d.id).start_month == MARCH
    assert (out.last_pay_month, out.unrecovered_fen) == (MARCH, 400_000)
    assert case_money(hr, case.id).unrecovered_fen == 400_000


def test_a_dismissal_ends_deductions_planned_into_next_year(hr, office):
    # The case: a dismissed member still had ¥500 planned for the next year.
    staff = office.staff[0]
    set_wage(hr.session, staff, 250_000)  # ¥140 a month
    case, proposal = make_case(hr.session, office, staff, compensation(200_000))
    create_deductions_for_case(hr, case, proposal)
    assert plan(hr.session, staff.id)[-1][0] == "2027-06"
    disabled, left = end_employment(hr, staff.id, date(2026, 3, 31), LeaveReason.DISMISSED)
    assert [m for m, *_ in plan(hr.session, staff.id)] == ["2026-03"]  # nothing after March
    assert left.schedule.remaining_fen == 200_000 - 14_000
    assert hr.session.get(Staff, staff.id).leave_reason == "dismissed"
    users = hr.session.execute(select(User).where(User.staff_id == staff.id)).scalars().all()
    assert disabled == len(users) and not any(u.active for u in users)


def test_leavers_are_not_on_later_sheets_and_their_last_sheet_shows_the_balance(
    hr, office, tmp_path, clock
):
    staff = office.staff[0]
    _five_months(hr, office, staff)
    clock.current = datetime(2026, 4, 20, 4, 0, tzinfo=UTC)
    record_leaving(hr, staff.id, {"left_on": "2026-04-20", "reason": "resigned"})
    april = payroll_sheet(hr, APRIL)
    [row] = [r for r in april.rows if r.staff_id == staff.id]
    assert (row.taken_fen, row.carried_fen, row.unrecovered_fen, row.left_on) == (
        100_000,
        0,
        400_000,
        date(2026, 4, 20),
    )
    assert april.total_unrecovered_fen == 400_000
    rows = write_csv(april, tmp_path / "m.csv").read_text(encoding="utf-8-sig").splitlines()
    line = next(x for x in rows if x.startswith(staff.employee_no))
    assert ",4000.00," in line and "离职" in line
    for month in (date(2026, 5, 1), date(2026, 6, 1), date(2027, 1, 1)):  # previews too
        assert staff.id not in {r.staff_id for r in payroll_sheet(hr, month).rows}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"left_on": "2026-04-01", "reason": "resigned"}, "left_on"),  # tomorrow (Shanghai)
        ({"left_on": "2020-01-01", "reason": "resigned"}, "left_on"),  # before the hire date
        ({"left_on": "2026-03-31", "reason": "dismissed"}, "reason"),  # only through a case
        ({"left_on": "2026-03-31", "reason": "fired"}, "reason"),
        ({"reason": "resigned"}, "left_on"),
    ],
)
def test_bad_leaving_changes_nothing(hr, office, body, field):
    staff = office.staff[0]
    _five_months(hr, office, staff)
    with pytest.raises(ValidationFailed) as err:
        record_leaving(hr, staff.id, body)
    assert field in {e.field for e in err.value.errors}
    assert hr.session.get(Staff, staff.id).left_on is None
    assert len(plan(hr.session, staff.id)) == 5


def test_leaving_twice_is_a_conflict_and_only_hr_or_admin_record_it(hr, office):
    staff = office.staff[1]
    with pytest.raises(Forbidden):
        record_leaving(
            as_role(hr, office, "manager"),
            staff.id,
            {"left_on": "2026-03-31", "reason": "resigned"},
        )
    record_leaving(hr, staff.id, {"left_on": "2026-03-31", "reason": "resigned"})
    with pytest.raises(Conflict):
        record_leaving(hr, staff.id, {"left_on": "2026-03-30", "reason": "other"})


def test_executing_a_dismissal_records_the_day_it_takes_effect(hr, office, clock):
    # The step mark_executed takes for a dismissal (its gates are tested with the cases).
    from compliance.flows.execute import _end_employment

    staff = office.staff[0]
    case, _ = _five_months(hr, office, staff)
    clock.current = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 April in Shanghai
    _end_employment(hr, case)
    row = hr.session.get(Staff, staff.id)
    assert (row.left_on, row.leave_reason) == (date(2026, 4, 1), "dismissed")
    assert case.number in row.leave_note
    # April is the last pay month (office time, not UTC's 31 March): it takes the cap.
    assert [(m, fen) for m, _, fen, _ in plan(hr.session, staff.id)] == [("2026-04", 100_000)]
