"""R12: a tip a resident reports must be handed over by that staff member within 48 h."""

import random
import time
from datetime import datetime, timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome, Severity
from policies.facts import FeedbackFact
from policies.vocab import EvidenceKind, FeedbackCategory

from .builders import T0, UNIT, bundle, feedback, tip

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
    assert decision.observed == {"concealed_fen": 20_000, "handed_fen": 10_000}
    assert "¥300.00" in decision.explanation_zh
    assert "仅上交 ¥100.00,少交 ¥200.00" in decision.explanation_zh
    assert "only ¥100.00 was handed over within 48 h, ¥200.00 short" in decision.explanation_en
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


def test_five_thousand_tips_and_twenty_thousand_reports_run_quickly() -> None:
    rng = random.Random(12)
    lines = []
    for n in range(5_000):
        received = T0 + timedelta(minutes=rng.randrange(90 * 24 * 60))
        lines.append(
            tip(
                n,
                staff_id=rng.randrange(40),
                unit_id=rng.randrange(300),
                amount_fen=rng.randrange(1, 500) * 100,
                received_at=received,
                handed_over_at=received + timedelta(hours=rng.randrange(1, 72)),
            )
        )
    reports = [
        feedback(
            n,
            category=FeedbackCategory.TIP_REPORTED,
            staff_id=line.staff_id,
            unit_id=line.unit_id,
            occurred_at=line.received_at,
        )
        for n, line in enumerate(lines * 4)
    ]
    started = time.perf_counter()
    decisions = R12.detect(
        bundle(feedback=reports, tip_lines=lines, as_of=T0 + timedelta(days=200))
    )
    assert time.perf_counter() - started < 5
    assert decisions
    assert all(d.outcome is Outcome.BREACH for d in decisions)
