"""R04 on stored work orders: 当日完成 counts from the office-local day the order was opened."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.visits.service import create_visit, record_step

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 10)
NEXT = DAY + timedelta(days=1)


def _at(day: date, hh: int, mm: int) -> str:
    return datetime.combine(day, time(hh, mm), SHANGHAI).astimezone(UTC).isoformat()


def _order(ctx, office, opened: str, arrived: str, done: str) -> int:
    v = create_visit(
        ctx,
        {"staff_id": office.staff[0].id, "unit_id": office.units[0].id, "requested_at": opened},
    )
    record_step(ctx, v.id, {"step": "arrived", "at": arrived})
    record_step(ctx, v.id, {"step": "done", "at": done})
    return v.id


def _r04(ctx) -> list[Finding]:
    stmt = select(Finding).where(Finding.rule_code == "R04")
    return list(ctx.session.execute(stmt).scalars())


def test_an_order_opened_the_evening_before_and_done_next_morning_is_found_on_its_day(ctx, office):
    vid = _order(ctx, office, _at(DAY, 21, 0), _at(NEXT, 9, 30), _at(NEXT, 10, 30))
    # A run over the day it was opened finds it, though the job's work_date is the next day.
    first = run_detection(ctx, DAY, DAY)
    [finding] = _r04(ctx)
    assert first.per_rule["R04"].new == 1
    assert finding.detector == "not_same_day"
    assert f"工单 #{vid} 于 2026-03-10 开单" in finding.explanation_zh
    assert finding.occurred_at.astimezone(SHANGHAI).date() == DAY
    # A run over the arrival day neither finds it again nor double counts it.
    second = run_detection(ctx, DAY, NEXT)
    assert second.per_rule["R04"].new == 0 and len(_r04(ctx)) == 1


def test_opened_at_23_50_and_done_at_00_10_is_a_breach(ctx, office):
    _order(ctx, office, _at(DAY, 23, 50), _at(DAY, 23, 55), _at(NEXT, 0, 10))
    run_detection(ctx, DAY, NEXT)
    assert len(_r04(ctx)) == 1


def test_opened_at_08_00_and_done_at_23_59_is_the_same_day(ctx, office):
    _order(ctx, office, _at(DAY, 8, 0), _at(DAY, 12, 0), _at(DAY, 23, 59))
    run_detection(ctx, DAY, NEXT)
    assert _r04(ctx) == []
