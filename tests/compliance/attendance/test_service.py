"""Recording punches by hand and rostering shifts."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.attendance.service import record_punch, roster_shift
from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from tests.conftest import NOW, as_role


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _punch(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "kind": "check_in",
        "at": "2026-03-30T00:05:00+00:00",  # 08:05 Shanghai
    }
    body.update(over)
    return body


def _shift(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "work_date": "2026-03-30",
        "start_at": "2026-03-30T08:00:00+08:00",
        "end_at": "2026-03-30T17:30:00+08:00",
    }
    body.update(over)
    return body


def test_punch_gets_local_work_date_manual_source_and_audit(ctx, office):
    before = _count(ctx.session, AuditEvent)
    # 23:30 UTC on the 30th is 07:30 on the 31st in Shanghai.
    read = record_punch(ctx, _punch(office, at="2026-03-30T23:30:00+00:00"))
    row = ctx.session.get(AttendanceEvent, read.id)
    assert row.work_date == date(2026, 3, 31)
    assert row.source == "manual"
    assert row.kind == "check_in"
    assert row.created_by == office.users["manager"].id
    assert _count(ctx.session, AuditEvent) == before + 1


def test_admin_may_record_a_sign_back(ctx, office):
    read = record_punch(as_role(ctx, office, "admin"), _punch(office, kind="sign_back"))
    assert read.kind == "sign_back"


@pytest.mark.parametrize("role", ["hr", "cashier", "staff"])
def test_other_roles_cannot_record_punches(ctx, office, role):
    before = _count(ctx.session, AttendanceEvent)
    with pytest.raises(Forbidden):
        record_punch(as_role(ctx, office, role), _punch(office))
    assert _count(ctx.session, AttendanceEvent) == before


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999999}, "staff_id"),
        ({"kind": "lunch"}, "kind"),
        ({"at": "2026-03-30T08:00:00"}, "at"),
        ({"at": (NOW + timedelta(hours=1)).isoformat()}, "at"),
        ({"source": "import"}, "source"),
    ],
)
def test_bad_punch_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = (_count(ctx.session, AttendanceEvent), _count(ctx.session, AuditEvent))
    with pytest.raises(ValidationFailed) as err:
        record_punch(ctx, _punch(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert (_count(ctx.session, AttendanceEvent), _count(ctx.session, AuditEvent)) == before


def test_punch_within_clock_skew_is_accepted(ctx, office):
    record_punch(ctx, _punch(office, at=(NOW + timedelta(minutes=3)).isoformat()))


def test_rosters_a_shift_and_audits_it(ctx, office):
    before = _count(ctx.session, AuditEvent)
    read = roster_shift(ctx, _shift(office))
    row = ctx.session.get(RosterShift, read.id)
    assert row.start_at.isoformat() == "2026-03-30T00:00:00+00:00"
    assert row.end_at.isoformat() == "2026-03-30T09:30:00+00:00"
    assert _count(ctx.session, AuditEvent) == before + 1


def test_a_night_shift_may_end_the_next_day(ctx, office):
    read = roster_shift(
        ctx,
        _shift(office, start_at="2026-03-30T22:00:00+08:00", end_at="2026-03-31T06:00:00+08:00"),
    )
    assert read.work_date == date(2026, 3, 30)


def test_second_shift_on_the_same_day_is_refused_on_work_date(ctx, office):
    roster_shift(ctx, _shift(office))
    before = (_count(ctx.session, RosterShift), _count(ctx.session, AuditEvent))
    with pytest.raises(ValidationFailed) as err:
        roster_shift(
            ctx,
            _shift(
                office, start_at="2026-03-30T18:00:00+08:00", end_at="2026-03-30T22:00:00+08:00"
            ),
        )
    assert [e.field for e in err.value.errors] == ["work_date"]
    assert (_count(ctx.session, RosterShift), _count(ctx.session, AuditEvent)) == before
    # Another staff member on the same day is fine.
    roster_shift(ctx, _shift(office, staff_id=office.staff[1].id))


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"end_at": "2026-03-30T08:00:00+08:00"}, "end_at"),
        ({"end_at": "2026-03-30T07:00:00+08:00"}, "end_at"),
        ({"end_at": "2026-04-01T09:00:00+08:00"}, "end_at"),
        ({"start_at": "2026-03-29T20:00:00+08:00"}, "start_at"),
        ({"start_at": "2026-03-30T08:00:00"}, "start_at"),
        ({"work_date": "2026-02-30"}, "work_date"),
        ({"staff_id": 999999}, "staff_id"),
    ],
)
def test_bad_shift_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = (_count(ctx.session, RosterShift), _count(ctx.session, AuditEvent))
    with pytest.raises(ValidationFailed) as err:
        roster_shift(ctx, _shift(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert (_count(ctx.session, RosterShift), _count(ctx.session, AuditEvent)) == before


def test_staff_cannot_roster_shifts(ctx, office):
    with pytest.raises(Forbidden):
        roster_shift(as_role(ctx, office, "staff"), _shift(office))
