"""The active guardrail profile decides which legal risks a proposal names (issue 13 item 4)."""

import pytest

from compliance.cases import decision, read, statement
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import act, open_case


def _proposed(ctx, office, **kw):
    case_id = open_case(ctx, office, **kw)
    statement.request_statement(act(ctx, office, "hr"), case_id)
    statement.submit_statement(act(ctx, office, "staff"), case_id, "我的说明")
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "复核认定")
    return case_id


def _latest(ctx, office, case_id):
    return read.get_case(act(ctx, office, "hr"), case_id).proposals[-1]


@pytest.mark.parametrize(("profile", "risky"), [("CN", True), ("none", False)])
def test_the_engines_legal_risks_are_the_profiles(ctx, office, settings, profile, risky):
    settings.guardrail_profile = profile
    case_id = _proposed(ctx, office, rule="R12", amount_fen=20_000)
    p = _latest(ctx, office, case_id)
    assert [o["kind"] for o in p.outcomes] == ["restitution", "wage_deduction"]
    assert [r["key"] for r in p.reasoning["legal_risks"]] == (
        ["disciplinary_wage_deduction"] if risky else []
    )
    assert p.legal_risk is risky
    assert ("法律风险" in "".join(p.reasoning["explanation_zh"])) is risky


@pytest.mark.parametrize(("profile", "risky"), [("CN", True), ("none", False)])
def test_outcomes_set_by_hand_carry_the_profiles_risks(ctx, office, settings, profile, risky):
    settings.guardrail_profile = profile
    case_id = _proposed(ctx, office)
    decision.amend(
        act(ctx, office, "hr"),
        case_id,
        [{"kind": "written_warning"}, {"kind": "dismissal"}],
        "情节严重",
    )
    p = _latest(ctx, office, case_id)
    assert [r["key"] for r in p.reasoning["legal_risks"]] == (["dismissal"] if risky else [])
