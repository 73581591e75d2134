"""R12: a tip a resident reports must be handed over by that staff member within 48 h."""

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome, Severity
from policies.conduct.r12_tips import declared_by, judge_line, match_tips
from policies.facts import FeedbackFact
from policies.vocab import EvidenceKind, FeedbackCategory

from .builders import T0, UNIT, bundle, feedback, many_tips, tip

R12 = registry.get("R12")
LATER = T0 + timedelta(days=10)


def reported(
    id: int = 1, *, amount: int | None = None, unit: int | None = UNIT, at: datetime = T0
) -> FeedbackFact:
    return feedback(
        id, category=FeedbackCategory.TIP_REPORTED, amount_fen=amount, unit_id=unit, occurred_at=at
    )


@pytest.mark.parametrize(
    ("handed_after", "breaches"),
    [
        (timedelta(hours=1), False),
        (timedelta(hours=47, minutes=59), False),
        (timedelta(hours=48), False),
        (timedelta(hours=48, minutes=1), True),
        (None, True),
    ],
    ids=["same day", "47 h 59 min", "48 h", "48 h 1 min", "never"],
)
def test_handover_deadline(handed_after: timedelta | None, breaches: bool) -> None:
    line = tip(handed_over_at=None if handed_after is None else T0 + handed_after)
    decisions = R12.detect(bundle(feedback=[reported(5)], tip_lines=[line], as_of=LATER))
    assert [d.dedupe_key for d in decisions] == (["feedback:5"] if breaches else [])


def test_late_handover_is_named_in_the_explanation() -> None:
    line = tip(9, handed_over_at=T0 + timedelta(hours=48, minutes=1))
    [decision] = R12.detect(bundle(feedback=[reported(5)], tip_lines=[line], as_of=LATER))
    assert "48 小时 1 分钟" in decision.explanation_zh
    assert "48 h 1 min after the tip" in decision.explanation_en
    assert decision.evidence == (
        EvidenceRef(EvidenceKind.FEEDBACK, 5),
        EvidenceRef(EvidenceKind.TIP_LINE, 9),
    )


@pytest.mark.parametrize(
    ("as_of", "breaches"),
    [
        (T0 + timedelta(hours=47), False),
        (T0 + timedelta(hours=48), True),
        (LATER, True),
    ],
    ids=["still within grace", "deadline reached", "long after"],
)
def test_no_handover_waits_for_the_grace_period(as_of: datetime, breaches: bool) -> None:
    decisions = R12.detect(bundle(feedback=[reported()], as_of=as_of))
    assert bool(decisions) is breaches


def test_shortfall_is_measured_and_explained() -> None:
    line = tip(amount_fen=10_000)
    [decision] = R12.detect(bundle(feedback=[reported(amount=30_000)], tip_lines=[line]))
    assert decision.observed == {"concealed_fen": 20_000, "declared_fen": 10_000}
    assert "¥300.00" in decision.explanation_zh
    assert "仅登记上交 ¥100.00,少交 ¥200.00" in decision.explanation_zh
    assert (
        "only ¥100.00 was declared for handover within 48 h, ¥200.00 short"
        in decision.explanation_en
    )
    assert decision.suggested_severity is Severity.STANDARD


def test_full_amount_handed_over_in_several_lines_passes() -> None:
    lines = [tip(1, amount_fen=10_000), tip(2, amount_fen=20_000)]
    assert R12.detect(bundle(feedback=[reported(amount=30_000)], tip_lines=lines)) == []


@pytest.mark.parametrize(
    ("amount", "severity"),
    [(49_999, Severity.STANDARD), (50_000, Severity.SERIOUS), (None, Severity.STANDARD)],
)
def test_serious_from_the_concealed_amount(amount: int | None, severity: Severity) -> None:
    [decision] = R12.detect(bundle(feedback=[reported(amount=amount)]))
    assert decision.suggested_severity is severity
    if amount is not None:
        assert decision.observed["concealed_fen"] == amount


@pytest.mark.parametrize(
    "line",
    [
        tip(staff_id=8),
        tip(unit_id=UNIT + 1),
        tip(received_at=T0 - timedelta(hours=49), handed_over_at=T0 - timedelta(hours=48)),
        tip(received_at=T0 + timedelta(hours=49), handed_over_at=T0 + timedelta(hours=50)),
    ],
    ids=["other staff", "other unit", "received long before", "received long after"],
)
def test_unrelated_handovers_do_not_count(line: object) -> None:
    decisions = R12.detect(bundle(feedback=[reported()], tip_lines=[line]))
    assert [d.outcome for d in decisions] == [Outcome.BREACH]


def test_a_report_without_unit_matches_any_of_the_staff_members_tips() -> None:
    line = tip(unit_id=UNIT + 5)
    assert R12.detect(bundle(feedback=[reported(unit=None)], tip_lines=[line])) == []


