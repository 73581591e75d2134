"""R04: work orders done the same day; return visits not rated unsatisfied."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r04_service_quality import judge_same_day, opened_on
from policies.facts import VisitFact
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel, Satisfaction

from .builders import D0, T0, bundle, feedback, visit

R04 = registry.get("R04")
NEXT = D0 + timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("done_date", "today", "outcome"),
    [
        (D0, NEXT, Outcome.PASS),
        (D0 - timedelta(days=1), NEXT, Outcome.PASS),
        (NEXT, NEXT, Outcome.BREACH),
        (None, NEXT, Outcome.BREACH),
        (None, D0, Outcome.NOT_APPLICABLE),
    ],
    ids=["same day", "early", "next day", "still open", "due today"],
)
def test_judge_same_day(done_date: date | None, today: date, outcome: Outcome) -> None:
    assert judge_same_day(visit(work_date=D0, done_date=done_date), today) is outcome


def test_completed_late_breach() -> None:
    late = visit(5, done_date=D0 + timedelta(days=2))
    [decision] = R04.detect(bundle(visits=[late]))
    assert decision.detector == "not_same_day"
    assert decision.dedupe_key == "visit:5"
    assert decision.evidence == (EvidenceRef(EvidenceKind.VISIT, 5),)
    assert "2024-03-07" in decision.explanation_zh and "2 天" in decision.explanation_zh


def test_open_order_uses_the_local_date_when_given() -> None:
    still_open = visit(5, done_date=None, done_at=None, left_at=None)
    # 23:30 UTC on the 5th is already the 6th in Shanghai.
    as_of = T0.replace(hour=23, minute=30)
    assert R04.detect(bundle(visits=[still_open], as_of=as_of)) == []
    [decision] = R04.detect(bundle(visits=[still_open], as_of=as_of, as_of_date=NEXT))
    assert "2024-03-06" in decision.explanation_en


def test_open_order_after_its_day_breaches() -> None:
    still_open = visit(5, done_date=None)
    [decision] = R04.detect(bundle(visits=[still_open]))
    assert "仍未完成" in decision.explanation_zh


@pytest.mark.parametrize(
    ("channel", "satisfaction", "breaches"),
    [
        (FeedbackChannel.RETURN_VISIT, Satisfaction.UNSATISFIED, True),
        (FeedbackChannel.RETURN_VISIT, Satisfaction.BASIC, False),
        (FeedbackChannel.RETURN_VISIT, Satisfaction.SATISFIED, False),
        (FeedbackChannel.RETURN_VISIT, None, False),
        (FeedbackChannel.PHONE, Satisfaction.UNSATISFIED, False),
    ],
)
def test_unsatisfied_return_visit(
    channel: FeedbackChannel, satisfaction: Satisfaction | None, breaches: bool
) -> None:
    report = feedback(
        9, category=FeedbackCategory.OTHER, channel=channel, satisfaction=satisfaction
    )
    decisions = R04.detect(bundle(feedback=[report]))
    assert [d.dedupe_key for d in decisions] == (["feedback:9"] if breaches else [])
    if breaches:
        assert decisions[0].detector == "unsatisfied_return_visit"
        assert "不满意" in decisions[0].explanation_zh


# 《服务工作单》…限定在当日完成: the day is the office-local day the order was OPENED
# (Asia/Shanghai, UTC+8), not the day someone first arrived.
def _order(
    *, opened: datetime, arrived: datetime | None, done: datetime | None, opened_date: date | None
) -> VisitFact:
    base = visit(5)
    local = SHANGHAI
    return replace(
        base,
        requested_at=opened,
        work_date=(arrived or opened).astimezone(local).date(),
        arrived_at=arrived,
        done_at=done,
        left_at=None if done is None else done + timedelta(minutes=5),
        done_date=None if done is None else done.astimezone(local).date(),
        opened_date=opened_date,
    )


def _local(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), SHANGHAI).astimezone(UTC)


SCENARIOS = [
    # opened, arrived, done, breach?
    ((D0, 23, 50), (D0, 23, 55), (NEXT, 0, 10), True),
    ((D0, 8, 0), (D0, 9, 0), (D0, 23, 59), False),
    # Opened the evening before, first visited and done the next morning: a day late.
    ((D0 - timedelta(days=1), 20, 0), (D0, 9, 0), (D0, 10, 0), True),
    # 00:05 in Shanghai is still the previous day in UTC: judged on the local day.
    ((D0, 0, 5), (D0, 9, 0), (D0, 23, 0), False),
    ((D0, 0, 0), (D0, 9, 0), (D0, 23, 59), False),
]


@pytest.mark.parametrize("given_opened_date", [True, False], ids=["gathered", "derived"])
@pytest.mark.parametrize(
    ("opened", "arrived", "done", "breaches"),
    SCENARIOS,
    ids=[
        "opened 23:50 done 00:10 next day",
        "opened 08:00 done 23:59",
        "opened the evening before, arrived the next morning",
        "opened 00:05 local (previous UTC day)",
        "opened at local midnight done 23:59",
    ],
)
def test_same_day_counts_from_the_opening(
    opened: tuple[date, int, int],
    arrived: tuple[date, int, int],
    done: tuple[date, int, int],
    breaches: bool,
    given_opened_date: bool,
) -> None:
    order = _order(
        opened=_local(*opened),
        arrived=_local(*arrived),
        done=_local(*done),
        opened_date=opened[0] if given_opened_date else None,
    )
    assert opened_on(order) == opened[0]
    today = NEXT + timedelta(days=1)
    expected = Outcome.BREACH if breaches else Outcome.PASS
    assert judge_same_day(order, today) is expected
    decisions = R04.detect(bundle(visits=[order], as_of_date=today))
    assert [d.dedupe_key for d in decisions] == (["visit:5"] if breaches else [])
    if breaches:
        [decision] = decisions
        assert f"于 {opened[0].isoformat()} 开单" in decision.explanation_zh
        assert "没有当天完成" in decision.explanation_zh
        assert decision.occurred_at == _local(*opened)


@pytest.mark.parametrize(
    ("today", "outcome"),
    [(D0, Outcome.NOT_APPLICABLE), (NEXT, Outcome.BREACH)],
    ids=["still the day it was opened", "the day after"],
)
def test_an_order_opened_late_and_not_yet_visited(today: date, outcome: Outcome) -> None:
    order = _order(opened=_local(D0, 23, 50), arrived=None, done=None, opened_date=D0)
    assert judge_same_day(order, today) is outcome


def test_an_order_opened_the_evening_before_is_late_even_if_done_on_arrival_day() -> None:
    # work_date has moved to the arrival day; the opening day still decides.
    order = _order(
        opened=_local(D0, 21, 0), arrived=_local(NEXT, 8, 0), done=_local(NEXT, 8, 30),
        opened_date=D0,
    )  # fmt: skip
    assert order.work_date == order.done_date == NEXT
    [decision] = R04.detect(bundle(visits=[order], as_of_date=NEXT))
    assert "晚了 1 天" in decision.explanation_zh
    assert "opened on 2024-03-05" in decision.explanation_en
