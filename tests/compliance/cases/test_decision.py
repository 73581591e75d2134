"""Proposal from the sanction engine, amendments, approvals, separation of duties, lapse."""

from dataclasses import replace
from datetime import timedelta

import pytest

from compliance.cases import decision, notice, read
from compliance.cases import statement as case_statement
from compliance.cases.models import CaseStatus
from compliance.damages.service import record_damage, set_valuation
from compliance.errors import (
    Conflict,
    Forbidden,
    GuardrailViolation,
    InvalidTransition,
    ValidationFailed,
)
from compliance.flows import open_case as opening
from compliance.flows import propose as case_propose
from compliance.flows.spot_checks import record_spot_check
from tests.compliance.cases.helpers import act, confirmed, drive, finding, open_case, row

S = CaseStatus


def _to_review(ctx, office, case_id):
    case_statement.request_statement(act(ctx, office, "hr"), case_id)
    case_statement.submit_statement(act(ctx, office, "staff"), case_id, "我的说明")


def _proposed(ctx, office, severity="standard", **kw):
    case_id = open_case(ctx, office, **kw)
    _to_review(ctx, office, case_id)
    case_propose.propose(act(ctx, office, "hr"), case_id, severity, "复核认定")
    return case_id


def _detail(ctx, office, case_id, role="hr"):
    return read.get_case(act(ctx, office, role), case_id)


def _kinds(detail, revision=-1):
    return [o["kind"] for o in detail.proposals[revision].outcomes]


def test_first_breach_gets_a_written_warning_from_the_engine(ctx, office):
    case_id = _proposed(ctx, office)
    detail = _detail(ctx, office, case_id)
    assert _kinds(detail) == ["written_warning"]
    p = detail.proposals[0]
    assert p.revision == 1 and not p.legal_risk and not p.is_dismissal and len(p.digest) == 64
    assert p.reasoning["rule_code"] == "R05" and p.reasoning["breach_ordinal"] == 1
    case = detail.case
    assert (case.severity, case.severity_reason) == ("standard", "复核认定")


def test_the_reviewer_must_give_a_reason_for_the_severity(ctx, office):
    case_id = open_case(ctx, office)
    _to_review(ctx, office, case_id)
    with pytest.raises(ValidationFailed) as err:
        case_propose.propose(act(ctx, office, "hr"), case_id, "serious", " ")
    assert err.value.errors[0].field == "severity_reason"
    with pytest.raises(ValidationFailed) as err:
        case_propose.propose(act(ctx, office, "hr"), case_id, "grave", "x")
    assert err.value.errors[0].field == "severity"
    assert row(ctx, case_id).status == "under_review"


def test_minor_first_breach_is_a_verbal_warning(ctx, office):
    case_id = _proposed(ctx, office, severity="minor")
    assert _kinds(_detail(ctx, office, case_id)) == ["verbal_warning"]


def test_prior_decided_breaches_of_the_rule_are_counted_with_their_case(ctx, office):
    first = drive(ctx, office, S.FINAL, days_ago=40)
    dismissed = drive(ctx, office, S.DISMISSED, rule="R06", days_ago=30)
    assert dismissed
    second = _proposed(ctx, office, days_ago=2)
    detail = _detail(ctx, office, second)
    assert _kinds(detail) == ["written_warning", "retraining"]
    counted = detail.proposals[0].reasoning["counted"]
    assert [c["case_number"] for c in counted] == [row(ctx, first).number]
    # A case dismissed as no breach does not count against the staff member.
    other_rule = _proposed(ctx, office, rule="R06", days_ago=1)
    assert _kinds(_detail(ctx, office, other_rule)) == ["written_warning"]


