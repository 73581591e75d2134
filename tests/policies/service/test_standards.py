"""The service standards as data: codes, targets, lookups and a digest that moves with them."""

from dataclasses import replace

import pytest

from policies import registry
from policies.service import standards
from policies.service.standards import STANDARDS, Standard, standard


def test_codes_s01_to_s15_in_order_with_the_contract_targets() -> None:
    assert [s.code for s in STANDARDS] == [f"S{n:02d}" for n in range(1, 16)]
    targets = {s.code: (s.target, s.unit) for s in STANDARDS}
    assert targets == {
        "S01": (3, "rings"),
        "S02": (10, "minutes"),
        "S03": (0, "working_days_end"),
        "S04": (0, "working_days_end"),
        "S05": (0, "working_days_end"),
        "S06": (0, "working_days_end"),
        "S07": (3, "days"),
        "S08": (7, "days"),
        "S09": (5, "minutes"),
        "S10": (7, "days"),
        "S11": (20, "households"),
        "S12": (960, "per_mille"),
        "S13": (75, "score"),
        "S14": (1000, "per_mille"),
        "S15": (990, "per_mille"),
    }
    assert standard("S04").target_important == 2
    assert {s.code for s in STANDARDS if s.kind == "office_figure"} == {
        "S11",
        "S12",
        "S13",
        "S15",
    }
    assert all(s.rule_code == "R04" for s in STANDARDS)
    # Every rule code a standard names is a rule of the rulebook.
    for s in STANDARDS:
        registry.get(s.rule_code)
        assert s.text_zh and s.article.startswith("第2篇")


def test_unknown_code_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="S99"):
        standard("S99")


def test_weights_for_ratings_5_to_1() -> None:
    assert standards.SATISFACTION_WEIGHTS_DEFAULT == (100, 80, 60, 30, 0)


def test_digest_is_stable_and_moves_with_a_target(monkeypatch: pytest.MonkeyPatch) -> None:
    first = standards.digest()
    assert first == standards.digest() and len(first) == 64
    changed: tuple[Standard, ...] = tuple(
        replace(s, target=4, version=2) if s.code == "S01" else s for s in STANDARDS
    )
    monkeypatch.setattr(standards, "STANDARDS", changed)
    assert standards.digest() != first
