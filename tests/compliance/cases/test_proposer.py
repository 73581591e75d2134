"""Separation of duties: whoever made the revision awaiting approval never approves it.

An ordinary outcome is approved by another HR reviewer or the office director; a dismissal
needs two distinct approvals, one as HR and one as the director, neither by the proposer. An
office with a single HR reviewer has the director approve ordinary outcomes and, for a
dismissal, asks a second HR reviewer (e.g. the company's HR) for the HR approval.
"""

import pytest

from compliance.cases import decision, read, review
from compliance.cases.lifecycle import Action
from compliance.cases.models import CaseStatus
from compliance.errors import Forbidden
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import act, drive, row, step_count

S = CaseStatus
ZH = "zh"
DECIDING = {"approve", "reject_proposal", "send_back"}


def _allowed(ctx, office, case_id, role):
    return set(read.get_case(act(ctx, office, role), case_id).allowed_actions)


def _dismissal(ctx, office):
    """A dismissal proposed by "hr" (R13: soliciting from a resident)."""
    case_id = drive(ctx, office, S.UNDER_REVIEW, rule="R13", amount_fen=10_000)
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "索取住户财物")
    proposal = read.get_case(act(ctx, office, "hr"), case_id).proposals[-1]
    assert proposal.is_dismissal and proposal.created_by == office.users["hr"].id
    return case_id


def _refused(ctx, office, case_id, role="hr"):
    before = step_count(ctx, case_id, Action.APPROVE)
    with pytest.raises(Forbidden) as err:
        decision.approve(act(ctx, office, role), case_id, "证据充分")
    assert step_count(ctx, case_id, Action.APPROVE) == before
    return err.value


def test_the_proposer_is_refused_approval_of_an_ordinary_outcome(ctx, office):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    refusal = _refused(ctx, office, case_id)
    assert str(refusal) == (
        "you made revision 1 yourself, and whoever proposes an outcome never approves it: "
        "another HR reviewer or the office director approves it"
    )
    zh = refusal.text(ZH)
    assert "第 1 版处理建议是您本人提出的" in zh and "另一位人事或管理处主任批准" in zh
    assert row(ctx, case_id).status == S.DECISION_PROPOSED
    # Neither the yes nor the no is offered to them; amending (a new revision) still is.
    allowed = _allowed(ctx, office, case_id, "hr")
    assert not allowed & DECIDING and "amend" in allowed


@pytest.mark.parametrize("approver", ["hr2", "director"])
def test_another_hr_reviewer_or_the_director_approves_it(ctx, office, approver):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    assert DECIDING <= _allowed(ctx, office, case_id, approver)
    out = decision.approve(act(ctx, office, approver), case_id, "证据充分")
    assert out.status == S.APPROVED
    (approval,) = read.get_case(act(ctx, office, "hr"), case_id).approvals
    assert approval.approver_id == office.users[approver].id
    assert approval.capacity == ("hr" if approver == "hr2" else "director")


def test_with_a_single_hr_reviewer_the_director_approves(ctx, office):
    # The second HR reviewer takes no part: "hr" proposes, is refused, the director approves.
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    _refused(ctx, office, case_id)
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == S.APPROVED


def test_the_rule_follows_the_current_revision(ctx, office):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)  # revision 1 by "hr"
    decision.amend(act(ctx, office, "hr2"), case_id, [{"kind": "verbal_warning"}], "初犯从轻")
    refusal = _refused(ctx, office, case_id, "hr2")  # revision 2 is theirs now
    assert "revision 2" in str(refusal)
    assert "approve" in _allowed(ctx, office, case_id, "hr")
    assert decision.approve(act(ctx, office, "hr"), case_id, "").status == S.APPROVED


def test_the_proposer_cannot_refuse_either(ctx, office):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    with pytest.raises(Forbidden, match="amend it or dismiss the case"):
        review.send_back(act(ctx, office, "hr"), case_id, "再想想")
    with pytest.raises(Forbidden, match="amend it or dismiss the case"):
        review.reject_proposal(act(ctx, office, "hr"), case_id, "不妥")


def test_the_proposer_gives_neither_approval_of_a_dismissal(ctx, office):
    case_id = _dismissal(ctx, office)
    refusal = _refused(ctx, office, case_id)
    assert "a dismissal needs two approvals, one as HR and one as the office director" in str(
        refusal
    )
    assert "company's HR" in str(refusal)
    zh = refusal.text(ZH)
    assert "解除劳动合同须经人事和管理处主任各批准一次,均不能是您" in zh
    assert "第二位人事(如公司人事)" in zh
    # The director gives the first approval; the union is told and answers (HR may record
    # that); the proposer still cannot give the second, HR approval; another HR reviewer does.
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == (
        S.DECISION_PROPOSED
    )
    decision.record_union_notice(act(ctx, office, "hr"), case_id, "索取住户财物,拟辞退")
    decision.record_union_reply(act(ctx, office, "hr"), case_id, "工会无异议")
    assert not _allowed(ctx, office, case_id, "hr") & DECIDING
    _refused(ctx, office, case_id)
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == S.APPROVED
    approvals = read.get_case(act(ctx, office, "hr"), case_id).approvals
    assert sorted((a.capacity, a.approver_id) for a in approvals) == sorted(
        [("director", office.users["director"].id), ("hr", office.users["hr2"].id)]
    )


def test_a_dismissal_approved_by_another_hr_reviewer_first(ctx, office):
    case_id = _dismissal(ctx, office)
    assert decision.approve(act(ctx, office, "hr2"), case_id, "").status == S.DECISION_PROPOSED
    decision.record_union_notice(act(ctx, office, "hr"), case_id, "索取住户财物,拟辞退")
    decision.record_union_reply(act(ctx, office, "hr"), case_id, "工会无异议")
    assert decision.approve(act(ctx, office, "director"), case_id, "").status == S.APPROVED
