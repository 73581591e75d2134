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


# A job that needs two trips is recorded as two trips (R09, 第九条) ------------------------


def _first_trip(ctx, office):
    """Arrived 10:00, left 11:30 without finishing (Shanghai, 2026-03-30)."""
    from compliance.visits.service import record_step

    v = create_visit(ctx, _body(office, requested_at="2026-03-30T01:30:00+00:00"))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T02:00:00+00:00"})
    record_step(ctx, v.id, {"step": "left", "at": "2026-03-30T03:30:00+00:00"})
    return v


@pytest.mark.parametrize(
    ("at", "refused"),
    [
        ("2026-03-30T18:00:00+00:00", False),
        ("2026-03-30T18:01:00+00:00", True),
        ("2026-03-30T15:59:00+00:00", False),
    ],
    ids=[
        "02:00 next day, 12 h after the arrival",
        "02:01 next day, 12 h 1 min after",
        "23:59 the same day, 9 h 59 min after",
    ],
)
def test_a_done_time_more_than_12_hours_after_arrival_on_another_day_is_refused(
    ctx, office, at, refused
):
    """Arrived 14:00 Shanghai (06:00 UTC) on 2026-03-30."""
    from compliance.visits.service import record_step

    v = create_visit(ctx, _body(office, requested_at="2026-03-30T05:30:00+00:00"))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T06:00:00+00:00"})
    if not refused:
        assert record_step(ctx, v.id, {"step": "done", "at": at}).done_at is not None
        return
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        record_step(ctx, v.id, {"step": "done", "at": at})
    assert {e.field for e in err.value.errors} == {"at"}
    assert "two trips" in err.value.errors[0].reason
    assert ctx.session.get(Visit, v.id).done_at is None
    assert _state(ctx.session) == before


def test_the_next_trip_is_a_visit_of_its_own_on_its_own_day(ctx, office):
    from compliance.visits.service import next_trip, record_step

    first = _first_trip(ctx, office)
    before = _count(ctx.session, AuditEvent)
    second = next_trip(ctx, first.id, {"at": "2026-03-31T01:30:00+00:00"})  # 09:30 next day
    assert second.id != first.id and second.follows_visit_id == first.id
    assert (second.staff_id, second.unit_id, second.kind) == (
        first.staff_id,
        first.unit_id,
        first.kind,
    )
    assert second.requested_at == first.requested_at  # the same order
    assert second.work_date == date(2026, 3, 31)
    assert _count(ctx.session, AuditEvent) == before + 1
    done = record_step(ctx, second.id, {"step": "done", "at": "2026-03-31T02:30:00+00:00"})
    assert done.done_at is not None
    with pytest.raises(Conflict):
        next_trip(ctx, first.id, {"at": "2026-03-31T03:30:00+00:00"})


@pytest.mark.parametrize(
    "case", ["not left", "already done", "before the last trip left", "in the future"]
)
def test_a_next_trip_needs_an_undone_job_whose_last_trip_left(ctx, office, case):
    from compliance.visits.service import next_trip, record_step

    v = create_visit(ctx, _body(office, requested_at="2026-03-30T01:30:00+00:00"))
    record_step(ctx, v.id, {"step": "arrived", "at": "2026-03-30T02:00:00+00:00"})
    at = "2026-03-31T01:30:00+00:00"
    if case != "not left":
        if case == "already done":
            record_step(ctx, v.id, {"step": "done", "at": "2026-03-30T03:00:00+00:00"})
        record_step(ctx, v.id, {"step": "left", "at": "2026-03-30T03:30:00+00:00"})
    if case == "before the last trip left":
        at = "2026-03-30T03:00:00+00:00"
    if case == "in the future":
        at = FUTURE
    before = _state(ctx.session)
    with pytest.raises((InvalidTransition, ValidationFailed)):
        next_trip(ctx, v.id, {"at": at})
    assert _state(ctx.session) == before


def test_staff_cannot_record_a_next_trip(ctx, office):
    from compliance.visits.service import next_trip

    first = _first_trip(ctx, office)
    with pytest.raises(Forbidden):
        next_trip(as_role(ctx, office, "staff"), first.id, {"at": "2026-03-31T01:30:00+00:00"})
