"""The life-cycle table: every (state, action) pair, legal and illegal, on a real database."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from compliance.actors import Actor, Role
from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import lifecycle, notice, review
from compliance.cases import statement as case_statement
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, CaseStatus
from compliance.errors import InvalidTransition
from compliance.flows import execute, open_case
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import WITNESS, act, confirmed, drive, row, step_count

S = CaseStatus
A = Action
PRE = (S.OPEN, S.AWAITING_STATEMENT, S.UNDER_REVIEW, S.DECISION_PROPOSED)

# Written out by hand from SPEC §4, independently of lifecycle.TRANSITIONS.
EXPECTED: dict[tuple[CaseStatus, Action], CaseStatus] = {
    **{(s, A.ADD_EVIDENCE): s for s in PRE},
    (S.APPROVED, A.ADD_EVIDENCE): S.DECISION_PROPOSED,
    **{(s, A.DISMISS): S.DISMISSED for s in PRE},
    (S.OPEN, A.REQUEST_STATEMENT): S.AWAITING_STATEMENT,
    (S.AWAITING_STATEMENT, A.SUBMIT_STATEMENT): S.UNDER_REVIEW,
    (S.AWAITING_STATEMENT, A.RECORD_REFUSAL): S.UNDER_REVIEW,
    (S.AWAITING_STATEMENT, A.RECORD_SILENCE): S.UNDER_REVIEW,
    (S.UNDER_REVIEW, A.PROPOSE): S.DECISION_PROPOSED,
    (S.DECISION_PROPOSED, A.AMEND): S.DECISION_PROPOSED,
    (S.APPROVED, A.AMEND): S.DECISION_PROPOSED,
    (S.DECISION_PROPOSED, A.RECORD_UNION_NOTICE): S.DECISION_PROPOSED,
    (S.DECISION_PROPOSED, A.RECORD_UNION_REPLY): S.DECISION_PROPOSED,
    (S.DECISION_PROPOSED, A.APPROVE): S.APPROVED,
    # The approver's "no": rejected back to review (a new proposal), or sent back to amend.
    (S.DECISION_PROPOSED, A.REJECT_PROPOSAL): S.UNDER_REVIEW,
    (S.DECISION_PROPOSED, A.SEND_BACK): S.DECISION_PROPOSED,
    (S.APPROVED, A.SERVE_NOTICE): S.NOTIFIED,
    # Service (signing, or a refusal before a witness) is possible until the decision is
    # final; a decision cannot become final without it.
    **{(s, A.ACKNOWLEDGE): s for s in (S.NOTIFIED, S.APPEALED, S.APPEAL_DECIDED)},
    **{(s, A.RECORD_ACK_REFUSAL): s for s in (S.NOTIFIED, S.APPEALED, S.APPEAL_DECIDED)},
    (S.NOTIFIED, A.APPEAL): S.APPEALED,
    (S.APPEALED, A.DECIDE_APPEAL): S.APPEAL_DECIDED,
    (S.NOTIFIED, A.FINALIZE): S.FINAL,
    (S.APPEAL_DECIDED, A.FINALIZE): S.FINAL,
    (S.FINAL, A.MARK_EXECUTED): S.EXECUTED,
    (S.EXECUTED, A.CLOSE): S.CLOSED,
}
ACTIONS = [a for a in Action if a is not A.ANNOTATE]


def test_the_table_is_exactly_the_spec():
    got = {k: v[0] for k, v in lifecycle.TRANSITIONS.items()}
    assert got == EXPECTED
    # The only branches: a first dismissal approval stays put; an overturned appeal dismisses.
    branches = {k: v for k, v in lifecycle.TRANSITIONS.items() if len(v) > 1}
    assert branches == {
        (S.DECISION_PROPOSED, A.APPROVE): (S.APPROVED, S.DECISION_PROPOSED),
        (S.APPEALED, A.DECIDE_APPEAL): (S.APPEAL_DECIDED, S.DISMISSED),
    }


def _prepare(ctx, office, case_id: int, action: Action, legal: bool) -> Callable[[], object]:
    """Set up what a legal step needs, then return the call that takes the step."""
    c = lambda role: act(ctx, office, role)  # noqa: E731
    if action is A.ADD_EVIDENCE:
        fid = confirmed(ctx, office, rule="R06")
        return lambda: open_case.add_evidence(c("manager"), case_id, fid)
    if action in (A.RECORD_SILENCE, A.FINALIZE):
        ctx.clock.advance(timedelta(days=10))  # past the statement deadline / appeal window
    if action in (A.RECORD_UNION_NOTICE, A.RECORD_UNION_REPLY) and legal:
        case_decision.amend(c("hr"), case_id, [{"kind": "dismissal"}], "情节严重")
        if action is A.RECORD_UNION_REPLY:
            case_decision.record_union_notice(c("hr"), case_id, "拟辞退理由")
    calls: dict[Action, Callable[[], object]] = {
        A.REQUEST_STATEMENT: lambda: case_statement.request_statement(c("hr"), case_id),
        A.SUBMIT_STATEMENT: lambda: case_statement.submit_statement(
            c("staff"), case_id, "我的说明"
        ),
        A.RECORD_REFUSAL: lambda: case_statement.record_refusal(c("hr"), case_id, "拒绝申辩"),
        A.RECORD_SILENCE: lambda: case_statement.record_silence(c("hr"), case_id),
        A.PROPOSE: lambda: case_propose.propose(c("hr"), case_id, "standard", "初次违反"),
        A.AMEND: lambda: case_decision.amend(
            c("hr"), case_id, [{"kind": "verbal_warning"}], "从轻"
        ),
        A.RECORD_UNION_NOTICE: lambda: case_decision.record_union_notice(c("hr"), case_id, "理由"),
        A.RECORD_UNION_REPLY: lambda: case_decision.record_union_reply(c("hr"), case_id, "无异议"),
        A.APPROVE: lambda: case_decision.approve(c("hr2"), case_id, ""),  # not the proposer
        A.REJECT_PROPOSAL: lambda: review.reject_proposal(c("director"), case_id, "证据不足"),
        A.SEND_BACK: lambda: review.send_back(c("director"), case_id, "金额有误"),
        A.DISMISS: lambda: case_decision.dismiss(c("hr"), case_id, "不构成违规"),
        A.SERVE_NOTICE: lambda: notice.serve_notice(c("hr"), case_id, "处理决定通知书"),
        A.ACKNOWLEDGE: lambda: notice.acknowledge(c("staff"), case_id),
        A.RECORD_ACK_REFUSAL: lambda: notice.record_ack_refusal(c("hr"), case_id, [WITNESS]),
        A.APPEAL: lambda: case_appeal.appeal(c("staff"), case_id, "不服"),
        A.DECIDE_APPEAL: lambda: case_appeal.decide_appeal(
            c("director"), case_id, "upheld", "维持"
        ),
        A.FINALIZE: lambda: case_appeal.finalize(c("hr"), case_id),
        A.MARK_EXECUTED: lambda: execute.mark_executed(c("hr"), case_id),
        A.CLOSE: lambda: execute.close(c("hr"), case_id),
    }
    return calls[action]


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED), ids=lambda v: str(v))
def test_every_legal_step(ctx, office, state, action):
    serving = action in (A.ACKNOWLEDGE, A.RECORD_ACK_REFUSAL)
    case_id = drive(ctx, office, state, served=not serving)
    take = _prepare(ctx, office, case_id, action, legal=True)
    before = row(ctx, case_id)
    version, steps = before.version, step_count(ctx, case_id)
    out = take()
    after = row(ctx, case_id)
    assert after.status == EXPECTED[(state, action)]
    assert getattr(out, "status", None) == after.status
    assert after.version == version + 1
    assert step_count(ctx, case_id) == steps + 1
    assert step_count(ctx, case_id, action) >= 1


@pytest.mark.parametrize("state", list(CaseStatus), ids=str)
def test_every_illegal_step_changes_nothing(ctx, office, state):
    # Illegal steps change nothing, so one case per state serves every illegal action.
    case_id = drive(ctx, office, state)
    illegal = [a for a in ACTIONS if (state, a) not in EXPECTED]
    assert illegal, "every state forbids something"
    for action in illegal:
        take = _prepare(ctx, office, case_id, action, legal=False)
        before = row(ctx, case_id)
        version, steps = before.version, step_count(ctx, case_id)
        with pytest.raises(InvalidTransition) as err:
            take()
        assert state.value in str(err.value), action
        after = row(ctx, case_id)
        assert (after.status, after.version) == (state, version), action
        assert step_count(ctx, case_id) == steps, action


def test_an_illegal_step_names_the_state_and_what_is_allowed(ctx, office):
    case_id = drive(ctx, office, S.OPEN)
    with pytest.raises(InvalidTransition) as err:
        case_decision.approve(act(ctx, office, "hr"), case_id, "")
    msg = str(err.value)
    assert "is open" in msg and "approve" in msg
    assert "request_statement" in msg and "dismiss" in msg and "add_evidence" in msg


def test_a_closed_case_says_it_can_only_be_annotated(ctx, office):
    case_id = drive(ctx, office, S.CLOSED)
    with pytest.raises(InvalidTransition, match="only annotated"):
        case_decision.amend(act(ctx, office, "hr"), case_id, [{"kind": "verbal_warning"}], "x")


def _case(status: CaseStatus, **kw: object) -> Case:
    return Case(
        id=1,
        office_id=1,
        number="BSW-2026-0001",
        staff_id=7,
        rule_code="R05",
        policy_version="1.0",
        params_digest="x",
        incident_at=date(2026, 1, 1),  # type: ignore[arg-type]
        status=status.value,
        opened_at=date(2026, 1, 1),  # type: ignore[arg-type]
        **kw,
    )


def _actor(role: Role, staff_id: int | None = None, director: bool = False) -> Actor:
    return Actor(1, "u", role, 1, staff_id=staff_id, is_director=director)


def test_allowed_actions_depend_on_state_role_and_dates():
    hr, director = _actor(Role.HR), _actor(Role.MANAGER, director=True)
    subject, other = _actor(Role.STAFF, staff_id=7), _actor(Role.STAFF, staff_id=8)
    proposed = _case(S.DECISION_PROPOSED)
    assert lifecycle.allowed_actions(proposed, hr) == [
        "add_evidence",
        "amend",
        "record_union_notice",
        "record_union_reply",
        "approve",
        "reject_proposal",
        "send_back",
        "dismiss",
        "annotate",
    ]
    assert lifecycle.allowed_actions(proposed, director) == [
        "add_evidence",
        "approve",
        "reject_proposal",
        "send_back",
        "annotate",
    ]
    assert lifecycle.allowed_actions(proposed, subject) == []
    assert lifecycle.allowed_actions(proposed, hr, blocked={A.APPROVE}).count("approve") == 0
    handed_over = _case(S.NOTIFIED)
    assert "finalize" not in lifecycle.allowed_actions(handed_over, hr, today=date(2026, 5, 1))
    assert "not been served" in (
        lifecycle.time_block(handed_over, A.FINALIZE, date(2026, 5, 1)) or ""
    )
    served = datetime(2026, 3, 31, 4, tzinfo=UTC)
    notified = _case(S.NOTIFIED, appeal_deadline=date(2026, 4, 7), service_completed_at=served)
    assert lifecycle.allowed_actions(notified, subject, today=date(2026, 4, 7)) == [
        "acknowledge",
        "appeal",
    ]
    assert lifecycle.allowed_actions(notified, subject, today=date(2026, 4, 8)) == ["acknowledge"]
    assert lifecycle.allowed_actions(notified, other) == []
    assert "finalize" not in lifecycle.allowed_actions(notified, hr, today=date(2026, 4, 7))
    assert "finalize" in lifecycle.allowed_actions(notified, hr, today=date(2026, 4, 8))
    closed = _case(S.CLOSED)
    assert lifecycle.allowed_actions(closed, hr) == ["annotate"]


def test_nobody_handles_their_own_case_in_an_official_capacity():
    hr_on_own = _actor(Role.HR, staff_id=7)
    assert lifecycle.allowed_actions(_case(S.DECISION_PROPOSED), hr_on_own) == []