def test_legal_risk_needs_a_justification(ctx, office):
    case_id = _proposed(ctx, office, rule="R12", amount_fen=20_000)
    p = _detail(ctx, office, case_id).proposals[0]
    assert [(o["kind"], o["amount_fen"]) for o in p.outcomes] == [
        ("restitution", 20_000),
        ("wage_deduction", 500_000),
    ]
    assert p.legal_risk and not p.is_dismissal
    with pytest.raises(ValidationFailed) as err:
        decision.approve(act(ctx, office, "hr2"), case_id, "  ")
    assert err.value.errors[0].field == "justification"
    assert row(ctx, case_id).status == "decision_proposed"
    out = decision.approve(act(ctx, office, "hr2"), case_id, "规章制度明确规定,员工已签收")
    assert out.status == "approved"
    approval = _detail(ctx, office, case_id).approvals[0]
    assert approval.justification == "规章制度明确规定,员工已签收"


def test_the_manager_who_recorded_the_feedback_cannot_approve(ctx, office):
    case_id = _proposed(ctx, office, recorder="director")
    with pytest.raises(Forbidden, match="recorded feedback"):
        decision.approve(act(ctx, office, "director"), case_id, "")
    assert "approve" not in _detail(ctx, office, case_id, "director").allowed_actions
    assert "approve" in _detail(ctx, office, case_id, "hr2").allowed_actions
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == "approved"


def test_whoever_raised_the_finding_cannot_approve(ctx, office):
    case_id = _proposed(ctx, office, recorder="manager", raiser="hr")
    with pytest.raises(Forbidden, match="raised finding"):
        decision.approve(act(ctx, office, "hr"), case_id, "")
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == "approved"


def test_whoever_confirmed_the_finding_cannot_approve(ctx, office):
    fid = finding(ctx, office)
    case_id = opening.confirm_into_case(act(ctx, office, "hr"), fid, "属实").id
    _to_review(ctx, office, case_id)
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "x")
    with pytest.raises(Forbidden, match="confirmed finding"):
        decision.approve(act(ctx, office, "hr"), case_id, "")


def test_the_inspector_of_a_spot_check_cannot_approve(ctx, office):
    check = record_spot_check(
        act(ctx, office, "director"),
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "checked_at": ctx.clock.now() - timedelta(days=1),
            "items": [{"item_key": "ring_duration", "result": "fail", "observed": 300}],
        },
    )
    evidence = [{"kind": "spot_check_item", "id": check.items[0].id}]
    case_id = _proposed(ctx, office, rule="R03", evidence=evidence, days_ago=1)
    with pytest.raises(Forbidden, match="recorded spot check"):
        decision.approve(act(ctx, office, "director"), case_id, "")


def test_evidence_added_after_approval_makes_it_lapse(ctx, office):
    case_id = drive(ctx, office, S.APPROVED)
    extra = confirmed(ctx, office, rule="R07")
    out = opening.add_evidence(act(ctx, office, "manager"), case_id, extra)
    assert out.status == "decision_proposed"
    detail = _detail(ctx, office, case_id)
    assert [a.lapsed_at is not None for a in detail.approvals] == [True]
    assert "lapsed" in detail.steps[-1].note and len(detail.findings) == 2
    with pytest.raises(InvalidTransition):
        notice.serve_notice(act(ctx, office, "hr"), case_id, "通知")
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == "approved"
    assert [a.lapsed_at is None for a in _detail(ctx, office, case_id).approvals] == [False, True]


def test_an_amendment_is_a_new_revision_and_voids_approvals(ctx, office):
    case_id = drive(ctx, office, S.APPROVED)
    with pytest.raises(ValidationFailed) as err:
        decision.amend(act(ctx, office, "hr"), case_id, [{"kind": "verbal_warning"}], "")
    assert err.value.errors[0].field == "reason"
    with pytest.raises(ValidationFailed):
        decision.amend(
            act(ctx, office, "hr"), case_id, [{"kind": "fine", "amount_fen": 100}], "罚款"
        )
    out = decision.amend(act(ctx, office, "hr"), case_id, [{"kind": "verbal_warning"}], "初犯从轻")
    assert out.status == "decision_proposed"
    detail = _detail(ctx, office, case_id)
    assert [p.revision for p in detail.proposals] == [1, 2]
    assert _kinds(detail) == ["verbal_warning"] and detail.proposals[1].amend_reason == "初犯从轻"
    assert detail.proposals[1].reasoning["outcomes_before"][0]["kind"] == "written_warning"
    assert all(a.lapsed_at is not None for a in detail.approvals)


