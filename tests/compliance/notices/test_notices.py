"""Notices drafted from a real case: what each says, who may edit it, the audit of an edit,
printing with the PDF's SHA-256 kept, serving through the case step, and which notices a case
has (a deduction notice only when pay is taken, a union notice only for a dismissal)."""

import hashlib
import json
import subprocess

import pytest
from sqlmodel import col, select

from compliance.audit.models import AuditEvent
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import repository as case_repo
from compliance.cases.models import Case
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.money import format_fen
from compliance.notices import draft
from compliance.notices import service as notices
from compliance.notices.facts import cn_day, gather
from compliance.notices.models import NoticeDocument
from compliance.staff.repository import wage_on
from tests.conftest import as_role
from tests.pdf.helpers import typical_case


def _approved(ctx, office, outcomes=None, staff=0) -> int:
    """The typical R12 case (restitution ¥200 + wage deduction ¥5,000 + written warning),
    approved; `outcomes` amends it first."""
    cid = typical_case(ctx, office, feedback=2, photos=0, execute=False, staff=staff)
    hr = as_role(ctx, office, "hr")
    if outcomes is not None:
        case_decision.amend(hr, cid, outcomes, "按规章修改")
    if not any(o.get("kind") == "dismissal" for o in outcomes or []):
        approver = as_role(ctx, office, "hr2")  # never the proposer, "hr"
        case_decision.approve(approver, cid, "依员工守则第十二条处理;扣发工资存在法律风险,已知悉")
    return cid


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_the_decision_notice_is_drafted_from_the_case(ctx, office):
    cid = _approved(ctx, office)
    hr = as_role(ctx, office, "hr")
    case, states = notices.states(hr, cid)
    assert [s.kind for s in states] == ["decision", "deduction"]
    text = states[0].text
    # The rule: article, code, title, its text, the case's policy version.
    assert "管理处规章制度第 12 条" in text and "R12「不准收受小费」" in text
    assert f"规则版本 {case.policy_version}" in text
    assert "私自收起小费隐匿不上交者" in text
    # The facts, with their dates (office zone, Chinese format) and places.
    assert "2026年3月" in text and "1栋 101" in text and "住户反映收受小费未上交" in text
    # The outcome and its amounts (¥ with two decimals).
    assert "扣发工资 ¥5,000.00" in text and "退还财物/上交小费 ¥200.00" in text
    assert "书面警告" in text
    # The schedule: within the 20% cap every month, summing to what is owed.
    facts = gather(hr, case)
    wage = wage_on(ctx.session, case.staff_id, ctx.clock.now().date())
    assert facts.months and all(m.amount_fen <= wage * 20 // 100 for m in facts.months)
    assert sum(m.amount_fen for m in facts.months) == 520_000 == facts.deduct_fen
    for m in facts.months:
        assert f"{m.month}:{format_fen(m.amount_fen)}" in text
    # Appeal rights (7 days from service) and the law the domain cites.
    assert "自本通知送达之日起 7 日内" in text
    assert "《劳动合同法》第四条、第三十条、第八十五条" in text
    assert "《工资支付暂行规定》第十五条、第十六条" in text
    # The deduction notice: reason, amounts and the same schedule; the wage rules.
    deduction = states[1].text
    assert "扣款通知书" in deduction and "合计 ¥5,200.00" in deduction
    assert "《工资支付暂行规定》第十五条、第十六条" in deduction


def test_the_appeal_deadline_is_named_once_the_notice_is_served(ctx, office):
    cid = _approved(ctx, office)
    hr = as_role(ctx, office, "hr")
    notices.serve(hr, cid, "decision")
    case_notice.acknowledge(as_role(ctx, office, "staff"), cid)
    case = case_repo.get_visible(ctx.session, hr.actor, cid)
    assert case.appeal_deadline is not None
    text = draft.decision(gather(hr, case))
    assert f"即 {cn_day(case.appeal_deadline)}(含当日)前" in text


def test_an_edit_is_kept_audited_and_reset_goes_back_to_the_draft(ctx, office):
    cid = _approved(ctx, office)
    hr = as_role(ctx, office, "hr")
    drafted = notices.state(hr, cid, "decision").text
    edited = drafted.replace("经调查核实:", "经管理处调查核实(补充说明):")
    notices.save_edit(hr, cid, "decision", edited)
    now = notices.state(hr, cid, "decision")
    assert now.edited and now.text == edited and now.draft == drafted
    assert now.edited_by == office.users["hr"].display_name
    event = ctx.session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "notice.edited")
    ).one()
    payload = json.loads(event.payload)
    assert event.entity == "case" and event.entity_id == str(cid)
    assert event.actor_id == office.users["hr"].id and event.at == ctx.clock.now()
    assert payload["text_sha256"] == hashlib.sha256(edited.encode()).hexdigest()
    assert payload["kind"] == "decision" and payload["edited"] is True

    notices.reset(hr, cid, "decision")
    back = notices.state(hr, cid, "decision")
    assert not back.edited and back.text == drafted
    assert ctx.session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "notice.reset")
    ).one()


