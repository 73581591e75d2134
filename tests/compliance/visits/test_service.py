"""Work orders: creating them and recording each step once, in order."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from compliance.visits.models import Visit
from compliance.visits.service import create_visit, get_visit, record_step
from tests.conftest import NOW, as_role
from tests.factories import office_set

FUTURE = (NOW + timedelta(hours=1)).isoformat()


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "kind": "repair",
        "description": "厨房水龙头漏水",
        "requested_at": "2026-03-30T15:50:00+00:00",  # 23:50 Shanghai
    }
    body.update(over)
    return body


def _state(session):
    return (_count(session, Visit), _count(session, AuditEvent))


def test_create_sets_local_work_date_and_audits(ctx, office):
    before = _count(ctx.session, AuditEvent)
    v = create_visit(ctx, _body(office, requested_at="2026-03-30T16:10:00+00:00"))
    assert v.work_date == date(2026, 3, 31)
    assert ctx.session.get(Visit, v.id).created_by == office.users["manager"].id
    assert _count(ctx.session, AuditEvent) == before + 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999999}, "staff_id"),
        ({"unit_id": 999999}, "unit_id"),
        ({"kind": "massage"}, "kind"),
        ({"requested_at": "2026-03-30T10:00:00"}, "requested_at"),
        ({"requested_at": (NOW + timedelta(hours=1)).isoformat()}, "requested_at"),
        ({"description": "x" * 1001}, "description"),
        ({"done_at": "2026-03-30T10:00:00+00:00"}, "done_at"),
    ],
)
def test_bad_work_order_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        create_visit(ctx, _body(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert _state(ctx.session) == before


def test_full_progress_records_each_step_and_done_date(ctx, office):
    v = create_visit(ctx, _body(office))
    before = _count(ctx.session, AuditEvent)
    record_step(ctx, v.id, {"step": "assigned", "at": "2026-03-30T15:55:00+00:00"})
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:20:00+00:00"})
    done = record_step(
        ctx, v.id, {"step": "done", "at": "2026-03-30T16:50:00+00:00", "outcome": "已更换阀芯"}
    )
    assert done.done_date == date(2026, 3, 31)  # 00:50 the next day in Shanghai
    assert done.outcome == "已更换阀芯"
    left = record_step(ctx, v.id, {"step": "left", "at": "2026-03-30T17:00:00+00:00"})
    assert left.left_at.isoformat() == "2026-03-30T17:00:00+00:00"
    assert left.work_date == date(2026, 3, 31)  # arrived at 00:20: that day's work
    assert _count(ctx.session, AuditEvent) == before + 4
    assert get_visit(ctx, v.id) == left


def test_assignment_is_optional_and_steps_may_share_a_time(ctx, office):
    v = create_visit(ctx, _body(office))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T15:50:00+00:00"})
    record_step(ctx, v.id, {"step": "done", "at": "2026-03-30T15:50:00+00:00"})
    record_step(ctx, v.id, {"step": "left", "at": "2026-03-30T15:50:00+00:00"})


def test_may_leave_without_finishing(ctx, office):
    v = create_visit(ctx, _body(office))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:00:00+00:00"})
    read = record_step(ctx, v.id, {"step": "left", "at": "2026-03-30T16:30:00+00:00"})
    assert read.done_at is None
    with pytest.raises(InvalidTransition):
        record_step(ctx, v.id, {"step": "done", "at": "2026-03-30T16:40:00+00:00"})


@pytest.mark.parametrize(
    ("steps", "bad", "reason"),
    [
        ([], ("assigned", "2026-03-30T15:49:59+00:00"), "requested_at"),
        ([], ("arrived", "2026-03-30T15:00:00+00:00"), "requested_at"),
        ([("assigned", "2026-03-30T16:00:00+00:00")], ("arrived", "2026-03-30T15:59:00+00:00"),
         "assigned_at"),
        ([("arrived", "2026-03-30T16:20:00+00:00")], ("done", "2026-03-30T16:19:00+00:00"),
         "arrived_at"),
        ([("arrived", "2026-03-30T16:20:00+00:00"), ("done", "2026-03-30T16:40:00+00:00")],
         ("left", "2026-03-30T16:39:00+00:00"), "done_at"),
        ([("arrived", "2026-03-30T16:20:00+00:00")], ("left", "2026-03-30T16:19:00+00:00"),
         "arrived_at"),
        ([("arrived", "2026-03-30T16:20:00+00:00")], ("done", FUTURE), "future"),
    ],
)  # fmt: skip
def test_a_step_before_the_previous_one_or_in_the_future_is_refused(
    ctx, office, steps, bad, reason
):
    v = create_visit(ctx, _body(office))
    for step, at in steps:
        record_step(ctx, v.id, {"step": step, "at": at})
    row_before = get_visit(ctx, v.id)
    audits = _count(ctx.session, AuditEvent)
    with pytest.raises(ValidationFailed) as err:
        record_step(ctx, v.id, {"step": bad[0], "at": bad[1]})
    assert [e.field for e in err.value.errors] == ["at"]
    assert reason in err.value.errors[0].reason
    assert get_visit(ctx, v.id) == row_before
    assert _count(ctx.session, AuditEvent) == audits


def test_a_step_cannot_be_recorded_twice(ctx, office):
    v = create_visit(ctx, _body(office))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:00:00+00:00"})
    audits = _count(ctx.session, AuditEvent)
    with pytest.raises(Conflict):
        record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:05:00+00:00"})
    assert get_visit(ctx, v.id).arrived_at.isoformat() == "2026-03-30T16:00:00+00:00"
    assert _count(ctx.session, AuditEvent) == audits


def test_conditional_update_loses_to_a_concurrent_writer(ctx, office):
    v = create_visit(ctx, _body(office))
    row = ctx.session.get(Visit, v.id)
    # Simulate another transaction recording arrival after we loaded the row: the loaded
    # object still says arrived_at is None, but the database row already has it.
    ctx.session.execute(
        Visit.__table__.update()
        .where(Visit.__table__.c.id == v.id)
        .values(arrived_at=NOW - timedelta(hours=10))
    )
    assert row.arrived_at is None
    with pytest.raises(Conflict):
        record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:05:00+00:00"})


@pytest.mark.parametrize(
    ("steps", "bad"),
    [
        ([], "done"),
        ([], "left"),
        ([("arrived", "2026-03-30T16:00:00+00:00")], "assigned"),
    ],
)
def test_out_of_order_steps_are_invalid_transitions(ctx, office, steps, bad):
    v = create_visit(ctx, _body(office))
    for step, at in steps:
        record_step(ctx, v.id, {"step": step, "at": at})
    with pytest.raises(InvalidTransition):
        record_step(ctx, v.id, {"step": bad, "at": "2026-03-30T16:30:00+00:00"})


def test_outcome_only_with_done(ctx, office):
    v = create_visit(ctx, _body(office))
    with pytest.raises(ValidationFailed) as err:
        record_step(
            ctx, v.id, {"step": "arrived", "at": "2026-03-30T16:00:00+00:00", "outcome": "x"}
        )
    assert [e.field for e in err.value.errors] == ["outcome"]


def test_bad_step_name_is_a_field_error(ctx, office):
    v = create_visit(ctx, _body(office))
    with pytest.raises(ValidationFailed) as err:
        record_step(ctx, v.id, {"step": "started", "at": "2026-03-30T16:00:00+00:00"})
    assert [e.field for e in err.value.errors] == ["step"]


def test_another_offices_work_order_is_not_found(ctx, office):
    other = office_set(ctx.session, code="HYY")
    foreign = create_visit(
        as_role(ctx, other, "manager"),
        {"staff_id": other.staff[0].id, "unit_id": other.units[0].id,
         "requested_at": "2026-03-30T10:00:00+00:00"},
    )  # fmt: skip
    with pytest.raises(NotFound):
        record_step(ctx, foreign.id, {"step": "arrived", "at": "2026-03-30T11:00:00+00:00"})
    with pytest.raises(NotFound):
        get_visit(ctx, foreign.id)
    with pytest.raises(ValidationFailed):
        create_visit(ctx, _body(office, staff_id=other.staff[0].id))


@pytest.mark.parametrize("role", ["hr", "cashier", "staff"])
def test_other_roles_cannot_create_or_progress(ctx, office, role):
    v = create_visit(ctx, _body(office))
    with pytest.raises(Forbidden):
        create_visit(as_role(ctx, office, role), _body(office))
    with pytest.raises(Forbidden):
        record_step(as_role(ctx, office, role), v.id, {"step": "arrived", "at": NOW.isoformat()})


def test_a_job_requested_in_the_evening_and_done_next_morning_belongs_to_that_morning(ctx, office):
    asked = create_visit(ctx, _body(office, requested_at="2026-03-29T11:00:00+00:00"))
    assert asked.work_date == date(2026, 3, 29)  # 19:00 Shanghai: until someone arrives
    came = record_step(ctx, asked.id, {"step": "arrived", "at": "2026-03-30T01:30:00+00:00"})
    assert came.work_date == date(2026, 3, 30)  # 09:30 the next morning
