"""The payroll month: sheet figures, CSV/XLSX files, execution once, notices, roles."""

import csv
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.cases.models import Notice
from compliance.errors import Conflict, Forbidden, GuardrailViolation, NotFound, ValidationFailed
from compliance.pay.models import Instalment, PayrollRun
from compliance.pay.payroll import (
    HEADERS_EN,
    HEADERS_ZH,
    MONEY_FORMAT,
    describe_lines,
    execute_month,
    payroll_sheet,
    write_csv,
    write_xlsx,
)
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from compliance.staff.models import Staff
from tests import factories
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, plan, set_wage
from tests.conftest import as_role

APRIL = date(2026, 4, 1)


@pytest.fixture
def hr(ctx, office):
    """HR, with the city's minimum wage recorded."""
    add_min_wage(ctx.session)
    return as_role(ctx, office, "hr")


def _deduct(hr, office, staff, outcomes, *, notice=True):
    case, proposal = make_case(hr.session, office, staff, outcomes)
    create_deductions_for_case(hr, case, proposal)
    if notice:
        record_deduction_notice(hr, case.id, f"{case.number} 照价赔偿,按月从工资中扣除")
    return case


@pytest.fixture
def month(hr, office):
    """Two cases for staff 1 (¥1,500 then ¥800), one for staff 2 on a floor-bound wage."""
    first = _deduct(hr, office, office.staff[0], compensation(150_000))
    second = _deduct(hr, office, office.staff[0], compensation(80_000))
    set_wage(hr.session, office.staff[1], 260_000)
    third = _deduct(hr, office, office.staff[1], compensation(50_000))
    return first, second, third


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_sheet_figures(hr, office, month, clock):
    first, second, third = month
    sheet = payroll_sheet(hr, APRIL)
    assert (sheet.office_code, sheet.month, sheet.minimum_wage_fen, sheet.profile) == (
        "BSW",
        APRIL,
        236_000,
        "CN",
    )
    assert sheet.executed_at is None
    assert [r.employee_no for r in sheet.rows] == ["E001", "E002", "E003"]
    a, b, c = sheet.rows
    assert (a.wage_fen, a.cap_fen, a.floor_fen, a.taken_fen, a.carried_fen) == (
        500_000,
        100_000,
        236_000,
        100_000,
        130_000,  # ¥2,300 owed in all, ¥1,000 taken in April
    )
    assert [(x.case_number, x.amount_fen, x.status) for x in a.lines] == [
        (first.number, 100_000, "planned")
    ]
    assert first.number in a.lines[0].reason
    assert a.lines[0].notice_served_at is not None
    assert (b.wage_fen, b.cap_fen, b.taken_fen, b.carried_fen, b.net_fen) == (
        260_000,
        24_000,
        24_000,
        26_000,
        236_000,
    )
    assert (c.taken_fen, c.carried_fen, c.lines) == (0, 0, ())
    clock.advance(timedelta(days=1))  # May can be looked at from April on
    may = payroll_sheet(hr, "2026-05-01").rows[0]
    assert [(x.case_number, x.amount_fen) for x in may.lines] == [
        (first.number, 50_000),
        (second.number, 50_000),
    ]
    assert may.carried_fen == 30_000
    assert third.number in payroll_sheet(hr, APRIL).rows[1].lines[0].reason


