"""The approver's "no": reject (驳回) or send back (退回修改), each with its reason; a dismissal
the trade union objected to needs the objection answered in writing."""

import pytest
from sqlmodel import col, select

from compliance.cases import decision, read, review
from compliance.cases import statement as case_statement
from compliance.cases.labels import step_note
from compliance.cases.models import Approval, CaseStatus, CaseStep
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import act, open_case, row, step_count

S = CaseStatus


def _proposed(ctx, office, **kw):
    case_id = open_case(ctx, office, **kw)
    case_statement.request_statement(act(ctx, office, "hr"), case_id)
    case_statement.submit_statement(act(ctx, office, "staff"), case_id, "我的说明")
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "复核认定")
    return case_id


def _detail(ctx, office, case_id, role="hr"):
    return read.get_case(act(ctx, office, role), case_id)


def _approvals(ctx, case_id):
    return list(ctx.session.exec(select(Approval).where(col(Approval.case_id) == case_id)))


def test_a_rejected_proposal_goes_back_to_hr_with_the_reason_and_hr_proposes_anew(ctx, office):
    case_id = _proposed(ctx, office)
    director = act(ctx, office, "director")
    out = review.reject_proposal(director, case_id, "证据只有一份住户反映,不足以认定")
    assert out.status == S.UNDER_REVIEW

    hr_view = _detail(ctx, office, case_id)
    back = hr_view.returned
    assert back is not None and back.action == "reject_proposal"
    assert back.reason == "证据只有一份住户反映,不足以认定"
    assert back.by == office.users["director"].id
    assert "propose" in hr_view.allowed_actions and "approve" not in hr_view.allowed_actions
    # HR's to-do can find it without opening the case.
    waiting = review.returned_cases(ctx.session, office.office.id)
    assert waiting[case_id].action == "reject_proposal" and "不足以认定" in waiting[case_id].reason
    # The step's note reads in Chinese on the page and in the dossier.
    (step,) = [s for s in hr_view.steps if s.action == "reject_proposal"]
    assert step_note(step.note, "zh") == "第 1 版处理建议被驳回:证据只有一份住户反映,不足以认定"

    # HR proposes again: revision 2, and the refusal is no longer pending.
    case_propose.propose(act(ctx, office, "hr"), case_id, "minor", "补充核实后从轻")
    again = _detail(ctx, office, case_id)
    assert again.case.status == S.DECISION_PROPOSED and again.returned is None
    assert [p.revision for p in again.proposals] == [1, 2]
    assert case_id not in review.returned_cases(ctx.session, office.office.id)
    assert decision.approve(director, case_id, "同意").status == S.APPROVED


def test_a_refusal_needs_its_reason(ctx, office):
    case_id = _proposed(ctx, office)
    director = act(ctx, office, "director")
    for refuse in (review.reject_proposal, review.send_back):
        with pytest.raises(ValidationFailed) as err:
            refuse(director, case_id, "   ")
        assert err.value.errors[0].field == "reason"
    assert row(ctx, case_id).status == S.DECISION_PROPOSED
    assert step_count(ctx, case_id, "reject_proposal") == 0


def test_sent_back_waits_for_hr_to_amend_and_earlier_approvals_lapse(ctx, office):
    case_id = _proposed(ctx, office, rule="R13", amount_fen=10_000)  # a dismissal: two approvals
    hr, director = act(ctx, office, "hr"), act(ctx, office, "director")
    decision.approve(act(ctx, office, "hr2"), case_id, "同意辞退")  # never the proposer, "hr"
    out = review.send_back(director, case_id, "请核实索要金额,并补充住户书面材料")
    assert out.status == S.DECISION_PROPOSED
    assert all(a.lapsed_at is not None for a in _approvals(ctx, case_id))

    detail = _detail(ctx, office, case_id)
    assert detail.returned is not None and detail.returned.action == "send_back"
    assert "amend" in detail.allowed_actions
    assert "approve" not in detail.allowed_actions
    assert not {"approve", "reject_proposal", "send_back"} & set(
        _detail(ctx, office, case_id, "director").allowed_actions
    )
    # Nobody decides the revision sent back before HR amends it.
    with pytest.raises(Conflict) as err:
        decision.approve(director, case_id, "同意")
    assert "退回人事修改" in err.value.text("zh") and "sent back" in str(err.value)
    with pytest.raises(Conflict):
        review.send_back(director, case_id, "再次退回")

    decision.amend(hr, case_id, [{"kind": "final_written_warning"}], "核实金额后改为最后警告")
    amended = _detail(ctx, office, case_id, "director")
    assert amended.returned is None and "approve" in amended.allowed_actions
    assert decision.approve(director, case_id, "同意修改后的建议").status == S.APPROVED
    note = next(s.note for s in amended.steps if s.action == "send_back")
    assert step_note(note, "zh") == (
        "第 1 版处理建议被退回修改(1 项批准失效):请核实索要金额,并补充住户书面材料"
    )


