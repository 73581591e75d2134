"""Detection over a period: findings stored once, with the version that judged them."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit.service import verify
from compliance.errors import Forbidden, ValidationFailed
from compliance.feedback.models import Feedback
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.policy_params.service import record_history
from compliance.visits.models import Visit
from tests.conftest import as_role

DAY = date(2026, 3, 10)
T0 = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 Shanghai


def _visit(ctx, office, *, staff=0, unit=0, day_offset=0, linger_min=5, arrive_h=1):
    base = T0 + timedelta(days=day_offset)
    v = Visit(
        office_id=office.office.id,
        staff_id=office.staff[staff].id,
        unit_id=office.units[unit].id,
        requested_at=base,
        work_date=DAY + timedelta(days=day_offset),
        arrived_at=base + timedelta(hours=arrive_h),
        done_at=base + timedelta(hours=arrive_h + 1),
        done_date=DAY + timedelta(days=day_offset),
        left_at=base + timedelta(hours=arrive_h + 1, minutes=linger_min),
        created_at=base,
    )
    ctx.session.add(v)
    ctx.session.flush()
    return v


def _day_ok(ctx, office, *, staff=0, day_offset=0):
    """Roster, check-in and sign-back that make the day clean for R02 and R09."""
    base = T0 + timedelta(days=day_offset)
    sid, wd = office.staff[staff].id, DAY + timedelta(days=day_offset)
    ctx.session.add(
        RosterShift(
            office_id=office.office.id,
            staff_id=sid,
            work_date=wd,
            start_at=base,
            end_at=base + timedelta(hours=9),
            created_at=base,
        )
    )
    for kind, at in (
        ("check_in", base - timedelta(minutes=5)),
        ("sign_back", base + timedelta(hours=9, minutes=10)),
    ):
        ctx.session.add(
            AttendanceEvent(
                office_id=office.office.id,
                staff_id=sid,
                kind=kind,
                at=at,
                work_date=wd,
                created_at=base,
            )
        )
    ctx.session.flush()


def _findings(ctx, rule=None):
    stmt = select(Finding)
    if rule:
        stmt = stmt.where(Finding.rule_code == rule)
    return list(ctx.session.execute(stmt).scalars())


def test_lingering_visit_becomes_one_finding_even_when_run_twice(ctx, office):
    _day_ok(ctx, office)
    v = _visit(ctx, office, linger_min=16)
    first = run_detection(ctx, DAY, DAY)
    second = run_detection(ctx, DAY, DAY)
    r08 = _findings(ctx, "R08")
    assert len(r08) == 1 and first.per_rule["R08"].new == 1
    assert second.new == 0 and second.per_rule["R08"].existing == 1
    f = r08[0]
    assert f.staff_id == office.staff[0].id
    assert json.loads(f.evidence) == [{"kind": "visit", "id": v.id}]
    assert f.policy_version == "1.0" and len(f.params_digest) == 64 and len(f.input_digest) == 64
    assert "16" in f.explanation_zh
    assert verify(ctx.session).ok


def test_clean_day_gives_no_findings(ctx, office):
    _day_ok(ctx, office)
    _visit(ctx, office, linger_min=15)
    summary = run_detection(ctx, DAY, DAY)
    assert summary.new == 0 and _findings(ctx) == []


def test_field_job_without_check_in_is_an_r02_finding(ctx, office):
    base = T0
    ctx.session.add(
        RosterShift(
            office_id=office.office.id,
            staff_id=office.staff[1].id,
            work_date=DAY,
            start_at=base,
            end_at=base + timedelta(hours=9),
            created_at=base,
        )
    )
    _visit(ctx, office, staff=1)
    run_detection(ctx, DAY, DAY)
    detectors = {f.detector for f in _findings(ctx, "R02")}
    assert "no_check_in" in detectors and "no_sign_back" in detectors


def test_new_parameter_version_judges_only_incidents_from_its_date(ctx, office, settings):
    admin = as_role(ctx, office, "admin")
    # A past version is history (published the day before it took effect), not `publish`.
    record_history(admin, "R08", {"linger_minutes": 10}, DAY + timedelta(days=1), "收紧", T0)
    for off in (0, 1):
        _day_ok(ctx, office, day_offset=off)
        _visit(ctx, office, day_offset=off, linger_min=12)
    run_detection(ctx, DAY, DAY + timedelta(days=1))
    r08 = _findings(ctx, "R08")
    assert [f.policy_version for f in r08] == ["1.1"]  # day 0 judged by 15 min: no breach
    assert r08[0].occurred_at.astimezone(ctx.tz).date() == DAY + timedelta(days=1)


def test_repeated_incompetence_needs_three_reports_from_two_households(ctx, office):
    for i, unit in enumerate((0, 1, 1)):
        at = T0 + timedelta(days=i * 10)
        ctx.session.add(
            Feedback(
                office_id=office.office.id,
                staff_id=office.staff[2].id,
                unit_id=office.units[unit].id,
                channel="phone",
                category="incompetent",
                occurred_at=at,
                work_date=at.astimezone(ctx.tz).date(),
                received_at=at,
                created_at=at,
            )
        )
    ctx.session.flush()
    run_detection(ctx, DAY, DAY + timedelta(days=25))
    r10 = _findings(ctx, "R10")
    assert len(r10) == 1 and len(json.loads(r10[0].evidence)) == 3


def test_bad_periods_are_rejected(ctx):
    with pytest.raises(ValidationFailed, match="end"):
        run_detection(ctx, DAY, DAY - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="start"):
        run_detection(ctx, date(2027, 1, 1), date(2027, 1, 2))


def test_staff_cannot_run_detection(ctx, office):
    with pytest.raises(Forbidden):
        run_detection(as_role(ctx, office, "staff"), DAY, DAY)


def test_detection_run_is_audited(ctx, office):
    from compliance.audit.models import AuditEvent

    run_detection(ctx, DAY, DAY)
    actions = ctx.session.execute(select(AuditEvent.action)).scalars().all()
    assert "detection.run" in actions
    assert ctx.session.execute(select(func.count()).select_from(Finding)).scalar_one() == 0


def test_a_job_asked_for_one_evening_and_done_next_morning_is_judged_on_that_morning(ctx, office):
    from compliance.visits.service import create_visit, record_step

    _day_ok(ctx, office, day_offset=1)  # the next day's shift, check-in and sign-back
    evening = (T0 + timedelta(hours=10)).isoformat()  # 18:30 Shanghai on DAY
    v = create_visit(
        ctx,
        {"staff_id": office.staff[0].id, "unit_id": office.units[0].id, "requested_at": evening},
    )
    morning = T0 + timedelta(days=1, hours=1)  # 09:30 the next day, inside the shift
    for step, at in (("arrived", morning), ("done", morning + timedelta(hours=1))):
        record_step(ctx, v.id, {"step": step, "at": at.isoformat()})
    record_step(
        ctx, v.id, {"step": "left", "at": (morning + timedelta(hours=1, minutes=5)).isoformat()}
    )
    summary = run_detection(ctx, DAY, DAY + timedelta(days=1))
    assert summary.facts["visits"] == 1 and summary.facts["punches"] == 2  # it was judged
    assert _findings(ctx, "R09") == []  # not overtime: it was done inside that day's shift
    assert _findings(ctx, "R02") == []  # and after that day's check-in