def test_an_empty_edit_is_refused_and_only_hr_edits(ctx, office):
    cid = _approved(ctx, office)
    with pytest.raises(ValidationFailed) as err:
        notices.save_edit(as_role(ctx, office, "hr"), cid, "decision", "  \n ")
    assert err.value.errors[0].field == "text"
    for role in ("manager", "director", "staff"):
        with pytest.raises(Forbidden):
            notices.save_edit(as_role(ctx, office, role), cid, "decision", "改")


def test_a_printed_notice_keeps_its_pdf_and_the_hash_of_its_bytes(ctx, office):
    cid = _approved(ctx, office)
    hr = as_role(ctx, office, "hr")
    edited = notices.state(hr, cid, "decision").text.replace("经调查核实", "经核实无误")
    notices.save_edit(hr, cid, "decision", edited)
    row = notices.print_pdf(hr, cid, "decision")
    assert row.pdf is not None and row.pdf.startswith(b"%PDF")
    assert row.sha256 == hashlib.sha256(row.pdf).hexdigest() and row.size_bytes == len(row.pdf)
    printed = "".join(_pdf_text(row.pdf).split())
    assert "经核实无误" in printed and "处理决定通知书" in printed
    # Downloaded again, byte for byte; listed with its hash.
    again = notices.pdf_of(hr, cid, "decision", row.version)
    assert again.pdf == row.pdf
    state = notices.state(hr, cid, "decision")
    assert [v.sha256 for v in state.versions] == [row.sha256]
    assert ctx.session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "notice.printed")
    ).one()


def test_serving_the_decision_notice_takes_the_case_step_with_the_text(ctx, office):
    cid = _approved(ctx, office)
    hr = as_role(ctx, office, "hr")
    text = notices.state(hr, cid, "decision").text
    row = notices.serve(hr, cid, "decision")
    case = ctx.session.get(Case, cid)
    assert case is not None and case.status == "notified"
    served = case_repo.decision_notice(ctx.session, cid)
    assert served is not None and served.content.strip() == text.strip()
    assert row.event == "served" and row.sha256 == hashlib.sha256(row.pdf or b"").hexdigest()
    assert not notices.state(hr, cid, "decision").can_serve
    with pytest.raises(Conflict):
        notices.save_edit(hr, cid, "decision", "改写")
    with pytest.raises(Conflict):
        notices.serve(hr, cid, "decision")
    assert [d.sha256 for d in notices.printed(ctx.session, cid)] == [row.sha256]


def test_no_deduction_notice_without_a_deduction(ctx, office):
    cid = _approved(ctx, office, [{"kind": "written_warning"}])
    _, states = notices.states(as_role(ctx, office, "hr"), cid)
    assert [s.kind for s in states] == ["decision"]
    assert "¥" not in states[0].text and "扣款计划" not in states[0].text
    with pytest.raises(Conflict):
        notices.state(as_role(ctx, office, "hr"), cid, "deduction")


def test_the_union_notice_is_for_a_dismissal_only(ctx, office):
    cid = _approved(ctx, office, [{"kind": "dismissal"}])
    hr = as_role(ctx, office, "hr")
    case, states = notices.states(hr, cid)
    assert case.status == "decision_proposed" and [s.kind for s in states] == ["union"]
    union = states[0]
    assert union.can_serve and "管理处工会" in union.text and "解除劳动合同" in union.text
    assert "《劳动合同法》第四十三条" in union.text and "第三十九条" in union.text
    notices.serve(hr, cid, "union")
    recorded = case_repo.union_notice_of(ctx.session, cid)
    assert recorded is not None and "管理处工会" in recorded.reasons
    # A case that does not end the employment has no union notice.
    other = _approved(ctx, office, [{"kind": "written_warning"}], staff=1)
    assert "union" not in [s.kind for s in notices.states(hr, other)[1]]
    assert (
        ctx.session.exec(select(NoticeDocument).where(col(NoticeDocument.case_id) == other)).all()
        == []
    )
