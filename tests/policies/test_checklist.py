"""Spot-check items: tick boxes for every rule, and R03's measured ring length and gap."""

import pytest

from policies import registry
from policies.base import ChecklistItem, EvidenceRef, Outcome
from policies.facts import ChecklistAnswer
from policies.vocab import EvidenceKind, ItemResult

from .builders import STAFF, T0

ITEMS = registry.checklist_items()
R03 = registry.get("R03")


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.key)
@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        (ItemResult.PASS, Outcome.PASS),
        (ItemResult.FAIL, Outcome.BREACH),
        (ItemResult.NA, Outcome.NOT_APPLICABLE),
    ],
)
def test_tick_box_results(item: ChecklistItem, result: ItemResult, outcome: Outcome) -> None:
    rule, _ = registry.find_item(item.key)
    answer = ChecklistAnswer(item.key, result, id=42, staff_id=STAFF, occurred_at=T0)
    decision = rule.check_item(answer)
    assert decision.outcome is outcome
    assert (decision.rule_code, decision.rule_version) == (rule.code, 1)
    assert decision.params_digest == rule.params_digest(rule.resolve_params(None))
    assert decision.evidence == (EvidenceRef(EvidenceKind.SPOT_CHECK_ITEM, 42),)
    assert decision.dedupe_key == "spot_check_item:42"
    assert (decision.staff_id, decision.occurred_at) == (STAFF, T0)
    assert item.label_zh in decision.explanation_zh
    assert item.label_en in decision.explanation_en


def test_an_answer_without_id_still_gets_a_stable_dedupe_key() -> None:
    answer = ChecklistAnswer("badge_worn", ItemResult.FAIL)
    first = registry.get("R02").check_item(answer)
    assert first.evidence == ()
    assert first.dedupe_key == registry.get("R02").check_item(answer).dedupe_key
    assert first.dedupe_key.startswith("spot_check_item:")


@pytest.mark.parametrize(
    ("key", "observed", "ticked", "outcome"),
    [
        ("ring_duration", 120, ItemResult.PASS, Outcome.PASS),
        ("ring_duration", 121, ItemResult.PASS, Outcome.BREACH),
        ("ring_duration", 121, ItemResult.FAIL, Outcome.BREACH),
        ("ring_duration", 120, ItemResult.FAIL, Outcome.PASS),
        ("ring_duration", 0, ItemResult.PASS, Outcome.PASS),
        ("ring_interval", 5, ItemResult.PASS, Outcome.PASS),
        ("ring_interval", 4, ItemResult.PASS, Outcome.BREACH),
        ("ring_interval", 60, ItemResult.FAIL, Outcome.PASS),
        ("ring_interval", 0, ItemResult.FAIL, Outcome.BREACH),
    ],
)
def test_measurements_decide_over_the_tick(
    key: str, observed: int, ticked: ItemResult, outcome: Outcome
) -> None:
    decision = R03.check_item(ChecklistAnswer(key, ticked, observed=observed, id=1))
    assert decision.outcome is outcome
    name = "ring_seconds" if key == "ring_duration" else "gap_seconds"
    assert decision.observed == {name: observed}


def test_ring_explanations_carry_the_numbers() -> None:
    too_long = R03.check_item(ChecklistAnswer("ring_duration", ItemResult.FAIL, observed=121))
    assert too_long.explanation_zh == "门铃每次鸣响 121 秒,超过规定的 120 秒"
    assert too_long.explanation_en == "Rang for 121 s, more than the 120 s allowed"
    too_quick = R03.check_item(ChecklistAnswer("ring_interval", ItemResult.FAIL, observed=4))
    assert too_quick.explanation_zh == "两次按铃间隔 4 秒,少于规定的 5 秒"
    assert too_quick.explanation_en == "Waited 4 s between rings, less than the 5 s required"


def test_a_contradicted_tick_is_mentioned() -> None:
    decision = R03.check_item(ChecklistAnswer("ring_duration", ItemResult.PASS, observed=121))
    assert "按实测值判定" in decision.explanation_zh
    assert "measurement used" in decision.explanation_en


def test_not_applicable_wins_over_a_measurement() -> None:
    answer = ChecklistAnswer("ring_duration", ItemResult.NA, observed=500)
    assert R03.check_item(answer).outcome is Outcome.NOT_APPLICABLE


def test_without_a_measurement_the_tick_decides() -> None:
    answer = ChecklistAnswer("ring_duration", ItemResult.FAIL)
    assert R03.check_item(answer).outcome is Outcome.BREACH


@pytest.mark.parametrize(("observed", "outcome"), [(60, Outcome.PASS), (61, Outcome.BREACH)])
def test_overridden_ring_limit(observed: int, outcome: Outcome) -> None:
    answer = ChecklistAnswer("ring_duration", ItemResult.PASS, observed=observed)
    decision = R03.check_item(answer, {"max_ring_seconds": 60})
    assert decision.outcome is outcome
    assert decision.params_digest != R03.check_item(answer).params_digest


def test_r03_has_no_data_detector() -> None:
    assert R03.detectors == ()
