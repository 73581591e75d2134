"""The rulebook as a whole: codes, verbatim texts, checklist, sanctions, digest."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from policies import registry
from policies.base import Policy
from policies.conduct import r10_incompetence, r11_damage, r12_tips, r13_solicitation_theft
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.sanction import OutcomeKind, Severity

# The published rulebook, beside the repository (CI puts it there too). Without it the
# verbatim check cannot run, and a check that silently does not run guards nothing: it fails.
SEED = (Path(__file__).parents[2] / ".." / "shared" / "seed" / "cleaned-zh-Hans.txt").resolve()
NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三".split()

# Pinned on purpose: if a rule's text, date or default changes, this fails, and the change
# must come with a new rule version (decisions name the version they were judged under).
RULESET_DIGEST = "f2aae1b96e99eb99c94284190ed797a661cbe4109f325c3cdc4f2c38729c886f"


def test_thirteen_rules_in_order_with_unique_codes() -> None:
    codes = [rule.code for rule in registry.RULES]
    assert codes == [f"R{n:02d}" for n in range(1, 14)]
    assert [rule.article for rule in registry.RULES] == list(range(1, 14))


@pytest.mark.parametrize("rule", registry.RULES, ids=lambda r: r.code)
def test_rule_metadata(rule: Policy) -> None:
    assert rule.version == 1
    assert rule.effective_from == date(2024, 1, 1)
    assert rule.published_on == date(2023, 12, 15) < rule.effective_from
    assert rule.title_zh and rule.title_en and rule.text_en
    assert rule.evidence_kinds
    assert rule.sanction.steps
    for item in rule.checklist:
        assert item.rule_code == rule.code


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.fail(
            f"the seed rulebook is missing at {SEED}: the rule texts cannot be checked against "
            "it (put the seed at ../shared/seed beside the repository)"
        )
    return SEED.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("rule", registry.RULES, ids=lambda r: r.code)
def test_rule_text_is_verbatim_from_the_seed(rule: Policy, seed_lines: list[str]) -> None:
    assert f"{NUMERALS[rule.article - 1]}、{rule.text_zh}" in seed_lines


def test_get_finds_rules_and_names_the_missing_one() -> None:
    assert registry.get("R12").title_en == "No tips"
    with pytest.raises(KeyError, match="R14"):
        registry.get("R14")


def test_checklist_items_in_rule_order_with_unique_keys() -> None:
    items = registry.checklist_items()
    keys = [item.key for item in items]
    assert len(keys) == len(set(keys))
    assert keys == [
        "attitude",
        "badge_worn",
        "knock_before_entry",
        "ring_duration",
        "ring_interval",
        "work_to_requirement",
        "no_facility_use",
        "no_outsiders",
        "no_gossip",
        "left_promptly",
    ]
    assert [item.key for item in items if item.observed] == ["ring_duration", "ring_interval"]


def test_find_item() -> None:
    rule, item = registry.find_item("ring_interval")
    assert (rule.code, item.observed and item.observed.name) == ("R03", "gap_seconds")
    with pytest.raises(KeyError, match="nope"):
        registry.find_item("nope")


def test_ruleset_digest_is_stable_and_pinned() -> None:
    assert registry.ruleset_digest() == registry.ruleset_digest() == RULESET_DIGEST


def test_ruleset_digest_changes_when_a_default_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    r08 = registry.get("R08")
    param = replace(r08.parameters[0], default=16)
    changed = tuple(
        replace(rule, parameters=(param,)) if rule is r08 else rule for rule in registry.RULES
    )
    monkeypatch.setattr(registry, "RULES", changed)
    assert registry.ruleset_digest() != RULESET_DIGEST


@pytest.mark.parametrize("code", [f"R{n:02d}" for n in range(1, 10)])
def test_rules_naming_no_sanction_use_the_default_ladder(code: str) -> None:
    sanction = registry.get(code).sanction
    assert sanction is DEFAULT_LADDER and sanction.counts_repeats
    assert [s.ordinal for s in sanction.steps if s.severity is None] == [1, 2, 3, 4]


def test_written_sanctions() -> None:
    r10, r11 = registry.get("R10").sanction, registry.get("R11").sanction
    r12, r13 = registry.get("R12").sanction, registry.get("R13").sanction
    assert [s.outcomes for s in r10.steps] == [
        (OutcomeKind.RETRAINING,),
        (OutcomeKind.REASSIGNMENT,),
        (OutcomeKind.TERMINATION_WITH_NOTICE,),
    ]
    assert all(OutcomeKind.COMPENSATION in s.outcomes for s in r11.steps)
    assert r12.steps[0].outcomes == (OutcomeKind.RESTITUTION, OutcomeKind.WAGE_DEDUCTION)
    assert r12.steps[-1].severity is Severity.SERIOUS
    assert OutcomeKind.DISMISSAL in r12.steps[-1].outcomes
    assert OutcomeKind.DISMISSAL in r13.steps[0].outcomes
    assert OutcomeKind.RESTITUTION in r13.steps[0].outcomes
    assert r13.steps[-1].severity is Severity.SERIOUS
    assert OutcomeKind.LEGAL_REFERRAL in r13.steps[-1].outcomes
    # Each written sanction is applied by its own rule module's handler, not by the default.
    assert (r10.handler, r11.handler, r12.handler, r13.handler) == (
        r10_incompetence.handle_sanction,
        r11_damage.handle_sanction,
        r12_tips.handle_sanction,
        r13_solicitation_theft.handle_sanction,
    )
    assert not any(s.counts_repeats for s in (r10, r11, r12, r13))


def test_policies_import_nothing_from_the_application() -> None:
    root = Path(__file__).parents[2] / "policies"
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for banned in ("import compliance", "from compliance", "import api", "from api"):
            assert banned not in text, f"{source} {banned}"
