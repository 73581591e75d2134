"""The building blocks: canonical JSON, parameters, fail-closed evaluation, outcome kinds."""

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from policies import registry
from policies.base import (
    Decision,
    Detector,
    EvidenceRef,
    Outcome,
    Parameter,
    breach,
)
from policies.canonical import canonical_json, digest, safe_digest
from policies.facts import ChecklistAnswer, FactBundle
from policies.sanction import OUTCOME_LABELS_EN, OUTCOME_LABELS_ZH, OutcomeKind
from policies.text import duration_en, duration_zh, yuan
from policies.vocab import EvidenceKind, FeedbackCategory, ItemResult

from .builders import T0, bundle, feedback

# --- canonical JSON -------------------------------------------------------------------------


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": "门铃"}) == '{"a":"门铃","b":1}'


def test_canonical_json_writes_datetimes_in_utc_and_enums_by_value() -> None:
    shanghai = timezone(timedelta(hours=8))
    value = {
        "at": datetime(2024, 3, 5, 9, 0, tzinfo=shanghai),
        "on": date(2024, 3, 5),
        "kind": EvidenceKind.FEEDBACK,
    }
    assert json.loads(canonical_json(value)) == {
        "at": "2024-03-05T01:00:00+00:00",
        "on": "2024-03-05",
        "kind": "feedback",
    }


def test_canonical_json_serialises_dataclasses_field_by_field() -> None:
    assert canonical_json(EvidenceRef(EvidenceKind.VISIT, 3)) == '{"id":3,"kind":"visit"}'


def test_same_instant_in_two_zones_has_one_digest() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert digest(T0) == digest(T0.astimezone(shanghai))


def test_naive_datetime_is_refused_but_safe_digest_still_answers() -> None:
    naive = datetime(2024, 3, 5, 9, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(TypeError, match="naive"):
        digest(naive)
    assert len(safe_digest(naive)) == 64


# --- money and durations in explanations ----------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "¥0.00"), (5, "¥0.05"), (123_450, "¥1,234.50"), (200_000, "¥2,000.00"), (-100, "-¥1.00")],
)
def test_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


@pytest.mark.parametrize(
    ("delta", "zh", "en"),
    [
        (timedelta(0), "0 秒", "0 s"),
        (timedelta(minutes=16), "16 分钟", "16 min"),
        (timedelta(minutes=15, seconds=1), "15 分 1 秒", "15 min 1 s"),
        (timedelta(hours=48, minutes=1), "48 小时 1 分钟", "48 h 1 min"),
    ],
)
def test_durations(delta: timedelta, zh: str, en: str) -> None:
    assert (duration_zh(delta), duration_en(delta)) == (zh, en)


# --- parameters -----------------------------------------------------------------------------

R03 = registry.get("R03")