def _dismissal_with_union_objection(ctx, office):
    case_id = _proposed(ctx, office, rule="R13", amount_fen=10_000)
    hr = act(ctx, office, "hr")
    decision.approve(act(ctx, office, "hr2"), case_id, "索要财物属实")  # not the proposer
    decision.record_union_notice(hr, case_id, "该员工向业主索要财物,拟解除劳动合同")
    decision.record_union_reply(
        hr, case_id, "工会认为事实尚需核实,员工初犯,建议从轻", objection=True
    )
    return case_id


def test_a_dismissal_the_union_objected_to_needs_a_written_answer(ctx, office):
    case_id = _dismissal_with_union_objection(ctx, office)
    director = act(ctx, office, "director")
    assert _detail(ctx, office, case_id, "director").union_objection == (
        "工会认为事实尚需核实,员工初犯,建议从轻"
    )
    with pytest.raises(ValidationFailed) as err:
        decision.approve(director, case_id, "同意辞退")
    refused = err.value.errors[0]
    assert refused.field == "union_answer"
    assert "answer its objection in writing" in refused.reason
    from compliance.i18n import gettext

    assert "批准前须书面答复工会的意见" in gettext("zh", refused.reason)
    assert row(ctx, case_id).status == S.DECISION_PROPOSED
    assert len(_approvals(ctx, case_id)) == 1

    answer = "经调取监控与两户住户书面证言,事实清楚;员工此前已有书面警告,不属初犯。"
    assert decision.approve(director, case_id, "同意辞退", answer).status == S.APPROVED
    (step,) = ctx.session.exec(
        select(CaseStep)
        .where(col(CaseStep.case_id) == case_id, col(CaseStep.action) == "approve")
        .order_by(col(CaseStep.id).desc())
        .limit(1)
    )
    assert answer in step.note  # kept with the step: the dossier prints it
    assert step_note(step.note, "zh") == (
        f"第 1 版处理建议由管理处主任批准;对工会异议的书面答复:{answer}"
    )
    union_steps = [
        s for s in _detail(ctx, office, case_id).steps if s.action == "record_union_reply"
    ]
    assert step_note(union_steps[0].note, "zh").startswith("工会提出异议:")


def test_a_union_reply_without_objection_needs_no_answer(ctx, office):
    case_id = _proposed(ctx, office, rule="R13", amount_fen=10_000)
    hr, director = act(ctx, office, "hr"), act(ctx, office, "director")
    decision.approve(act(ctx, office, "hr2"), case_id, "属实")  # not the proposer
    decision.record_union_notice(hr, case_id, "拟辞退")
    decision.record_union_reply(hr, case_id, "工会无异议")
    assert _detail(ctx, office, case_id, "director").union_objection is None
    assert decision.approve(director, case_id, "同意").status == S.APPROVED


def test_separation_of_duties_holds_for_every_decision(ctx, office):
    # The director recorded the evidence: they may not approve, reject or send it back.
    case_id = _proposed(ctx, office, recorder="director")
    director = act(ctx, office, "director")
    for decide in (
        lambda: decision.approve(director, case_id, "同意"),
        lambda: review.reject_proposal(director, case_id, "驳回"),
        lambda: review.send_back(director, case_id, "退回"),
    ):
        with pytest.raises(Forbidden, match="recorded feedback"):
            decide()
    offered = _detail(ctx, office, case_id, "director").allowed_actions
    assert not {"approve", "reject_proposal", "send_back"} & set(offered)
    # The proposer does not refuse their own proposal (they amend it or dismiss the case).
    with pytest.raises(Forbidden) as err:
        review.reject_proposal(act(ctx, office, "hr"), case_id, "驳回")
    assert "本人提出" in err.value.text("zh")
    hr_offered = _detail(ctx, office, case_id).allowed_actions
    assert not {"approve", "reject_proposal", "send_back"} & set(hr_offered)
    assert step_count(ctx, case_id, "reject_proposal") == 0
    assert row(ctx, case_id).status == S.DECISION_PROPOSED
