"""R11: every damage incident is a breach; severity suggested from the assessed value."""

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome, Severity
from policies.vocab import EvidenceKind

from .builders import bundle, damage

R11 = registry.get("R11")


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        (None, Severity.STANDARD),
        (0, Severity.STANDARD),
        (199_999, Severity.STANDARD),
        (200_000, Severity.SERIOUS),
        (1_000_000, Severity.SERIOUS),
    ],
)
def test_every_damage_is_a_breach_with_suggested_severity(
    value: int | None, severity: Severity
) -> None:
    [decision] = R11.detect(bundle(damages=[damage(3, assessed_value_fen=value)]))
    assert decision.outcome is Outcome.BREACH
    assert decision.dedupe_key == "damage:3"
    assert decision.evidence == (EvidenceRef(EvidenceKind.DAMAGE, 3),)
    assert decision.suggested_severity is severity
    assert "木地板" in decision.explanation_zh
    assert decision.observed == ({} if value is None else {"assessed_value_fen": value})


def test_explanation_shows_the_money() -> None:
    [decision] = R11.detect(bundle(damages=[damage(assessed_value_fen=250_000)]))
    assert "¥2,500.00" in decision.explanation_zh and "¥2,000.00" in decision.explanation_zh
    assert "assessed at ¥2,500.00" in decision.explanation_en


def test_unassessed_damage_says_so() -> None:
    [decision] = R11.detect(bundle(damages=[damage(assessed_value_fen=None)]))
    assert "价值尚待评估" in decision.explanation_zh


def test_no_damage_no_finding() -> None:
    assert R11.detect(bundle()) == []


def test_serious_threshold_is_a_parameter() -> None:
    [decision] = R11.detect(
        bundle(damages=[damage(assessed_value_fen=50_000)]), {"serious_damage_fen": 50_000}
    )
    assert decision.suggested_severity is Severity.SERIOUS
