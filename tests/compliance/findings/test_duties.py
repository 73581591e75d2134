"""Detection by duty, overtime judged when it begins, one act one finding (R02, R08, R09).

Scenarios from the rulebook (seed article 1):
- 第二条 "上班必须先到管理处报到,然后外出工作。工作结束后,必须及时到管理处签到。"
- 第八条 "不得在服务对象房内无故停留,工作完毕后应立即离开。"
- 第九条 "需要服务人员加班,必须先通知管理处主任,经批准同意……方能进行。"
Each is recorded through the services a manager uses, then judged by `run_detection`.
Times: DAY is Tuesday 2026-03-10; Shanghai is UTC+8.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from compliance.accounts.models import User
from compliance.attendance.service import record_punch, roster_shift
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.overtime.service import decide_overtime, request_overtime
from compliance.visits.service import create_visit, record_step
from tests.conftest import as_role

DAY = date(2026, 3, 10)
NEXT = DAY + timedelta(days=1)
H, M = timedelta(hours=1), timedelta(minutes=1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant given in Shanghai wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - 8 * H


def shift(ctx, office, start: datetime, end: datetime, staff: int = 0) -> None:
    roster_shift(
        ctx,
        {
            "staff_id": office.staff[staff].id,
            "work_date": (start + 8 * H).date().isoformat(),
            "start_at": start.isoformat(),
            "end_at": end.isoformat(),
        },
    )


def punch(ctx, office, kind: str, at: datetime, staff: int = 0) -> None:
    record_punch(ctx, {"staff_id": office.staff[staff].id, "kind": kind, "at": at.isoformat()})


def job(ctx, office, arrive: datetime, done: datetime, left: datetime, staff: int = 0) -> int:
    v = create_visit(
        ctx,
        {
            "staff_id": office.staff[staff].id,
            "unit_id": office.units[0].id,
            "requested_at": (arrive - 30 * M).isoformat(),
        },
    )
    for step, at in (("arrived", arrive), ("done", done), ("left", left)):
        record_step(ctx, v.id, {"step": step, "at": at.isoformat()})
    return v.id


def found(ctx) -> list[tuple[str, str]]:
    """The findings of the rules these scenarios are about (R04's same-day is not)."""
    rows = ctx.session.execute(
        select(Finding.rule_code, Finding.dedupe_key).where(
            Finding.rule_code.in_(("R02", "R08", "R09"))  # type: ignore[attr-defined]
        )
    ).all()
    return sorted((r.rule_code, r.dedupe_key) for r in rows)


# Item 7: the working day is the duty --------------------------------------------------------


def test_a_job_at_0100_inside_a_night_shift_is_neither_overtime_nor_unreported(ctx, office):
    """Night shift 22:00-06:00 rostered on DAY; checked in 21:50; job at 01:00; back 06:05."""
    shift(ctx, office, local(DAY, 22), local(NEXT, 6))
    punch(ctx, office, "check_in", local(DAY, 21, 50))
    job(ctx, office, local(NEXT, 1), local(NEXT, 1, 40), local(NEXT, 1, 45))
    punch(ctx, office, "sign_back", local(NEXT, 6, 5))
    run_detection(ctx, DAY, NEXT)
    assert found(ctx) == []


def test_a_night_shift_without_check_in_is_one_finding_of_its_duty(ctx, office):
    shift(ctx, office, local(DAY, 22), local(NEXT, 6))
    job(ctx, office, local(NEXT, 1), local(NEXT, 1, 40), local(NEXT, 1, 45))
    punch(ctx, office, "sign_back", local(NEXT, 6, 5))
    run_detection(ctx, DAY, NEXT)
    run_detection(ctx, NEXT, NEXT)  # the next day alone still sees the duty whole
    assert found(ctx) == [("R02", f"fieldday:{office.staff[0].id}:{DAY.isoformat()}:checkin")]


def test_a_job_ending_0025_signed_back_at_0045_is_signed_back(ctx, office):
    """Evening shift 16:00-00:30; the last job 23:00-00:25; signed back at 00:45."""
    shift(ctx, office, local(DAY, 16), local(NEXT, 0, 30))
    punch(ctx, office, "check_in", local(DAY, 15, 55))
    job(ctx, office, local(DAY, 23), local(NEXT, 0, 20), local(NEXT, 0, 25))
    punch(ctx, office, "sign_back", local(NEXT, 0, 45))
    run_detection(ctx, DAY, NEXT)
    assert found(ctx) == []


def test_an_evening_call_out_needs_its_own_sign_back_once(ctx, office):
    """Day shift signed back at 18:10; called out 20:00-21:05 and never signed back."""
    shift(ctx, office, local(DAY, 9), local(DAY, 18))
    punch(ctx, office, "check_in", local(DAY, 8, 55))
    job(ctx, office, local(DAY, 10), local(DAY, 11), local(DAY, 11, 5))
    punch(ctx, office, "sign_back", local(DAY, 18, 10))
    evening = job(ctx, office, local(DAY, 20), local(DAY, 21), local(DAY, 21, 5))
    first = run_detection(ctx, DAY, DAY)
    second = run_detection(ctx, DAY, DAY)
    key = f"callout:{office.staff[0].id}:{evening}:signback"
    assert ("R02", key) in found(ctx)
    assert first.per_rule["R02"].new == 1 and second.per_rule["R02"].new == 0
    [r02] = ctx.session.execute(select(Finding).where(Finding.dedupe_key == key)).scalars()
    assert f"排班以外的入户工作(工单 #{evening})结束后 60 分钟内没有回管理处签到" in (
        r02.explanation_zh
    )


# Item 8: overtime is judged when it begins --------------------------------------------------


def _run_on(ctx, office) -> int:
    """Day shift 09:00-18:00; a job begun at 17:00 and done at 18:50: overtime from 18:00."""
    shift(ctx, office, local(DAY, 9), local(DAY, 18))
    punch(ctx, office, "check_in", local(DAY, 8, 55))
    vid = job(ctx, office, local(DAY, 17), local(DAY, 18, 50), local(DAY, 18, 55))
    punch(ctx, office, "sign_back", local(DAY, 19, 10))
    return vid


def _approve(ctx, office, vid: int, given: datetime, reason: str = "") -> None:
    r = request_overtime(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "visit_id": vid,
            "requested_at": (given - 10 * M).isoformat(),
        },
    )
    decide_overtime(
        as_role(ctx, office, "director"),
        r.id,
        {
            "decision": "approved",
            "rearranged_others": True,
            "decided_at": given.isoformat(),
            "late_entry_reason": reason,
        },
    )


