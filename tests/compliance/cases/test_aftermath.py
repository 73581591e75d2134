"""After approval: notice, acknowledgement, appeal window, appeal decision, execution, closing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.cases import annotations as case_annotations
from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import read
from compliance.cases.models import CaseStatus
from compliance.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from compliance.flows import execute as case_execute
from compliance.flows import open_case as opening
from compliance.flows import propose as case_propose
from compliance.pay.models import Deduction
from compliance.pay.service import seed_example_minimum_wage
from compliance.staff.models import Staff
from tests.compliance.cases.helpers import act, drive, open_case, refuse_before_witness, row
from tests.conftest import NOW

S = CaseStatus
DAY = timedelta(days=1)


def test_signing_for_the_notice_opens_a_seven_day_window(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    case = row(ctx, case_id)
    assert case.notified_at == NOW and case.appeal_deadline is None
    detail = read.get_case(act(ctx, office, "staff"), case_id)
    assert detail.notices[0].kind == "decision" and detail.notices[0].ack_kind is None
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    case = row(ctx, case_id)
    assert case.service_completed_at == NOW and case.appeal_deadline == date(2026, 4, 7)


def test_appeal_on_the_last_day_is_accepted(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED)
    ctx.clock.advance(7 * DAY)  # 2026-04-07 12:00 Shanghai, the deadline day
    assert case_appeal.appeal(act(ctx, office, "staff"), case_id, "处罚过重").status == "appealed"


def test_appeal_on_the_day_after_is_refused(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED)
    ctx.clock.advance(7 * DAY + timedelta(hours=12))  # 2026-04-08 00:00 Shanghai
    with pytest.raises(ValidationFailed) as err:
        case_appeal.appeal(act(ctx, office, "staff"), case_id, "处罚过重")
    assert "2026-04-07" in str(err.value)
    assert row(ctx, case_id).status == "notified"


def test_finalize_waits_for_the_window_to_close(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED)
    ctx.clock.advance(7 * DAY)
    with pytest.raises(ValidationFailed, match="2026-04-07"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    ctx.clock.advance(DAY)
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"
    with pytest.raises(InvalidTransition):
        case_appeal.appeal(act(ctx, office, "staff"), case_id, "迟到的申诉")


def test_only_the_staff_member_appeals_their_own_case(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED)
    with pytest.raises(Forbidden):
        case_appeal.appeal(act(ctx, office, "hr"), case_id, "代为申诉")
    with pytest.raises(ValidationFailed, match="grounds"):
        case_appeal.appeal(act(ctx, office, "staff"), case_id, "")


def test_the_approver_cannot_decide_the_appeal(ctx, office):
    case_id = drive(ctx, office, S.APPEALED, approver="hr2")
    with pytest.raises(Forbidden, match="did not approve"):
        case_appeal.decide_appeal(act(ctx, office, "hr2"), case_id, "upheld", "维持")
    assert "decide_appeal" not in read.get_case(act(ctx, office, "hr2"), case_id).allowed_actions
    out = case_appeal.decide_appeal(act(ctx, office, "director"), case_id, "upheld", "事实清楚")
    assert out.status == "appeal_decided"
    appeal = read.get_case(act(ctx, office, "staff"), case_id).appeal
    assert appeal.outcome == "upheld" and appeal.decided_by == office.users["director"].id


def test_an_overturned_appeal_dismisses_the_case(ctx, office):
    case_id = drive(ctx, office, S.APPEALED)
    with pytest.raises(ValidationFailed, match="outcome"):
        case_appeal.decide_appeal(act(ctx, office, "director"), case_id, "maybe", "x")
    out = case_appeal.decide_appeal(act(ctx, office, "director"), case_id, "overturned", "证据不足")
    assert out.status == "dismissed" and out.closed_at == NOW
    with pytest.raises(InvalidTransition, match="only annotated"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)


def test_a_varied_appeal_can_set_new_outcomes(ctx, office):
    case_id = drive(ctx, office, S.APPEALED)
    case_appeal.decide_appeal(
        act(ctx, office, "director"),
        case_id,
        "varied",
        "改为口头警告",
        outcomes=[{"kind": "verbal_warning"}],
    )
    detail = read.get_case(act(ctx, office, "hr"), case_id)
    assert [p.revision for p in detail.proposals] == [1, 2]
    assert detail.proposals[-1].outcomes[0]["kind"] == "verbal_warning"
    assert detail.case.status == "appeal_decided"


def test_acknowledgement_signed_once(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    with pytest.raises(Conflict, match="signed"):
        refuse_before_witness(ctx, office, case_id)
    with pytest.raises(Conflict, match="signed"):
        case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    notice = read.get_case(act(ctx, office, "hr"), case_id).notices[0]
    assert notice.ack_kind == "signed" and notice.acknowledged_at == NOW


def test_refusal_to_sign_is_recorded_by_hr(ctx, office):
    case_id = drive(ctx, office, S.APPEALED, served=False)
    refuse_before_witness(ctx, office, case_id)
    assert row(ctx, case_id).status == "appealed"
    notice = read.get_case(act(ctx, office, "hr"), case_id).notices[0]
    assert notice.ack_kind == "refused_to_sign"


def _through_to_final(ctx, office, case_id, approvers=("hr2",)):  # "hr" proposed
    for who in approvers:
        case_decision.approve(act(ctx, office, who), case_id, "依规章制度处理")
    case_notice.serve_notice(act(ctx, office, "hr"), case_id, "处理决定通知书")
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    ctx.clock.advance(8 * DAY)
    case_appeal.finalize(act(ctx, office, "hr"), case_id)


def test_executing_money_outcomes_schedules_deductions(ctx, office):
    seed_example_minimum_wage(ctx.session, NOW)
    case_id = drive(ctx, office, S.DECISION_PROPOSED, rule="R12", amount_fen=20_000)
    _through_to_final(ctx, office, case_id)
    out = case_execute.mark_executed(act(ctx, office, "hr"), case_id)
    assert out.status == "executed" and out.effective_at is None
    rows = ctx.session.execute(select(Deduction).where(Deduction.case_id == case_id)).scalars()
    got = sorted((d.kind, d.amount_fen, d.legal_risk) for d in rows)
    assert got == [("disciplinary", 500_000, True), ("restitution", 20_000, False)]
    assert ctx.session.get(Staff, office.staff[0].id).status == "active"


def test_executing_a_dismissal_ends_the_employment(ctx, office):
    seed_example_minimum_wage(ctx.session, NOW)
    case_id = drive(ctx, office, S.UNDER_REVIEW, rule="R13", amount_fen=10_000)
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "索要财物")
    case_decision.record_union_notice(act(ctx, office, "hr"), case_id, "拟辞退")
    case_decision.record_union_reply(act(ctx, office, "hr"), case_id, "无异议")
    _through_to_final(ctx, office, case_id, approvers=("hr2", "director"))
    out = case_execute.mark_executed(act(ctx, office, "hr"), case_id)
    assert out.effective_at == ctx.clock.now()
    assert ctx.session.get(Staff, office.staff[0].id).status == "left"
    staff_user = ctx.session.get(User, office.users["staff"].id)
    ctx.session.refresh(staff_user)
    assert staff_user.active is False
    assert ctx.session.get(User, office.users["staff2"].id).active is True
    kinds = [d.kind for d in ctx.session.execute(select(Deduction)).scalars()]
    assert kinds == ["restitution"]
    # As when an admin disables the account: its sessions and tokens end, and it is audited.
    gone = ctx.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.disabled")
    ).scalars()
    assert [e.entity_id for e in gone] == [str(staff_user.id)]


def test_a_token_of_a_dismissed_employee_stops_working(ctx, office):
    from compliance.accounts import tokens as api_tokens

    seed_example_minimum_wage(ctx.session, NOW)
    token = api_tokens.create_token(act(ctx, office, "staff"), {"name": "phone"}).token
    case_id = drive(ctx, office, S.UNDER_REVIEW, rule="R13", amount_fen=10_000)
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "索要财物")
    case_decision.record_union_notice(act(ctx, office, "hr"), case_id, "拟辞退")
    case_decision.record_union_reply(act(ctx, office, "hr"), case_id, "无异议")
    _through_to_final(ctx, office, case_id, approvers=("hr2", "director"))
    case_execute.mark_executed(act(ctx, office, "hr"), case_id)
    listed = api_tokens.list_tokens(act(ctx, office, "staff"))
    assert [t.revoked_at is not None for t in listed] == [True]
    assert api_tokens.principal_for_token(ctx.session, ctx.clock, token) is None


def test_a_varied_outcome_without_its_amount_is_not_executed(ctx, office):
    case_id = drive(ctx, office, S.APPEALED)
    case_appeal.decide_appeal(
        act(ctx, office, "director"),
        case_id,
        "varied",
        "改为赔偿",
        outcomes=[{"kind": "compensation"}],  # the amount is missing
    )
    ctx.clock.advance(8 * DAY)
    case_appeal.finalize(act(ctx, office, "hr"), case_id)
    with pytest.raises(ValidationFailed, match="incomplete"):
        case_execute.mark_executed(act(ctx, office, "hr"), case_id)
    assert row(ctx, case_id).status == "final"


def test_a_closed_case_cannot_change_but_can_be_annotated(ctx, office):
    case_id = drive(ctx, office, S.CLOSED)
    version = row(ctx, case_id).version
    assert row(ctx, case_id).closed_at is not None
    for role, call in [
        ("hr", lambda c: case_decision.amend(c, case_id, [{"kind": "verbal_warning"}], "改")),
        ("hr", lambda c: case_decision.dismiss(c, case_id, "撤销")),
        ("manager", lambda c: opening.add_evidence(c, case_id, 1)),
        ("staff", lambda c: case_appeal.appeal(c, case_id, "申诉")),
        ("hr", lambda c: case_execute.close(c, case_id)),
    ]:
        with pytest.raises(InvalidTransition, match="only annotated"):
            call(act(ctx, office, role))
    for role in ("manager", "hr", "admin"):
        case_annotations.annotate(act(ctx, office, role), case_id, f"{role} 备注:档案已归档")
    with pytest.raises(ValidationFailed):
        case_annotations.annotate(act(ctx, office, "hr"), case_id, " ")
    detail = read.get_case(act(ctx, office, "hr"), case_id)
    assert len(detail.annotations) == 3 and detail.case.version == version
    assert detail.allowed_actions == ["annotate"]


def test_the_whole_life_cycle_leaves_a_valid_audit_chain(ctx, office):
    seed_example_minimum_wage(ctx.session, NOW)
    drive(ctx, office, S.CLOSED, rule="R01")
    drive(ctx, office, S.DISMISSED, rule="R05")
    drive(ctx, office, S.APPEAL_DECIDED, rule="R06")
    case_id = open_case(ctx, office, rule="R07")
    case_annotations.annotate(act(ctx, office, "admin"), case_id, "备注")
    report = audit.verify(ctx.session)
    assert report.ok, report.reason
    events = ctx.session.execute(
        select(AuditEvent.action).where(AuditEvent.entity == "case")
    ).scalars()
    assert {"case.opened", "case.approve", "case.close", "case.dismiss", "case.annotated"} <= set(
        events
    )
