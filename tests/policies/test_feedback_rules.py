"""Rules broken whenever a resident reports it: R01, R05, R06, R07, R08 (reported), R13.

And where every category of feedback leads: no category may be silently dropped.
"""

from datetime import timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome, Severity
from policies.conduct.feedback import OPENS_RECORD, RULES_FED, rules_fed
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel, Satisfaction

from .builders import STAFF, T0, UNIT, bundle, feedback

CASES = [
    ("R01", FeedbackCategory.ATTITUDE, "attitude_complaint", "服务态度差"),
    ("R05", FeedbackCategory.FACILITY_USE, "facility_use_reported", "娱乐或生活设施"),
    ("R06", FeedbackCategory.OUTSIDERS, "outsiders_reported", "无关的人员"),
    ("R07", FeedbackCategory.PRIVACY, "privacy_reported", "家庭情况"),
    ("R08", FeedbackCategory.LINGERING, "lingering_reported", "无故停留"),
    # 第八条: 不得与业主(住户)有不正当关系
    ("R08", FeedbackCategory.IMPROPER_RELATIONSHIP, "improper_relationship_reported", "不正当关系"),
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


def _rules_that_judge(category: FeedbackCategory) -> set[str]:
    """Every rule run over three reports of the category from two households (R10's 多次)."""
    reports = [
        feedback(
            n,
            category=category,
            unit_id=UNIT + n % 2,
            occurred_at=T0 + timedelta(days=n),
            amount_fen=10_000,
        )
        for n in range(1, 4)
    ]
    facts = bundle(feedback=reports, as_of=T0 + timedelta(days=60))
    found: set[str] = set()
    for policy in registry.RULES:
        for decision in policy.detect(facts):
            assert decision.outcome is Outcome.BREACH, decision.error
            found.add(policy.code)
    return found


@pytest.mark.parametrize("category", list(FeedbackCategory), ids=str)
def test_every_category_leads_where_the_table_says(category: FeedbackCategory) -> None:
    expected = set() if category in OPENS_RECORD else set(RULES_FED[category])
    assert _rules_that_judge(category) == expected


def test_the_table_routes_every_category() -> None:
    assert set(RULES_FED) == set(FeedbackCategory)
    archived_only = {c for c, rules in RULES_FED.items() if not rules}
    assert archived_only == {FeedbackCategory.PRAISE, FeedbackCategory.OTHER}
    # Damage is judged through the incident it opens (R11), not as feedback.
    assert RULES_FED[FeedbackCategory.DAMAGE] == ("R11",)
    assert OPENS_RECORD == {FeedbackCategory.DAMAGE: EvidenceKind.DAMAGE}
    assert RULES_FED[FeedbackCategory.IMPROPER_RELATIONSHIP] == ("R08",)
    assert {code for rules in RULES_FED.values() for code in rules} <= {
        p.code for p in registry.RULES
    }


@pytest.mark.parametrize(
    ("category", "channel", "satisfaction", "rules"),
    [
        (FeedbackCategory.OTHER, FeedbackChannel.PHONE, None, ()),
        (FeedbackCategory.PRAISE, FeedbackChannel.RETURN_VISIT, Satisfaction.SATISFIED, ()),
        (FeedbackCategory.OTHER, FeedbackChannel.RETURN_VISIT, Satisfaction.UNSATISFIED, ("R04",)),
        (
            FeedbackCategory.ATTITUDE,
            FeedbackChannel.RETURN_VISIT,
            Satisfaction.UNSATISFIED,
            ("R01", "R04"),
        ),
        (FeedbackCategory.IMPROPER_RELATIONSHIP, FeedbackChannel.VISIT, None, ("R08",)),
    ],
)
def test_rules_fed_by_one_piece_of_feedback(
    category: FeedbackCategory,
    channel: FeedbackChannel,
    satisfaction: Satisfaction | None,
    rules: tuple[str, ...],
) -> None:
    assert rules_fed(category, channel, satisfaction) == rules