def test_other_feedback_is_ignored() -> None:
    assert R12.detect(bundle(feedback=[feedback(category=FeedbackCategory.PRAISE)])) == []


def test_grace_is_a_parameter() -> None:
    line = tip(handed_over_at=T0 + timedelta(hours=30))
    assert R12.detect(bundle(feedback=[reported()], tip_lines=[line])) == []
    found = R12.detect(
        bundle(feedback=[reported()], tip_lines=[line]), {"handover_grace_hours": 24}
    )
    assert len(found) == 1
    assert "24 小时" in found[0].explanation_zh


def test_a_broken_report_is_an_error_and_good_ones_still_count() -> None:
    broken = FeedbackFact(
        id=2,
        staff_id=7,
        unit_id=UNIT,
        category=FeedbackCategory.TIP_REPORTED,
        channel=reported().channel,
        occurred_at=None,  # type: ignore[arg-type]
        work_date=T0.date(),
    )
    decisions = R12.detect(bundle(feedback=[reported(1), broken]))
    assert [d.outcome for d in decisions] == [Outcome.BREACH, Outcome.ERROR]
    assert decisions[1].detector == "concealed_tip"


def test_five_thousand_tips_and_twenty_thousand_reports_are_all_judged() -> None:
    # How long this takes is bench/rules_bench.py's figure, not a test's assertion.
    lines, reports = many_tips(5_000, seed=12)
    decisions = R12.detect(
        bundle(feedback=reports, tip_lines=lines, as_of=T0 + timedelta(days=200))
    )
    assert decisions
    assert all(d.outcome is Outcome.BREACH for d in decisions)


# 十二、…收下的小费一律上交管理处,私自收起小费隐匿不上交者… — every declared tip reaches the
# office, and one handover settles one report only.
H = timedelta(hours=1)


def test_one_handover_cannot_cover_two_reports() -> None:
    reports = [reported(1, amount=10_000), reported(2, amount=10_000, at=T0 + 3 * H)]
    lines = [tip(9, amount_fen=10_000)]
    [decision] = R12.detect(bundle(feedback=reports, tip_lines=lines, as_of=LATER))
    assert decision.dedupe_key == "feedback:2"
    assert decision.evidence == (EvidenceRef(EvidenceKind.FEEDBACK, 2),)
    assert decision.observed == {"concealed_fen": 10_000, "declared_fen": 0}


def test_two_handovers_settle_two_reports() -> None:
    reports = [reported(1, amount=10_000), reported(2, amount=10_000, at=T0 + 3 * H)]
    lines = [tip(9, amount_fen=10_000), tip(10, amount_fen=10_000, received_at=T0 + 3 * H)]
    assert R12.detect(bundle(feedback=reports, tip_lines=lines, as_of=LATER)) == []


def test_a_report_without_amount_takes_one_handover_only() -> None:
    reports = [reported(1), reported(2, at=T0 + H)]
    [decision] = R12.detect(bundle(feedback=reports, tip_lines=[tip(9)], as_of=LATER))
    assert decision.dedupe_key == "feedback:2"


def test_an_explicit_link_wins_over_time_order() -> None:
    # The cashier linked the handover to report 2: report 1, though earlier, is not settled.
    reports = [reported(1, amount=10_000), reported(2, amount=10_000, at=T0 + H)]
    lines = [replace(tip(9, amount_fen=10_000), feedback_id=2)]
    [decision] = R12.detect(bundle(feedback=reports, tip_lines=lines, as_of=LATER))
    assert decision.dedupe_key == "feedback:1"


def test_an_exact_amount_is_matched_before_an_earlier_line() -> None:
    reports = [reported(1, amount=30_000), reported(2, amount=10_000, at=T0 + H)]
    lines = [tip(9, amount_fen=10_000), tip(10, amount_fen=30_000, received_at=T0 + 10 * MIN)]
    matches = match_tips(sorted(reports, key=lambda r: r.occurred_at), lines, 48)
    assert [line.id for line in matches[1]] == [10]
    assert [line.id for line in matches[2]] == [9]
    assert R12.detect(bundle(feedback=reports, tip_lines=lines, as_of=LATER)) == []


def test_the_matching_does_not_depend_on_the_order_of_the_records() -> None:
    reports = [reported(n, amount=10_000, at=T0 + n * H) for n in range(1, 6)]
    lines = [tip(20 + n, amount_fen=10_000, received_at=T0 + n * H) for n in range(1, 4)]
    found = set()
    for seed in range(5):
        rng = random.Random(seed)
        shuffled_r, shuffled_l = reports[:], lines[:]
        rng.shuffle(shuffled_r)
        rng.shuffle(shuffled_l)
        decisions = R12.detect(bundle(feedback=shuffled_r, tip_lines=shuffled_l, as_of=LATER))
        found.add(tuple(d.dedupe_key for d in decisions))
    assert found == {("feedback:4", "feedback:5")}


MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("handed_after", "breaches"),
    [(47 * H + 59 * MIN, False), (48 * H, False), (48 * H + MIN, True)],
    ids=["47:59", "48:00", "48:01"],
)
def test_a_declared_tip_must_be_handed_over_within_the_grace(
    handed_after: timedelta, breaches: bool
) -> None:
    line = tip(9, handed_over_at=T0 + handed_after)
    decisions = R12.detect(bundle(tip_lines=[line], as_of=LATER))
    assert [d.dedupe_key for d in decisions] == (["tip_line:9"] if breaches else [])
    if breaches:
        [decision] = decisions
        assert decision.detector == "declared_tip_not_handed_over"
        assert decision.evidence == (EvidenceRef(EvidenceKind.TIP_LINE, 9),)
        assert decision.occurred_at == T0
        # T0 is 09:00 in Shanghai.
        assert "2024-03-05 09:00" in decision.explanation_zh
        assert "收到后 48 小时 1 分钟才上交" in decision.explanation_zh
        assert decision.observed == {"amount_fen": 10_000, "handover_seconds": 48 * 3600 + 60}


@pytest.mark.parametrize(
    ("as_of", "breaches"),
    [(T0 + 47 * H + 59 * MIN, False), (T0 + 48 * H, True), (T0 + 48 * H + MIN, True)],
    ids=["47:59 still waiting", "48:00 reached", "48:01"],
)
def test_a_declared_tip_never_handed_over(as_of: datetime, breaches: bool) -> None:
    line = tip(9, handed_over_at=None)
    assert judge_line(line, as_of, 48) is (Outcome.BREACH if breaches else Outcome.NOT_APPLICABLE)
    decisions = R12.detect(bundle(tip_lines=[line], as_of=as_of))
    assert [d.dedupe_key for d in decisions] == (["tip_line:9"] if breaches else [])
    if breaches:
        assert "48 小时内没有上交管理处" in decisions[0].explanation_zh


@pytest.mark.parametrize(
    ("amount", "severity"), [(49_999, Severity.STANDARD), (50_000, Severity.SERIOUS)]
)
def test_a_large_declared_tip_kept_is_suggested_serious(amount: int, severity: Severity) -> None:
    line = tip(9, amount_fen=amount, handed_over_at=None)
    [decision] = R12.detect(bundle(tip_lines=[line], as_of=LATER))
    assert decision.suggested_severity is severity


def test_a_line_matched_to_a_report_is_judged_once_through_the_report() -> None:
    line = tip(9, handed_over_at=None)
    decisions = R12.detect(bundle(feedback=[reported(5, amount=10_000)], tip_lines=[line]))
    assert [(d.detector, d.dedupe_key) for d in decisions] == [("concealed_tip", "feedback:5")]


def test_declared_lines_beyond_the_reports_are_judged_on_their_own() -> None:
    # Resident reported ¥100; the staff member declared two ¥100 tips and kept the second.
    lines = [tip(9), tip(10, received_at=T0 + H, handed_over_at=None)]
    decisions = R12.detect(
        bundle(feedback=[reported(5, amount=10_000)], tip_lines=lines, as_of=LATER)
    )
    assert [d.dedupe_key for d in decisions] == ["tip_line:10"]


# One tip, one finding, whichever record came first: a tip declared in time but never handed
# over is the line's finding (the report is settled by the declaration); a tip kept quiet
# until after the report's deadline is the report's finding (隐匿), not also the line's.
def test_a_tip_declared_in_time_but_kept_is_the_lines_finding_only() -> None:
    line = replace(tip(9, handed_over_at=None), declared_at=T0 + H)
    decisions = R12.detect(
        bundle(feedback=[reported(5, amount=10_000)], tip_lines=[line], as_of=LATER)
    )
    assert [(d.detector, d.dedupe_key) for d in decisions] == [
        ("declared_tip_not_handed_over", "tip_line:9")
    ]


def test_a_tip_declared_only_after_the_report_deadline_is_the_reports_finding_only() -> None:
    line = replace(
        tip(9, handed_over_at=T0 + 73 * H), declared_at=T0 + 72 * H
    )  # declared once the resident had reported it
    decisions = R12.detect(
        bundle(feedback=[reported(5, amount=10_000)], tip_lines=[line], as_of=LATER)
    )
    assert [(d.detector, d.dedupe_key) for d in decisions] == [("concealed_tip", "feedback:5")]
    assert "隐匿 ¥100.00" in decisions[0].explanation_zh


def test_a_handover_is_a_declaration_too() -> None:
    line = replace(tip(9, handed_over_at=T0 + 2 * H), declared_at=T0 + 100 * H)
    assert declared_by(line) == T0 + 2 * H
    assert declared_by(replace(tip(9, handed_over_at=None), declared_at=None)) is None


def test_a_line_linked_to_a_report_outside_the_facts_is_judged_with_that_report() -> None:
    line = replace(tip(9, handed_over_at=None), feedback_id=404)
    assert R12.detect(bundle(tip_lines=[line], as_of=LATER)) == []