def test_an_incomplete_proposal_cannot_be_approved_until_amended(ctx, office):
    damage = record_damage(
        act(ctx, office, "manager"),
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "item": "木地板",
            "occurred_at": ctx.clock.now() - timedelta(days=3),
        },
    )
    evidence = [{"kind": "damage", "id": damage.id}]
    case_id = _proposed(ctx, office, rule="R11", evidence=evidence, days_ago=3)
    assert _kinds(_detail(ctx, office, case_id)) == ["compensation", "written_warning"]
    with pytest.raises(ValidationFailed, match="incomplete"):
        decision.approve(act(ctx, office, "hr2"), case_id, "")
    set_valuation(
        act(ctx, office, "manager"), damage.id, {"assessed_value_fen": 80_000, "basis": "quote"}
    )
    decision.amend(
        act(ctx, office, "hr"),
        case_id,
        [{"kind": "compensation", "amount_fen": 80_000}, {"kind": "written_warning"}],
        "已取得维修报价",
    )
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == "approved"


def test_compensation_comes_from_the_assessed_damage(ctx, office):
    damage = record_damage(
        act(ctx, office, "manager"),
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "item": "花瓶",
            "occurred_at": ctx.clock.now() - timedelta(days=3),
        },
    )
    set_valuation(
        act(ctx, office, "hr"), damage.id, {"assessed_value_fen": 45_000, "basis": "receipt"}
    )
    evidence = [{"kind": "damage", "id": damage.id}]
    case_id = _proposed(ctx, office, rule="R11", evidence=evidence, days_ago=3)
    outcomes = _detail(ctx, office, case_id).proposals[0].outcomes
    assert (outcomes[0]["kind"], outcomes[0]["amount_fen"]) == ("compensation", 45_000)


def _dismissal_case(ctx, office):
    case_id = _proposed(ctx, office, rule="R13", amount_fen=10_000)
    detail = _detail(ctx, office, case_id)
    assert _kinds(detail) == ["dismissal", "restitution"] and detail.proposals[0].is_dismissal
    return case_id


def test_dismissal_needs_hr_and_director_and_the_trade_union(ctx, office):
    case_id = _dismissal_case(ctx, office)  # proposed by "hr"
    hr, director = act(ctx, office, "hr"), act(ctx, office, "director")
    hr2 = act(ctx, office, "hr2")  # the HR approval: never the proposer's
    assert decision.approve(hr2, case_id, "").status == "decision_proposed"
    with pytest.raises(Conflict, match="already approved"):
        decision.approve(hr2, case_id, "")
    with pytest.raises(GuardrailViolation, match="trade union"):
        decision.approve(director, case_id, "")
    decision.record_union_notice(hr, case_id, "索取住户财物,拟辞退")
    with pytest.raises(GuardrailViolation, match="reply"):
        decision.approve(director, case_id, "")
    decision.record_union_reply(hr, case_id, "工会无异议")
    assert decision.approve(director, case_id, "").status == "approved"
    approvals = _detail(ctx, office, case_id).approvals
    assert sorted(a.capacity for a in approvals) == ["director", "hr"]
    assert len({a.approver_id for a in approvals}) == 2
    assert office.users["hr"].id not in {a.approver_id for a in approvals}


def _under(ctx, profile):
    return replace(ctx, settings=ctx.settings.model_copy(update={"guardrail_profile": profile}))


