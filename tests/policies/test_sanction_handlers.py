"""The engine is a table: each rule's sanction handler lives with the rule, legal risks with
the guardrail profile. The engine knows no rule and no jurisdiction."""

import ast
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from policies import ladder, registry
from policies.draft import Draft
from policies.guardrails import CN, NONE, CNProfile, Risk
from policies.ladder import propose
from policies.proposal import PriorBreach, Proposal, SanctionFacts
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep, Severity

K = OutcomeKind
INCIDENT = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)


def _priors(code: str, n: int) -> list[PriorBreach]:
    return [
        PriorBreach(i, f"BSW-2025-{i:04d}", code, INCIDENT - timedelta(days=10 * i))
        for i in range(1, n + 1)
    ]


# Every proposal the CN profile marks with a legal risk: a dismissal on the default ladder,
# a termination for incompetence, a withheld wage (R12), dismissal for a serious tip, R13.
RISKY = [
    ("R03", Severity.STANDARD, 3, {}),
    ("R10", Severity.STANDARD, 0, {"prior_incompetence_steps": 2}),
    ("R12", Severity.STANDARD, 0, {"concealed_tip_fen": 20_000}),
    ("R12", Severity.SERIOUS, 0, {"concealed_tip_fen": 20_000}),
    ("R13", Severity.STANDARD, 0, {"restitution_fen": 5_000}),
]


def _propose(profile: object, code: str, severity: Severity, n: int, **kw: int) -> Proposal:
    return propose(
        registry.get(code),
        severity=severity,
        prior_breaches=_priors(code, n),
        facts=SanctionFacts(incident_at=INCIDENT, monthly_wage_fen=500_000, **kw),
        guardrails=profile,  # type: ignore[arg-type]
    )


def _text(p: Proposal) -> str:
    return " ".join(p.explanation_en) + "".join(p.explanation_zh)


@pytest.mark.parametrize(("code", "severity", "n", "kw"), RISKY)
def test_the_cn_profile_names_the_legal_risks(code, severity, n, kw) -> None:
    proposal = _propose(CN, code, severity, n, **kw)
    assert len(proposal.legal_risks) == 1
    assert "Legal risk:" in _text(proposal) and "法律风险:" in _text(proposal)


@pytest.mark.parametrize(("code", "severity", "n", "kw"), RISKY)
def test_profile_none_names_no_legal_risk(code, severity, n, kw) -> None:
    with_cn = _propose(CN, code, severity, n, **kw)
    proposal = _propose(NONE, code, severity, n, **kw)
    assert proposal.legal_risks == ()
    assert "legal risk" not in _text(proposal).lower() and "法律风险" not in _text(proposal)
    assert not any(o.legal_risk for o in proposal.outcomes)
    # The rulebook's own sanction is the same: only the profile's notes differ.
    assert proposal.kinds() == with_cn.kinds()
    assert (proposal.params_digest, proposal.input_digest) == (
        with_cn.params_digest,
        with_cn.input_digest,
    )


class _Elsewhere(CNProfile):
    """A profile whose law words the risks differently."""

    code = "XX"

    def risks_by_outcome(self) -> Mapping[OutcomeKind, Risk]:
        return {
            kind: Risk(f"xx_{kind}", f"某法:{kind}", f"Some law: {kind}", "某法", "Some Act", True)
            for kind in (K.DISMISSAL, K.WAGE_DEDUCTION, K.TERMINATION_WITH_NOTICE)
        }


@pytest.mark.parametrize(("code", "severity", "n", "kw"), RISKY)
def test_the_legal_risks_come_from_the_active_profile(code, severity, n, kw) -> None:
    proposal = _propose(_Elsewhere(), code, severity, n, **kw)
    assert [r.law_en for r in proposal.legal_risks] == ["Some Act"]
    assert "(Some Act)" in _text(proposal)
    assert not {r.key for r in proposal.legal_risks} & {
        r.key for r in CN.risks_by_outcome().values()
    }
    # This profile asks a justification for every risk it names.
    assert all(o.legal_risk for o in proposal.outcomes if o.kind in _Elsewhere().risks_by_outcome())


def test_a_rule_brings_its_own_handler() -> None:
    seen: list[Draft] = []

    def handler(d: Draft) -> None:
        seen.append(d)
        d.kinds = d.match(d.incidents + 1)
        d.amounts[K.RECTIFICATION] = 123
        d.say("自定义处理。", "A handler of the test's own.")

    base = registry.get("R03")
    schedule = SanctionSchedule(
        text_zh="测试",
        text_en="test",
        steps=(
            SanctionStep((K.RECTIFICATION,), ordinal=1),
            SanctionStep((K.RECTIFICATION, K.DISMISSAL), ordinal=2),
        ),
        handler=handler,
        counts_repeats=True,
    )
    rule = replace(base, code="RX", sanction=schedule, detectors=(), checklist=(), parameters=())
    proposal = propose(
        rule,
        severity=Severity.STANDARD,
        prior_breaches=_priors("RX", 1),
        facts=SanctionFacts(incident_at=INCIDENT, monthly_wage_fen=500_000),
        guardrails=CN,
    )
    assert len(seen) == 1 and seen[0].incidents == 1 and seen[0].params == {}
    assert proposal.kinds() == (K.RECTIFICATION, K.DISMISSAL)
    assert proposal.outcomes[0].amount_fen == 123
    assert "A handler of the test's own." in proposal.explanation_en
    # The engine still adds what every rule gets: the priors, the profile's risks, the close.
    assert [r.key for r in proposal.legal_risks] == ["dismissal"]
    assert proposal.explanation_en[-1] == "The ladder suggests; a person decides."


def test_the_engine_names_no_rule_and_no_jurisdiction() -> None:
    source = Path(ladder.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {
        m for m in imported if m.startswith(("policies.conduct", "policies.guardrails."))
    } - {"policies.guardrails.base"}
    codes = {f"R{n:02d}" for n in range(1, 14)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert not codes & strings
