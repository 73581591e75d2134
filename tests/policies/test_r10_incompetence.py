"""R10: >= 3 'incompetent' reports from >= 2 households within 90 days."""

from datetime import timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.facts import FeedbackFact
from policies.vocab import EvidenceKind, FeedbackCategory

from .builders import T0, bundle, feedback, many_feedback

R10 = registry.get("R10")


def report(id: int, day: int, unit: int | None, staff_id: int = 7) -> FeedbackFact:
    """An incompetence report `day` days after T0."""
    return feedback(
        id,
        category=FeedbackCategory.INCOMPETENT,
        occurred_at=T0 + timedelta(days=day),
        unit_id=unit,
        staff_id=staff_id,
    )


@pytest.mark.parametrize(("third_day", "breaches"), [(89, True), (90, True), (91, False)])
def test_window_boundary(third_day: int, breaches: bool) -> None:
    reports = [report(1, 0, 101), report(2, 30, 102), report(3, third_day, 101)]
    decisions = R10.detect(bundle(feedback=reports))
    assert [d.dedupe_key for d in decisions] == (["feedback:3"] if breaches else [])


def test_breach_carries_the_whole_window() -> None:
    reports = [report(1, 0, 101), report(2, 30, 102), report(3, 90, 101)]
    [decision] = R10.detect(bundle(feedback=reports))
    assert decision.outcome is Outcome.BREACH
    assert decision.evidence == tuple(EvidenceRef(EvidenceKind.FEEDBACK, n) for n in (1, 2, 3))
    assert decision.observed == {"reports": 3, "households": 2}
    assert decision.occurred_at == reports[2].occurred_at
    assert "3 次" in decision.explanation_zh and "2 户" in decision.explanation_zh
    assert "2024-03-05 至 2024-06-03" in decision.explanation_zh
    assert "3 reports of incompetence from 2 households" in decision.explanation_en


@pytest.mark.parametrize(
    "units",
    [(101, 101, 101), (101, None, None), (None, None, None)],
    ids=["one household", "one known household", "no known household"],
)
def test_one_household_is_not_enough(units: tuple[int | None, ...]) -> None:
    reports = [report(n, n, unit) for n, unit in enumerate(units, 1)]
    assert R10.detect(bundle(feedback=reports)) == []


def test_two_reports_are_not_enough() -> None:
    assert R10.detect(bundle(feedback=[report(1, 0, 101), report(2, 1, 102)])) == []


def test_every_further_report_in_the_window_is_its_own_finding() -> None:
    reports = [report(n, n, 100 + n) for n in range(1, 5)]
    keys = [d.dedupe_key for d in R10.detect(bundle(feedback=reports))]
    assert keys == ["feedback:3", "feedback:4"]


def test_reports_are_not_pooled_across_staff_or_categories() -> None:
    reports = [
        report(1, 0, 101, staff_id=7),
        report(2, 1, 102, staff_id=8),
        report(3, 2, 103, staff_id=7),
        feedback(4, category=FeedbackCategory.ATTITUDE, unit_id=104),
    ]
    assert R10.detect(bundle(feedback=reports)) == []


def test_input_order_does_not_matter() -> None:
    reports = [report(1, 0, 101), report(2, 30, 102), report(3, 60, 103), report(4, 200, 101)]
    shuffled = list(reversed(reports))
    assert R10.detect(bundle(feedback=reports)) == R10.detect(bundle(feedback=shuffled))


def test_the_thresholds_are_parameters() -> None:
    reports = [report(1, 0, 101), report(2, 20, 102), report(3, 40, 103)]
    assert R10.detect(bundle(feedback=reports), {"window_days": 30}) == []
    found = R10.detect(bundle(feedback=reports), {"incompetent_reports": 2, "window_days": 30})
    assert [d.dedupe_key for d in found] == ["feedback:2", "feedback:3"]


def test_twenty_thousand_rows_are_all_judged() -> None:
    # How long this takes is bench/rules_bench.py's figure, not a test's assertion.
    decisions = R10.detect(bundle(feedback=many_feedback(20_000, seed=10)))
    assert decisions and all(d.outcome is Outcome.BREACH for d in decisions)