def test_sheet_files(hr, office, month, tmp_path):
    sheet = payroll_sheet(hr, APRIL)
    with write_csv(sheet, tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    # One header row (each money column says it holds yuan); money as plain numbers.
    assert rows[0] == list(HEADERS_ZH) and rows[0][2] == "月工资(元)"
    assert rows[1][:8] == [
        "E001",
        "李明",
        "5000.00",
        "1000.00",
        "2360.00",
        "1000.00",
        "4000.00",
        "1300.00",
    ]
    assert rows[1][8] == "0.00"  # unrecovered: nobody has left
    assert "BSW-2026-0001 ¥1,000.00" in rows[1][9] and "planned" in rows[1][9]
    assert rows[2][5] == "240.00" and rows[3][5] == "0.00"
    assert len(rows) == 4
    assert not [f for r in rows[1:] for f in r[2:9] if "¥" in f or "," in f]

    ws = load_workbook(write_xlsx(sheet, tmp_path / "p.xlsx")).worksheets[0]
    assert [c.value for c in ws[1]] == list(HEADERS_ZH)
    assert [c.value for c in ws[2]] == list(HEADERS_EN)
    money = [c.value for c in ws[3][2:8]]
    assert [round(v * 100) for v in money] == [500_000, 100_000, 236_000, 100_000, 400_000, 130_000]
    assert all(c.number_format == MONEY_FORMAT for c in ws[3][2:8])
    assert ws["A4"].value == "E002" and round(ws["F4"].value * 100) == 24_000
    assert "BSW-2026-0001" in ws["J3"].value
    # The total row: numeric yuan values (no formula cell), wage/taken/after/carried summed.
    assert ws.max_row == 6
    total = [c.value for c in ws[6]]
    assert total[0] == "合计 Total" and total[1] is None
    assert all(ws[f"{c}6"].data_type == "n" for c in "CFGHI")
    assert round(ws["C6"].value * 100) == sum(r.wage_fen for r in sheet.rows)
    assert round(ws["F6"].value * 100) == sheet.total_taken_fen == 124_000
    assert round(ws["G6"].value * 100) == sum(r.net_fen for r in sheet.rows)
    assert round(ws["H6"].value * 100) == sum(r.carried_fen for r in sheet.rows)
    assert round(ws["I6"].value * 100) == sheet.total_unrecovered_fen
    assert ws["D6"].value is None and ws["E6"].value is None  # caps and the floor: no sum
    assert ws["F6"].number_format == MONEY_FORMAT


def test_execute_takes_the_month_once(hr, office, month):
    result = execute_month(hr, APRIL)
    assert (result.instalments, result.total_fen, result.staff) == (2, 124_000, 2)
    taken = [p for p in plan(hr.session, office.staff[0].id) if p[3] == "taken"]
    assert [(m, fen) for m, _, fen, _ in taken] == [("2026-04", 100_000)]
    run = hr.session.execute(select(PayrollRun)).scalar_one()
    assert (run.month, run.instalments, run.total_fen) == (APRIL, 2, 124_000)
    event = hr.session.execute(
        select(AuditEvent).where(AuditEvent.action == "payroll.executed")
    ).scalar_one()
    assert '"total_fen":124000' in event.payload and '"instalments":2' in event.payload
    assert payroll_sheet(hr, APRIL).executed_at is not None

    before = (plan(hr.session, office.staff[0].id), _count(hr.session, AuditEvent))
    with pytest.raises(Conflict, match="already executed"):
        execute_month(hr, APRIL)
    assert (plan(hr.session, office.staff[0].id), _count(hr.session, AuditEvent)) == before
    assert _count(hr.session, PayrollRun) == 1


def test_a_new_case_is_not_planned_into_an_executed_month(hr, office, month):
    execute_month(hr, APRIL)
    # Executed on 31 March for April; a case executed the same day starts in April, too late.
    _deduct(hr, office, office.staff[2], compensation(10_000))
    assert [m for m, *_ in plan(hr.session, office.staff[2].id)] == ["2026-05"]


def test_execution_is_refused_without_a_served_notice(hr, office, month):
    late = _deduct(hr, office, office.staff[2], compensation(10_000), notice=False)
    row = payroll_sheet(hr, APRIL).rows[2]
    assert "no deduction notice served" in describe_lines(row)
    assert "no deduction notice" not in describe_lines(payroll_sheet(hr, APRIL).rows[0])
    assert [m for m, *_ in plan(hr.session, office.staff[2].id)] == ["2026-04"]
    with pytest.raises(GuardrailViolation) as err:
        execute_month(hr, APRIL)
    assert "E003 张伟" in str(err.value) and late.number in str(err.value)
    assert all(p[3] == "planned" for s in office.staff for p in plan(hr.session, s.id))
    assert _count(hr.session, PayrollRun) == 0

    record_deduction_notice(hr, late.id, "扣款通知")
    assert execute_month(hr, APRIL).instalments == 3


def test_a_notice_served_after_execution_time_does_not_count(hr, office, clock):
    case = _deduct(hr, office, office.staff[0], compensation(10_000), notice=False)
    clock.advance(timedelta(hours=1))
    record_deduction_notice(hr, case.id, "扣款通知")
    clock.advance(timedelta(hours=-2))
    with pytest.raises(GuardrailViolation, match=case.number):
        execute_month(hr, APRIL)


def test_a_cap_lowered_after_planning_refuses_execution(hr, office, month):
    set_wage(hr.session, office.staff[0], 300_000, start=APRIL)
    with pytest.raises(GuardrailViolation, match=r"exceeds this month's cap ¥600\.00"):
        execute_month(hr, APRIL)


def test_notice_amount_is_the_cases_deductions_total(hr, office):
    case, proposal = make_case(
        hr.session,
        office,
        office.staff[0],
        [
            {"kind": "restitution", "amount_fen": 20_000},
            {"kind": "wage_deduction", "amount_fen": 500_000, "legal_risk": True},
        ],
        rule_code="R12",
    )
    create_deductions_for_case(hr, case, proposal)
    notice = record_deduction_notice(hr, case.id, "退还小费 ¥200.00,扣发当月工资 ¥5,000.00")
    assert (notice.kind, notice.amount_fen, notice.case_id) == ("deduction", 520_000, case.id)


def test_notice_needs_deductions_and_a_case_of_the_office(hr, office):
    case, _ = make_case(hr.session, office, office.staff[0], compensation(10_000))
    with pytest.raises(ValidationFailed, match="no deductions"):
        record_deduction_notice(hr, case.id, "通知")
    with pytest.raises(NotFound):
        record_deduction_notice(hr, 999_999, "通知")
    with pytest.raises(ValidationFailed):
        record_deduction_notice(hr, case.id, "  ")
    assert _count(hr.session, Notice) == 0


@pytest.mark.parametrize("role", ["admin", "manager", "director", "cashier", "staff"])
def test_only_hr_runs_payroll(ctx, office, hr, month, role):
    other = as_role(ctx, office, role)
    with pytest.raises(Forbidden):
        execute_month(other, APRIL)
    with pytest.raises(Forbidden):
        payroll_sheet(other, APRIL)
    with pytest.raises(Forbidden):
        record_deduction_notice(other, month[0].id, "通知")
    assert _count(hr.session, PayrollRun) == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (date(2026, 4, 15), "first day of a month"),
        ("2026-13-01", "date"),
    ],
)
def test_month_must_be_a_first_day(hr, value, reason):
    with pytest.raises(ValidationFailed, match=reason):
        payroll_sheet(hr, value)
    with pytest.raises(ValidationFailed, match=reason):
        execute_month(hr, value)


