"""Every case action tried by every role: deny by default, staff see only their own cases."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from compliance.cases import annotations, decision, read, review
from compliance.cases import appeal as case_appeal
from compliance.cases import notice as case_notice
from compliance.cases import statement as case_statement
from compliance.cases.lifecycle import Action
from compliance.cases.models import CaseStatus
from compliance.context import Ctx
from compliance.errors import Forbidden, NotFound
from compliance.flows import execute
from compliance.flows import open_case as opening
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import (
    WITNESS,
    act,
    confirmed,
    drive,
    open_case,
    row,
    step_count,
)

S = CaseStatus
A = Action
ROLES = ("admin", "manager", "director", "hr", "hr2", "cashier", "staff", "staff2")
# One rule per allowed role, so each gets a new case (a finding joins an open case).
RULE_FOR = {
    "admin": "R02",
    "manager": "R03",
    "director": "R04",
    "hr": "R05",
    "hr2": "R10",
    "staff": "R06",
}
HR = {"hr", "hr2"}  # the office's two HR reviewers

# action → (a state where it is legal, the roles that may take it), written from the brief.
WHO: dict[Action, tuple[CaseStatus, set[str]]] = {
    A.ADD_EVIDENCE: (S.OPEN, {"manager", "director"} | HR),
    A.REQUEST_STATEMENT: (S.OPEN, HR),
    A.SUBMIT_STATEMENT: (S.AWAITING_STATEMENT, {"staff"} | HR),
    A.RECORD_REFUSAL: (S.AWAITING_STATEMENT, HR),
    A.RECORD_SILENCE: (S.AWAITING_STATEMENT, HR),
    A.PROPOSE: (S.UNDER_REVIEW, HR),
    A.AMEND: (S.DECISION_PROPOSED, HR),
    A.RECORD_UNION_NOTICE: (S.DECISION_PROPOSED, HR),
    # "hr" made the proposal here, and nobody decides on their own proposal: neither approves
    # nor refuses it (they amend it). The other HR reviewer or the director decides.
    A.APPROVE: (S.DECISION_PROPOSED, {"hr2", "director"}),
    A.REJECT_PROPOSAL: (S.DECISION_PROPOSED, {"hr2", "director"}),
    A.SEND_BACK: (S.DECISION_PROPOSED, {"hr2", "director"}),
    A.DISMISS: (S.OPEN, HR),
    A.SERVE_NOTICE: (S.APPROVED, HR),
    A.ACKNOWLEDGE: (S.NOTIFIED, {"staff"}),
    A.RECORD_ACK_REFUSAL: (S.NOTIFIED, HR),
    A.APPEAL: (S.NOTIFIED, {"staff"}),
    A.DECIDE_APPEAL: (S.APPEALED, {"director"} | HR),
    A.FINALIZE: (S.APPEAL_DECIDED, HR),
    A.MARK_EXECUTED: (S.FINAL, HR),
    A.CLOSE: (S.EXECUTED, HR),
    A.ANNOTATE: (S.CLOSED, {"admin", "manager", "director"} | HR),
}


def _call(ctx: Ctx, office, action: Action, case_id: int) -> Callable[[Ctx], object]:
    if action is A.ADD_EVIDENCE:
        fid = confirmed(ctx, office, rule="R07")
        return lambda c: opening.add_evidence(c, case_id, fid)
    if action is A.RECORD_SILENCE:
        ctx.clock.advance(timedelta(days=10))
    if action is A.RECORD_UNION_NOTICE:
        decision.amend(act(ctx, office, "hr"), case_id, [{"kind": "dismissal"}], "情节严重")
    calls: dict[Action, Callable[[Ctx], object]] = {
        A.REQUEST_STATEMENT: lambda c: case_statement.request_statement(c, case_id),
        A.SUBMIT_STATEMENT: lambda c: case_statement.submit_statement(c, case_id, "说明"),
        A.RECORD_REFUSAL: lambda c: case_statement.record_refusal(c, case_id, "拒绝"),
        A.RECORD_SILENCE: lambda c: case_statement.record_silence(c, case_id),
        A.PROPOSE: lambda c: case_propose.propose(c, case_id, "standard", "初次"),
        A.AMEND: lambda c: decision.amend(c, case_id, [{"kind": "verbal_warning"}], "从轻"),
        A.RECORD_UNION_NOTICE: lambda c: decision.record_union_notice(c, case_id, "理由"),
        A.APPROVE: lambda c: decision.approve(c, case_id, ""),
        A.REJECT_PROPOSAL: lambda c: review.reject_proposal(c, case_id, "证据不足"),
        A.SEND_BACK: lambda c: review.send_back(c, case_id, "金额有误"),
        A.DISMISS: lambda c: decision.dismiss(c, case_id, "无违规"),
        A.SERVE_NOTICE: lambda c: case_notice.serve_notice(c, case_id, "通知书"),
        A.ACKNOWLEDGE: lambda c: case_notice.acknowledge(c, case_id),
        A.RECORD_ACK_REFUSAL: lambda c: case_notice.record_ack_refusal(c, case_id, [WITNESS]),
        A.APPEAL: lambda c: case_appeal.appeal(c, case_id, "不服"),
        A.DECIDE_APPEAL: lambda c: case_appeal.decide_appeal(c, case_id, "upheld", "维持"),
        A.FINALIZE: lambda c: case_appeal.finalize(c, case_id),
        A.MARK_EXECUTED: lambda c: execute.mark_executed(c, case_id),
        A.CLOSE: lambda c: execute.close(c, case_id),
        A.ANNOTATE: lambda c: annotations.annotate(c, case_id, "备注"),
    }
    return calls[action]


def test_every_action_has_a_role_row():
    assert set(WHO) == set(Action) - {A.RECORD_UNION_REPLY} | {A.ANNOTATE}


@pytest.mark.parametrize("action", list(WHO), ids=str)
def test_only_the_right_roles_may_act(ctx, office, action):
    state, allowed = WHO[action]
    # A refusal changes nothing, so one case serves every role that is refused.
    serving = action in (A.ACKNOWLEDGE, A.RECORD_ACK_REFUSAL)  # on a notice not yet served
    case_id = drive(ctx, office, state, rule="R01", served=not serving)
    take = _call(ctx, office, action, case_id)
    version, steps = row(ctx, case_id).version, step_count(ctx, case_id)
    for role in sorted(set(ROLES) - allowed):
        # Another staff member does not learn that the case exists.
        expected = NotFound if role == "staff2" else Forbidden
        with pytest.raises(expected):
            take(act(ctx, office, role))
        assert row(ctx, case_id).version == version, role
        assert step_count(ctx, case_id) == steps, role
    for role in sorted(allowed):
        # The approver never decides the appeal: the director approves when HR is to decide.
        approver = "director" if action is A.DECIDE_APPEAL and role in HR else "hr2"
        case_id = drive(
            ctx, office, state, approver=approver, rule=RULE_FOR[role], served=not serving
        )
        take = _call(ctx, office, action, case_id)
        version = row(ctx, case_id).version
        take(act(ctx, office, role))
        assert row(ctx, case_id).version == version + (action is not A.ANNOTATE), role


def test_union_reply_is_hr_only(ctx, office):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    decision.amend(act(ctx, office, "hr"), case_id, [{"kind": "dismissal"}], "情节严重")
    decision.record_union_notice(act(ctx, office, "hr"), case_id, "理由")
    for role in ("admin", "manager", "director", "cashier", "staff"):
        with pytest.raises(Forbidden):
            decision.record_union_reply(act(ctx, office, role), case_id, "同意")
    decision.record_union_reply(act(ctx, office, "hr"), case_id, "同意")


def test_opening_a_case_is_for_managers_and_hr(ctx, office):
    from tests.compliance.cases.helpers import finding

    fid = finding(ctx, office)
    for role in ("admin", "cashier", "staff", "staff2"):
        with pytest.raises(Forbidden):
            opening.confirm_into_case(act(ctx, office, role), fid, "x")
    assert opening.confirm_into_case(act(ctx, office, "hr"), fid, "属实").status == "open"


def test_staff_read_only_their_own_cases(ctx, office):
    own = open_case(ctx, office, staff=0)
    other = open_case(ctx, office, staff=2)
    staff, staff2 = act(ctx, office, "staff"), act(ctx, office, "staff2")
    assert [c.id for c in read.list_cases(staff)] == [own]
    assert read.list_cases(staff2) == []
    assert read.get_case(staff, own).case.id == own
    with pytest.raises(NotFound):
        read.get_case(staff, other)
    with pytest.raises(NotFound):
        read.get_case(staff2, own)
    # Asking for someone else's cases by filter still shows only one's own (none).
    assert read.list_cases(staff, staff_id=office.staff[2].id) == []
    for role in ("manager", "hr", "director", "admin"):
        ids = {c.id for c in read.list_cases(act(ctx, office, role))}
        assert ids == {own, other}
    with pytest.raises(Forbidden):
        read.list_cases(act(ctx, office, "cashier"))
    with pytest.raises(Forbidden):
        read.get_case(act(ctx, office, "cashier"), own)


def test_list_filters_by_status_and_staff(ctx, office):
    a = open_case(ctx, office, staff=0)
    b = drive(ctx, office, S.AWAITING_STATEMENT, staff=1)
    hr = act(ctx, office, "hr")
    assert [c.id for c in read.list_cases(hr, status="awaiting_statement")] == [b]
    assert [c.id for c in read.list_cases(hr, staff_id=office.staff[0].id)] == [a]


def test_another_office_cannot_see_the_case(ctx, office):
    from tests import factories

    case_id = open_case(ctx, office)
    other = factories.office_set(ctx.session, code="LJY")
    stranger = Ctx(
        session=ctx.session, actor=other.actor("hr"), clock=ctx.clock, settings=ctx.settings
    )
    with pytest.raises(NotFound):
        read.get_case(stranger, case_id)
    with pytest.raises(NotFound):
        case_statement.request_statement(stranger, case_id)
    assert read.list_cases(stranger) == []


def test_allowed_actions_in_the_read_model_follow_the_actor(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    allowed = {
        role: read.get_case(act(ctx, office, role), case_id).allowed_actions
        for role in ("hr", "staff", "manager", "director", "admin")
    }
    assert allowed["staff"] == ["acknowledge", "appeal"]
    assert allowed["hr"] == ["record_ack_refusal", "annotate"]  # finalize waits for service
    assert allowed["manager"] == ["annotate"]
    assert allowed["director"] == ["annotate"]
    assert allowed["admin"] == ["annotate"]
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    assert read.get_case(act(ctx, office, "staff"), case_id).allowed_actions == ["appeal"]


def test_staff_see_the_proposal_only_once_the_decision_is_served(ctx, office):
    case_id = drive(ctx, office, S.APPROVED)
    staff, hr = act(ctx, office, "staff"), act(ctx, office, "hr")
    # HR sees the deliberation; the staff member, whose case it is, does not yet.
    hr_view = read.get_case(hr, case_id)
    assert hr_view.proposals and hr_view.approvals
    mine = read.get_case(staff, case_id)
    assert mine.case.status == "approved"
    assert mine.proposals == [] and mine.approvals == [] and mine.union_notice is None
    assert mine.findings == hr_view.findings and mine.statement == hr_view.statement
    case_notice.serve_notice(hr, case_id, "处理决定通知书")
    served = read.get_case(staff, case_id)
    assert [p.id for p in served.proposals] == [p.id for p in hr_view.proposals]
    assert served.approvals == hr_view.approvals
