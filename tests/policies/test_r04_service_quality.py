"""R04: work orders done the same day; return visits not rated unsatisfied."""

from datetime import date, timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r04_service_quality import judge_same_day
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel, Satisfaction

from .builders import D0, T0, bundle, feedback, visit

R04 = registry.get("R04")
NEXT = D0 + timedelta(days=1)


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