def test_a_month_after_next_is_a_preview_never_executed(hr):
    # Today is 2026-03-31 (Shanghai): April can be executed, May only previewed.
    assert payroll_sheet(hr, APRIL).preview is False
    assert payroll_sheet(hr, date(2026, 5, 1)).preview is True
    with pytest.raises(ValidationFailed, match="more than one month ahead"):
        execute_month(hr, date(2026, 5, 1))


def test_staff_without_a_wage_have_no_row(hr, office):
    hr.session.add(
        Staff(
            office_id=office.office.id,
            employee_no="E004",
            name="新人",
            team="保洁",
            position="保洁员",
            hire_date=date(2026, 3, 1),
            created_at=factories.T0,
        )
    )
    hr.session.flush()
    sheet = payroll_sheet(hr, date(2024, 1, 1))
    assert [r.employee_no for r in sheet.rows] == ["E001", "E002", "E003"]
    assert execute_month(hr, date(2024, 1, 1)).instalments == 0


def test_sheet_without_a_minimum_wage_tells_the_admin(ctx, office):
    with pytest.raises(ValidationFailed, match="minimum wage"):
        payroll_sheet(as_role(ctx, office, "hr"), APRIL)


def test_instalments_of_other_offices_are_untouched(hr, office, month, session):
    other = factories.office_set(session, code="LJY")
    other_hr = as_role(hr, other, "hr")
    case, proposal = make_case(session, other, other.staff[0], compensation(10_000))
    create_deductions_for_case(other_hr, case, proposal)
    record_deduction_notice(other_hr, case.id, "通知")
    assert execute_month(hr, APRIL).instalments == 2
    assert [p[3] for p in plan(session, other.staff[0].id)] == ["planned"]
    assert [r.employee_no for r in payroll_sheet(hr, APRIL).rows] == ["E001", "E002", "E003"]
    assert _count(session, Instalment) == 8