def test_an_approval_after_arrival_but_before_the_shift_ended_covers_the_overtime(ctx, office):
    vid = _run_on(ctx, office)
    _approve(ctx, office, vid, local(DAY, 17, 40), reason="主任电话批准,次日补录")
    run_detection(ctx, DAY, DAY)
    assert found(ctx) == []


def test_an_approval_one_minute_into_the_overtime_is_a_breach_dated_when_it_began(ctx, office):
    vid = _run_on(ctx, office)
    _approve(ctx, office, vid, local(DAY, 18, 1), reason="主任电话批准,次日补录")
    run_detection(ctx, DAY, DAY)
    [r09] = ctx.session.execute(select(Finding).where(Finding.rule_code == "R09")).scalars()
    assert r09.dedupe_key == f"visit:{vid}"
    assert r09.occurred_at == local(DAY, 18)
    assert "主任在加班开始后 1 分钟才批准" in r09.explanation_zh


def test_clearing_the_director_flag_later_turns_no_approved_job_into_a_breach(ctx, office):
    vid = _run_on(ctx, office)
    _approve(ctx, office, vid, local(DAY, 17, 40), reason="主任电话批准,次日补录")
    ctx.session.get(User, office.users["director"].id).is_director = False  # she moved on
    ctx.session.flush()
    run_detection(ctx, DAY, DAY)
    assert found(ctx) == []


# Item 10: one act, one finding --------------------------------------------------------------


def test_lingering_past_the_shift_is_one_r08_finding_not_r09_and_r02_too(ctx, office):
    """Job done at 17:30, left the home at 19:30, signed back at 19:45 (shift ends 18:00)."""
    shift(ctx, office, local(DAY, 9), local(DAY, 18))
    punch(ctx, office, "check_in", local(DAY, 8, 55))
    vid = job(ctx, office, local(DAY, 16), local(DAY, 17, 30), local(DAY, 19, 30))
    punch(ctx, office, "sign_back", local(DAY, 19, 45))
    run_detection(ctx, DAY, DAY)
    run_detection(ctx, DAY, DAY)
    assert found(ctx) == [("R08", f"visit:{vid}")]
    [r08] = ctx.session.execute(select(Finding).where(Finding.rule_code == "R08")).scalars()
    assert "不另计为未经批准的加班(第九条)或迟签到(第二条)" in r08.explanation_zh


def test_a_job_that_needed_two_trips_is_two_trips_not_sixteen_hours_of_overtime(ctx, office):
    """Came 16:00-17:30 and could not finish; came back next morning 09:30, done 10:30."""
    from compliance.visits.service import next_trip

    for day in (DAY, NEXT):
        shift(ctx, office, local(day, 9), local(day, 18))
        punch(ctx, office, "check_in", local(day, 8, 55))
        punch(ctx, office, "sign_back", local(day, 18, 5))
    v = create_visit(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "requested_at": local(DAY, 15).isoformat(),
        },
    )
    record_step(ctx, v.id, {"step": "arrived", "at": local(DAY, 16).isoformat()})
    record_step(ctx, v.id, {"step": "left", "at": local(DAY, 17, 30).isoformat()})
    trip = next_trip(ctx, v.id, {"at": local(NEXT, 9, 30).isoformat()})
    record_step(ctx, trip.id, {"step": "done", "at": local(NEXT, 10, 30).isoformat()})
    record_step(ctx, trip.id, {"step": "left", "at": local(NEXT, 10, 35).isoformat()})
    summary = run_detection(ctx, DAY, NEXT)
    assert summary.facts["visits"] == 2
    assert found(ctx) == []


def test_a_job_with_two_approved_requests_is_judged_by_the_timely_one(ctx, office):
    vid = _run_on(ctx, office)
    _approve(ctx, office, vid, local(DAY, 17, 40), reason="主任电话批准,次日补录")
    _approve(ctx, office, vid, local(DAY, 18, 30), reason="重复登记")  # a second, later one
    run_detection(ctx, DAY, DAY)
    assert found(ctx) == []
