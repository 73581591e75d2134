"""Hiring staff, changing them, their wages and rulebook acknowledgement."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, NotFound, ValidationFailed
from compliance.staff.models import Staff, StaffWage
from compliance.staff.repository import wage_history, wage_on
from compliance.staff.service import (
    create_staff,
    list_staff,
    list_wages,
    record_rulebook_ack,
    set_wage,
    update_staff,
)
from tests.conftest import NOW, as_role


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _counts(session):
    return tuple(_count(session, m) for m in (Staff, StaffWage, AuditEvent))


def _new(**over):
    body = {
        "employee_no": "E100",
        "name": "孙丽",
        "team": "保洁",
        "position": "保洁员",
        "hire_date": "2026-03-01",
        "monthly_wage_fen": 480_000,
    }
    body.update(over)
    return body


def test_hr_hires_staff_with_first_wage_from_hire_date(ctx, office):
    hr = as_role(ctx, office, "hr")
    before = _counts(ctx.session)
    read = create_staff(hr, _new())
    row = ctx.session.get(Staff, read.id)
    assert (row.employee_no, row.status, row.created_by) == (
        "E100",
        "active",
        office.users["hr"].id,
    )
    assert wage_on(ctx.session, read.id, date(2026, 3, 1)) == 480_000
    assert wage_on(ctx.session, read.id, date(2026, 2, 28)) is None
    assert _counts(ctx.session) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_hiring_without_a_wage_records_none(ctx, office):
    read = create_staff(as_role(ctx, office, "admin"), _new(monthly_wage_fen=None))
    assert wage_history(ctx.session, read.id) == []


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"employee_no": "E001"}, "employee_no"),  # taken by the factory's first staff member
        ({"employee_no": "E 1"}, "employee_no"),
        ({"employee_no": ""}, "employee_no"),
        ({"name": "   "}, "name"),
        ({"hire_date": "2026-04-01"}, "hire_date"),  # tomorrow in Shanghai
        ({"monthly_wage_fen": -5}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 0}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 12.5}, "monthly_wage_fen"),
        ({"monthly_wage_fen": "480000"}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 100_000_001}, "monthly_wage_fen"),
        ({"role": "boss"}, "role"),
    ],
)
def test_bad_hire_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        create_staff(as_role(ctx, office, "hr"), _new(**over))
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


@pytest.mark.parametrize("role", ["manager", "director", "cashier", "staff"])
def test_only_admin_or_hr_hire(ctx, office, role):
    before = _counts(ctx.session)
    with pytest.raises(Forbidden):
        create_staff(as_role(ctx, office, role), _new())
    assert _counts(ctx.session) == before


def test_update_changes_team_and_status_and_audits(ctx, office):
    hr = as_role(ctx, office, "hr")
    before = _count(ctx.session, AuditEvent)
    read = update_staff(hr, office.staff[1].id, {"team": "安保", "status": "suspended"})
    assert (read.team, read.status, read.position) == ("安保", "suspended", "维修工")
    assert _count(ctx.session, AuditEvent) == before + 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"status": "fired"}, "status"),
        ({"team": ""}, "team"),
        ({"name": "x"}, "name"),
    ],
)
def test_bad_update_changes_nothing(ctx, office, body, field):
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        update_staff(as_role(ctx, office, "hr"), office.staff[1].id, body)
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.get(Staff, office.staff[1].id).status == "active"
    assert _counts(ctx.session) == before


def test_update_of_unknown_staff_is_not_found(ctx, office):
    with pytest.raises(NotFound):
        update_staff(as_role(ctx, office, "hr"), 999_999, {"team": "安保"})


def test_set_wage_from_a_date_changes_the_wage_in_force(ctx, office):
    sid = office.staff[0].id
    hr = as_role(ctx, office, "hr")
    set_wage(hr, sid, {"monthly_wage_fen": 550_000, "effective_from": "2026-04-01"})
    set_wage(hr, sid, {"monthly_wage_fen": 520_000, "effective_from": "2025-01-01"})
    assert wage_on(ctx.session, sid, date(2026, 3, 31)) == 520_000
    assert wage_on(ctx.session, sid, date(2026, 4, 1)) == 550_000
    history = [
        (w.effective_from.isoformat(), w.monthly_wage_fen) for w in wage_history(ctx.session, sid)
    ]
    assert history == [("2023-05-01", 500_000), ("2025-01-01", 520_000), ("2026-04-01", 550_000)]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"effective_from": "2023-05-01"}, "effective_from"),  # the factory's wage starts then
        ({"effective_from": "2023-04-30"}, "effective_from"),  # before the hire date
        ({"effective_from": "2026-13-01"}, "effective_from"),
        ({"monthly_wage_fen": -1}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 4800.5}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 0}, "monthly_wage_fen"),
        ({"monthly_wage_fen": 10**12}, "monthly_wage_fen"),
        ({"monthly_wage_fen": True}, "monthly_wage_fen"),
    ],
)
def test_bad_wage_names_the_field_and_saves_nothing(ctx, office, over, field):
    body = {"monthly_wage_fen": 550_000, "effective_from": "2026-04-01", **over}
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        set_wage(as_role(ctx, office, "hr"), office.staff[0].id, body)
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


def test_managers_cannot_set_wages(ctx, office):
    with pytest.raises(Forbidden):
        set_wage(ctx, office.staff[0].id, {"monthly_wage_fen": 1, "effective_from": "2026-04-01"})


def test_staff_acknowledges_the_rulebook_themself(ctx, office):
    me = as_role(ctx, office, "staff")
    at = NOW - timedelta(hours=1)
    read = record_rulebook_ack(me, office.staff[0].id, {"acknowledged_at": at.isoformat()})
    assert read.rulebook_ack_at == at
    later = NOW.isoformat()
    assert (
        record_rulebook_ack(me, office.staff[0].id, {"acknowledged_at": later}).rulebook_ack_at
        == NOW
    )


@pytest.mark.parametrize(
    ("at", "field"),
    [
        ((NOW + timedelta(days=1)).isoformat(), "acknowledged_at"),
        ("2026-03-30T10:00:00", "acknowledged_at"),
        ("yesterday", "acknowledged_at"),
    ],
)
def test_bad_acknowledgement_changes_nothing(ctx, office, at, field):
    before = _count(ctx.session, AuditEvent)
    with pytest.raises(ValidationFailed) as err:
        record_rulebook_ack(as_role(ctx, office, "hr"), office.staff[0].id, {"acknowledged_at": at})
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.get(Staff, office.staff[0].id).rulebook_ack_at is None
    assert _count(ctx.session, AuditEvent) == before


def test_acknowledgement_cannot_move_back_in_time(ctx, office):
    hr = as_role(ctx, office, "hr")
    record_rulebook_ack(hr, office.staff[0].id, {"acknowledged_at": NOW.isoformat()})
    with pytest.raises(ValidationFailed) as err:
        record_rulebook_ack(hr, office.staff[0].id, {"acknowledged_at": "2026-01-01T00:00:00Z"})
    assert err.value.errors[0].field == "acknowledged_at"


@pytest.mark.parametrize("role", ["staff2", "manager", "cashier"])
def test_acknowledgement_by_others_is_forbidden(ctx, office, role):
    with pytest.raises(Forbidden):
        record_rulebook_ack(
            as_role(ctx, office, role), office.staff[0].id, {"acknowledged_at": NOW}
        )


def test_list_staff_is_the_office_and_a_staff_user_sees_only_themself(ctx, office):
    assert [s.employee_no for s in list_staff(ctx)] == ["E001", "E002", "E003"]
    assert [s.id for s in list_staff(as_role(ctx, office, "staff2"))] == [office.staff[1].id]
    update_staff(as_role(ctx, office, "hr"), office.staff[2].id, {"status": "left"})
    assert [s.employee_no for s in list_staff(ctx, status="active")] == ["E001", "E002"]


def test_wage_history_is_for_hr_admin_and_the_staff_member(ctx, office):
    sid = office.staff[0].id
    assert [w.monthly_wage_fen for w in list_wages(as_role(ctx, office, "hr"), sid)] == [500_000]
    assert len(list_wages(as_role(ctx, office, "staff"), sid)) == 1
    for role in ("staff2", "manager", "cashier"):
        with pytest.raises(Forbidden):
            list_wages(as_role(ctx, office, role), sid)
