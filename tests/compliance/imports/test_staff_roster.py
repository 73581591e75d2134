"""Importing a staff roster: every row validated, all or nothing, one audit event."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.imports.staff_roster import import_staff_roster
from compliance.staff.models import Staff, StaffWage
from tests.conftest import as_role

DATA = Path(__file__).resolve().parents[2] / "data"


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _state(session):
    return tuple(_count(session, m) for m in (Staff, StaffWage, AuditEvent))


def _hr(ctx, office):
    return as_role(ctx, office, "hr")


def _staff(session, office, no):
    return session.execute(
        select(Staff).where(Staff.office_id == office.office.id, Staff.employee_no == no)
    ).scalar_one()


def _wage(session, staff):
    return session.execute(select(StaffWage).where(StaffWage.staff_id == staff.id)).scalar_one()


@pytest.mark.parametrize("name", ["staff_roster.csv", "staff_roster.xlsx"])
def test_example_roster_imports_staff_and_wages_with_one_audit_event(ctx, office, name):
    data = (DATA / name).read_bytes()
    before = _state(ctx.session)
    result = import_staff_roster(_hr(ctx, office), data, name)
    assert result.rows == 6
    assert _state(ctx.session) == (before[0] + 6, before[1] + 6, before[2] + 1)
    zhao = _staff(ctx.session, office, "E101")
    assert (zhao.name, zhao.team, zhao.position, zhao.hire_date, zhao.status) == (
        "赵建国",
        "维修班",
        "维修工",
        date(2021, 3, 15),
        "active",
    )
    assert zhao.created_by == office.users["hr"].id
    wage = _wage(ctx.session, zhao)
    assert (wage.monthly_wage_fen, wage.effective_from) == (520_000, date(2021, 3, 15))
    assert _wage(ctx.session, _staff(ctx.session, office, "E103")).monthly_wage_fen == 410_050
    assert _wage(ctx.session, _staff(ctx.session, office, "E105")).monthly_wage_fen == 635_080
    event = ctx.session.execute(select(AuditEvent).where(AuditEvent.seq == result.audit_seq)).one()[
        0
    ]
    assert event.action == "staff.roster_imported"
    assert json.loads(event.payload) == {
        "file_sha256": result.file_sha256,
        "rows": 6,
        "filename": name,
    }


def test_admin_may_import_with_english_headers(ctx, office):
    data = (
        b"employee_no,name,team,position,hire_date,monthly_wage\n"
        b'X-1,Li Lei,repair,plumber,2024-01-02,"1,234.5"\n'
    )
    assert import_staff_roster(as_role(ctx, office, "admin"), data).rows == 1
    assert _wage(ctx.session, _staff(ctx.session, office, "X-1")).monthly_wage_fen == 123_450


def test_bad_roster_reports_every_bad_row_and_imports_nothing(ctx, office):
    data = (DATA / "staff_roster_bad.csv").read_bytes()
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_staff_roster(_hr(ctx, office), data, "staff_roster_bad.csv")
    got = [(e.line, e.field) for e in err.value.errors]
    assert got == [
        (3, "工号"),  # E001 already in the office
        (4, "工号"),  # E201 twice in the file
        (5, "入职日期"),  # 2023-02-30
        (6, "入职日期"),  # in the future
        (7, "月工资"),  # three decimals
        (8, "月工资"),  # negative
        (9, "姓名"),  # missing
        (10, "入职日期"),  # 2023/5/1
        (11, "月工资"),  # abc
        (12, "工号"),  # "E 9"
    ]
    reasons = {(e.line, e.field): e.reason for e in err.value.errors}
    assert "already exists" in reasons[(3, "工号")]
    assert "line 2" in reasons[(4, "工号")]
    assert "no such date" in reasons[(5, "入职日期")]
    assert "future" in reasons[(6, "入职日期")]
    assert _state(ctx.session) == before


def test_zero_wage_and_overlong_fields_are_rejected(ctx, office):
    data = (
        "工号,姓名,班组,岗位,入职日期,月工资\nE301," + "长" * 51 + ",维修班,维修工,2024-01-02,0\n"
    )
    with pytest.raises(ValidationFailed) as err:
        import_staff_roster(_hr(ctx, office), data.encode())
    assert [(e.line, e.field) for e in err.value.errors] == [(2, "姓名"), (2, "月工资")]


def test_missing_columns_are_reported_on_line_1(ctx, office):
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_staff_roster(_hr(ctx, office), "工号,姓名\nE301,王\n".encode())
    assert [(e.line, e.field) for e in err.value.errors] == [
        (1, "team"),
        (1, "position"),
        (1, "hire_date"),
        (1, "monthly_wage"),
    ]
    assert _state(ctx.session) == before


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\x03garbage\xff\xfe"], ids=["empty", "binary"])
def test_empty_or_unreadable_file_is_rejected(ctx, office, data):
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_staff_roster(_hr(ctx, office), data)
    assert [e.field for e in err.value.errors] == ["file"]
    assert _state(ctx.session) == before


def test_importing_the_same_roster_twice_is_refused(ctx, office):
    data = (DATA / "staff_roster.csv").read_bytes()
    import_staff_roster(_hr(ctx, office), data)
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        import_staff_roster(_hr(ctx, office), data)
    assert [e.line for e in err.value.errors] == [2, 3, 4, 5, 6, 7]
    assert _state(ctx.session) == before


@pytest.mark.parametrize("role", ["manager", "cashier", "staff"])
def test_other_roles_cannot_import_the_roster(ctx, office, role):
    with pytest.raises(Forbidden):
        import_staff_roster(as_role(ctx, office, role), (DATA / "staff_roster.csv").read_bytes())
