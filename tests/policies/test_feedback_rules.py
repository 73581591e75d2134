"""Rules broken whenever a resident reports it: R01, R05, R06, R07, R08 (reported), R13."""

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome, Severity
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel

from .builders import STAFF, T0, bundle, feedback

CASES = [
    ("R01", FeedbackCategory.ATTITUDE, "attitude_complaint", "服务态度差"),
    ("R05", FeedbackCategory.FACILITY_USE, "facility_use_reported", "娱乐或生活设施"),
    ("R06", FeedbackCategory.OUTSIDERS, "outsiders_reported", "无关的人员"),
    ("R07", FeedbackCategory.PRIVACY, "privacy_reported", "家庭情况"),
    ("R08", FeedbackCategory.LINGERING, "lingering_reported", "无故停留"),
    ("R13", FeedbackCategory.SOLICITATION, "solicitation_or_theft_reported", "索取财物"),
    ("R13", FeedbackCategory.THEFT, "solicitation_or_theft_reported", "偷盗"),
]


@pytest.mark.parametrize(("code", "category", "detector", "topic"), CASES)
def test_each_report_is_a_breach(
    code: str, category: FeedbackCategory, detector: str, topic: str
) -> None:
    reports = [feedback(77, category=category), feedback(78, category=category)]
    decisions = registry.get(code).detect(bundle(feedback=reports))
    assert [d.dedupe_key for d in decisions] == ["feedback:77", "feedback:78"]
    first = decisions[0]
    assert first.outcome is Outcome.BREACH
    assert first.detector == detector
    assert first.evidence == (EvidenceRef(EvidenceKind.FEEDBACK, 77),)
    assert (first.staff_id, first.occurred_at) == (STAFF, T0)
    assert topic in first.explanation_zh
    assert "#77" in first.explanation_zh and "#77" in first.explanation_en
    assert "2024-03-05" in first.explanation_en


@pytest.mark.parametrize(("code", "category", "detector", "topic"), CASES)
def test_other_categories_are_ignored(
    code: str, category: FeedbackCategory, detector: str, topic: str
) -> None:
    handled = {c for rule, c, _, _ in CASES if rule == code}
    others = [
        feedback(n, category=c) for n, c in enumerate(FeedbackCategory, 1) if c not in handled
    ]
    assert others
    decisions = registry.get(code).detect(bundle(feedback=others))
    assert all(d.detector != detector for d in decisions)


def test_the_channel_is_named() -> None:
    report = feedback(1, channel=FeedbackChannel.RETURN_VISIT)
    [decision] = registry.get("R01").detect(bundle(feedback=[report]))
    assert "回访" in decision.explanation_zh
    assert "on a return visit" in decision.explanation_en


@pytest.mark.parametrize(
    ("amount", "severity"),
    [(None, Severity.STANDARD), (99_999, Severity.STANDARD), (100_000, Severity.SERIOUS)],
)
def test_r13_suggests_serious_from_the_amount(amount: int | None, severity: Severity) -> None:
    report = feedback(1, category=FeedbackCategory.SOLICITATION, amount_fen=amount)
    [decision] = registry.get("R13").detect(bundle(feedback=[report]))
    assert decision.suggested_severity is severity
    if amount is not None:
        assert decision.observed == {"amount_fen": amount}
        assert "¥" in decision.explanation_zh


def test_r13_threshold_is_a_parameter() -> None:
    report = feedback(1, category=FeedbackCategory.THEFT, amount_fen=5_000)
    [decision] = registry.get("R13").detect(
        bundle(feedback=[report]), {"serious_amount_fen": 5_000}
    )
    assert decision.suggested_severity is Severity.SERIOUS


def test_r01_has_no_severity_of_its_own() -> None:
    [decision] = registry.get("R01").detect(bundle(feedback=[feedback()]))
    assert decision.suggested_severity is None