def test_resolve_params_merges_overrides_into_defaults() -> None:
    assert R03.resolve_params(None) == {"max_ring_seconds": 120, "min_ring_gap_seconds": 5}
    assert R03.resolve_params({"max_ring_seconds": 90}) == {
        "max_ring_seconds": 90,
        "min_ring_gap_seconds": 5,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_ring": 90}, "unknown parameter 'max_ring'"),
        ({"max_ring_seconds": 90.0}, "'max_ring_seconds' must be an integer"),
        ({"max_ring_seconds": 1.5}, "'max_ring_seconds' must be an integer"),
        ({"max_ring_seconds": True}, "'max_ring_seconds' must be an integer"),
        ({"max_ring_seconds": "90"}, "'max_ring_seconds' must be an integer"),
        ({"max_ring_seconds": 0}, "'max_ring_seconds' = 0 is out of range"),
        ({"max_ring_seconds": 601}, "'max_ring_seconds' = 601 is out of range"),
        ({"min_ring_gap_seconds": -1}, "'min_ring_gap_seconds' = -1 is out of range"),
    ],
)
def test_resolve_params_rejects_bad_values(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        R03.resolve_params(overrides)  # type: ignore[arg-type]


def test_params_digest_changes_with_any_parameter_and_is_stable() -> None:
    defaults = R03.resolve_params(None)
    same = R03.params_digest(dict(reversed(list(defaults.items()))))
    assert R03.params_digest(defaults) == same
    assert R03.params_digest(defaults) != R03.params_digest(
        R03.resolve_params({"max_ring_seconds": 121})
    )
    # Same parameters under another version of the rule must not share a digest.
    assert R03.params_digest(defaults) != replace(R03, version=2).params_digest(defaults)


def test_parameter_default_must_lie_in_its_range() -> None:
    with pytest.raises(ValueError, match="default outside"):
        Parameter("x", 10, "s", "甲", "x", minimum=0, maximum=5)


def test_policy_refuses_a_detector_using_an_undeclared_parameter() -> None:
    r08 = registry.get("R08")
    broken = replace(r08.detectors[0], params=("no_such_param",))
    with pytest.raises(ValueError, match="inconsistent"):
        replace(r08, detectors=(broken,))


# --- fail closed ----------------------------------------------------------------------------


def _detector(run: object, key: str = "custom") -> Detector:
    return Detector(
        key=key,
        rule_code="R01",
        description_zh="测试",
        description_en="test",
        needs=frozenset({"feedback"}),
        params=(),
        run=run,  # type: ignore[arg-type]
    )


def test_a_detector_that_raises_gives_an_error_decision_not_a_pass() -> None:
    def boom(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
        raise RuntimeError("database row is corrupt")

    policy = replace(registry.get("R01"), detectors=(_detector(boom),))
    [decision] = policy.detect(bundle(feedback=[feedback()]))
    assert decision.outcome is Outcome.ERROR
    assert decision.error == "RuntimeError: database row is corrupt"
    assert "database row is corrupt" in decision.explanation_zh
    assert "database row is corrupt" in decision.explanation_en
    assert (decision.rule_code, decision.rule_version, decision.detector) == ("R01", 1, "custom")
    assert decision.dedupe_key == "error:custom"
    assert len(decision.input_digest) == 64


def test_breaches_found_before_a_failure_are_kept_and_the_failure_reported() -> None:
    def half(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
        yield breach(
            explanation_zh="甲",
            explanation_en="a",
            evidence=[],
            staff_id=1,
            occurred_at=T0,
            dedupe_key="feedback:1",
            inputs={},
        )
        raise ValueError("second row broken")

    policy = replace(registry.get("R01"), detectors=(_detector(half),))
    outcomes = [d.outcome for d in policy.detect(bundle())]
    assert outcomes == [Outcome.BREACH, Outcome.ERROR]


def test_detect_returns_only_breaches_and_errors_and_stamps_the_rule() -> None:
    def mixed(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
        found = breach(
            explanation_zh="甲",
            explanation_en="a",
            evidence=[EvidenceRef(EvidenceKind.FEEDBACK, 2), EvidenceRef(EvidenceKind.FEEDBACK, 1)],
            staff_id=1,
            occurred_at=T0,
            dedupe_key="feedback:1",
            inputs={},
        )
        yield replace(found, outcome=Outcome.PASS, dedupe_key="feedback:9")
        yield replace(found, outcome=Outcome.NOT_APPLICABLE, dedupe_key="feedback:8")
        yield found

    r01 = registry.get("R01")
    [decision] = replace(r01, detectors=(_detector(mixed),)).detect(bundle())
    assert decision.outcome is Outcome.BREACH
    assert decision.rule_code == "R01"
    assert decision.params_digest == r01.params_digest({})
    assert decision.evidence == (
        EvidenceRef(EvidenceKind.FEEDBACK, 1),
        EvidenceRef(EvidenceKind.FEEDBACK, 2),
    )


def test_a_broken_fact_gives_an_error_for_its_detector() -> None:
    broken = replace(feedback(category=FeedbackCategory.TIP_REPORTED), occurred_at=None)  # type: ignore[arg-type]
    decisions = registry.get("R12").detect(bundle(feedback=[broken]))
    assert [d.outcome for d in decisions] == [Outcome.ERROR]
    assert "TypeError" in decisions[0].error


def test_invalid_parameters_give_one_error_rather_than_silence() -> None:
    decisions = registry.get("R08").detect(bundle(), {"linger_minutes": -5})
    assert [d.outcome for d in decisions] == [Outcome.ERROR]
    assert "linger_minutes" in decisions[0].error
    assert decisions[0].dedupe_key == "error:parameters"


def test_the_same_evidence_gives_one_finding_per_run() -> None:
    twice = [feedback(5), feedback(5)]
    assert len(registry.get("R01").detect(bundle(feedback=twice))) == 1


@pytest.mark.parametrize(
    "answer",
    [
        ChecklistAnswer("no_such_item", ItemResult.FAIL, id=1),
        ChecklistAnswer("ring_duration", ItemResult.PASS, observed=-3, id=1),
        ChecklistAnswer("ring_duration", "maybe", id=1),  # type: ignore[arg-type]
    ],
    ids=["unknown item", "negative measurement", "unknown result"],
)
def test_check_item_fails_closed(answer: ChecklistAnswer) -> None:
    decision = R03.check_item(answer)
    assert decision.outcome is Outcome.ERROR
    assert decision.error
    assert decision.dedupe_key == "spot_check_item:1"


def test_check_item_with_bad_parameters_is_an_error() -> None:
    answer = ChecklistAnswer("ring_duration", ItemResult.PASS, observed=10, id=1)
    assert R03.check_item(answer, {"max_ring_seconds": 0}).outcome is Outcome.ERROR


def test_input_digest_follows_the_facts() -> None:
    r01 = registry.get("R01")
    [a] = r01.detect(bundle(feedback=[feedback(1)]))
    [b] = r01.detect(bundle(feedback=[feedback(1)], as_of=T0 + timedelta(days=60)))
    [c] = r01.detect(bundle(feedback=[feedback(1, amount_fen=5)]))
    assert a.input_digest == b.input_digest != c.input_digest


# --- sanctions ------------------------------------------------------------------------------


def test_no_outcome_kind_is_a_fine() -> None:
    for kind in OutcomeKind:
        assert "fine" not in kind.value
        assert "罚" not in OUTCOME_LABELS_ZH[kind]
        assert "fine" not in OUTCOME_LABELS_EN[kind].lower()


def test_every_outcome_kind_has_labels_in_both_languages() -> None:
    assert set(OUTCOME_LABELS_ZH) == set(OUTCOME_LABELS_EN) == set(OutcomeKind)


def test_decisions_are_timezone_aware() -> None:
    [decision] = registry.get("R01").detect(bundle(feedback=[feedback()]))
    assert decision.occurred_at is not None
    assert decision.occurred_at.tzinfo is UTC