def test_under_the_default_profile_the_second_approval_waits_for_the_union(ctx, office):
    assert ctx.settings.guardrail_profile == "CN"
    case_id = _dismissal_case(ctx, office)
    decision.approve(act(ctx, office, "hr2"), case_id, "")
    with pytest.raises(GuardrailViolation) as refused:
        decision.approve(act(ctx, office, "director"), case_id, "")
    assert "须先记录通知工会" in refused.value.text("zh")
    assert row(ctx, case_id).status == "decision_proposed"


def test_with_no_guardrails_a_dismissal_needs_no_trade_union(ctx, office):
    ctx = _under(ctx, "none")
    case_id = _dismissal_case(ctx, office)
    assert _detail(ctx, office, case_id, "director").dismissal_gates == []
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == "decision_proposed"
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == "approved"
    assert _detail(ctx, office, case_id).union_notice is None


def test_two_hr_approvals_do_not_make_a_dismissal(ctx, office):
    from compliance.accounts.models import User
    from compliance.actors import Role
    from tests.conftest import NOW

    case_id = _dismissal_case(ctx, office)  # proposed by "hr": "hr2" and "hr3" approve
    hr3 = User(
        office_id=office.office.id,
        username="bsw-hr3",
        display_name="hr3",
        role=Role.HR.value,
        created_at=NOW,
    )
    ctx.session.add(hr3)
    ctx.session.flush()
    office.users["hr3"] = hr3
    decision.record_union_notice(act(ctx, office, "hr"), case_id, "理由")
    decision.record_union_reply(act(ctx, office, "hr"), case_id, "无异议")
    decision.approve(act(ctx, office, "hr2"), case_id, "")
    with pytest.raises(Conflict, match="one HR and one director"):
        decision.approve(act(ctx, office, "hr3"), case_id, "")
    assert row(ctx, case_id).status == "decision_proposed"


def test_the_director_may_approve_first_before_the_union_is_told(ctx, office):
    case_id = _dismissal_case(ctx, office)
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == "decision_proposed"
    with pytest.raises(GuardrailViolation):
        decision.approve(act(ctx, office, "hr2"), case_id, "")


def test_new_evidence_voids_a_first_dismissal_approval(ctx, office):
    case_id = _dismissal_case(ctx, office)
    decision.approve(act(ctx, office, "hr2"), case_id, "")
    extra = confirmed(ctx, office, rule="R07")
    opening.add_evidence(act(ctx, office, "manager"), case_id, extra)
    assert [a.lapsed_at is not None for a in _detail(ctx, office, case_id).approvals] == [True]
    assert "approve" in _detail(ctx, office, case_id, "hr2").allowed_actions
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == "decision_proposed"


def test_approvers_see_the_gates_and_the_cost_of_a_wrongful_dismissal(ctx, office):
    case_id = _dismissal_case(ctx, office)
    detail = _detail(ctx, office, case_id, "director")
    gates = {g.key: g for g in detail.dismissal_gates}
    assert gates["rule_in_force"].passed and gates["statement"].passed
    assert not gates["rulebook_acknowledged"].passed and not gates["rulebook_acknowledged"].blocking
    assert not gates["union_notified"].passed and gates["union_notified"].blocking
    cost = detail.wrongful_dismissal_cost
    # Hired 2023-05-01, ¥5,000 a month, to 2026-03-31: 3 years → 3 months × 2.
    assert cost is not None and cost.multiplier == 2 and cost.amount_fen == 3_000_000
    for role in ("manager", "staff"):
        other = _detail(ctx, office, case_id, role)
        assert other.dismissal_gates is None and other.wrongful_dismissal_cost is None


def test_union_notice_only_for_a_proposal_that_ends_employment(ctx, office):
    case_id = _proposed(ctx, office)
    with pytest.raises(ValidationFailed, match="trade union"):
        decision.record_union_notice(act(ctx, office, "hr"), case_id, "理由")
    with pytest.raises(ValidationFailed, match="not been notified"):
        decision.record_union_reply(act(ctx, office, "hr"), case_id, "回复")
