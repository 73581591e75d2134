"""Issue 11 item 1: the repeat-offence ladder counts only prior breaches a case decided.

From the rulebook's escalation (第一次书面警告, 第二次书面警告并培训, 第三次最后书面警告) and
《劳动合同法》第四条/第三十九条: a "repeat" is a breach the office has already decided and whose
decision stands. A finding merely confirmed, or whose case has not become final, or whose
decision was overturned on appeal or withdrawn, is listed as not counted, with why.
"""

from sqlalchemy import select

from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice, read, statement
from compliance.cases.models import Case, CaseStatus
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import act, confirmed, drive, open_case, row

S = CaseStatus


def _propose(ctx, office, severity="standard", **kw) -> dict:
    case_id = open_case(ctx, office, **kw)
    statement.request_statement(act(ctx, office, "hr"), case_id)
    statement.submit_statement(act(ctx, office, "staff"), case_id, "我的说明")
    case_propose.propose(act(ctx, office, "hr"), case_id, severity, "复核认定")
    detail = read.get_case(act(ctx, office, "hr"), case_id)
    return detail.proposals[-1].reasoning


def _kinds(reasoning: dict) -> list[str]:
    return [o["kind"] for o in reasoning["outcomes"]]


def _day(ctx, case_id: int) -> str:
    return row(ctx, case_id).incident_at.astimezone(ctx.tz).date().isoformat()


def test_two_undecided_priors_give_the_first_step(ctx, office):
    """A confirmed finding never put to a case, and a case served but not yet final: today
    these made a "final written warning"; neither was decided, so this is a first breach."""
    loose = confirmed(ctx, office, days_ago=40)
    served = drive(ctx, office, S.NOTIFIED, days_ago=30)
    reasoning = _propose(ctx, office, days_ago=2)
    assert _kinds(reasoning) == ["written_warning"]
    assert (reasoning["breach_ordinal"], reasoning["ladder_step"]) == (1, 1)
    assert reasoning["counted"] == []
    ignored = {p["finding_id"]: p["standing"] for p in reasoning["ignored"]}
    assert ignored[loose] == "no_case" and len(ignored) == 2
    assert [p["case_number"] for p in reasoning["ignored"] if p["standing"] == "pending"] == [
        row(ctx, served).number
    ]
    zh = "\n".join(reasoning["explanation_zh"])
    assert f"不计入(未立案,仅确认未处理):发现 #{loose}(" in zh
    assert f"不计入(案件尚未作出生效决定):{row(ctx, served).number}({_day(ctx, served)})" in zh
    en = "\n".join(reasoning["explanation_en"])
    assert "Not counted (its case has no final decision yet)" in en


def test_a_fourth_undecided_breach_never_proposes_dismissal(ctx, office):
    confirmed(ctx, office, days_ago=60)
    drive(ctx, office, S.APPROVED, days_ago=50)
    drive(ctx, office, S.APPEALED, days_ago=40)
    reasoning = _propose(ctx, office, "serious", days_ago=2)
    assert "dismissal" not in _kinds(reasoning)
    assert reasoning["breach_ordinal"] == 1 and len(reasoning["ignored"]) == 3


def test_decided_priors_raise_the_step_and_are_listed_with_their_dates(ctx, office):
    final = drive(ctx, office, S.FINAL, days_ago=40)
    closed = drive(ctx, office, S.CLOSED, days_ago=30)
    reasoning = _propose(ctx, office, days_ago=2)
    assert _kinds(reasoning) == ["final_written_warning"] and reasoning["breach_ordinal"] == 3
    numbers = [row(ctx, final).number, row(ctx, closed).number]
    assert [p["case_number"] for p in reasoning["counted"]] == numbers
    assert {p["standing"] for p in reasoning["counted"]} == {"decided"}
    zh = "\n".join(reasoning["explanation_zh"])
    assert "计入此前经生效处理决定认定的违反本条 2 次" in zh
    for case_id in (final, closed):
        assert f"{row(ctx, case_id).number}({_day(ctx, case_id)})" in zh


def test_a_prior_overturned_on_appeal_or_withdrawn_is_not_counted(ctx, office):
    appealed = drive(ctx, office, S.APPEALED, days_ago=50)
    case_appeal.decide_appeal(act(ctx, office, "director"), appealed, "overturned", "证据不足")
    assert row(ctx, appealed).status == S.DISMISSED
    withdrawn = drive(ctx, office, S.DISMISSED, days_ago=45)
    upheld = drive(ctx, office, S.EXECUTED, days_ago=40)
    reasoning = _propose(ctx, office, days_ago=2)
    assert _kinds(reasoning) == ["written_warning", "retraining"]
    assert [p["case_number"] for p in reasoning["counted"]] == [row(ctx, upheld).number]
    standing = {p["case_number"]: p["standing"] for p in reasoning["ignored"]}
    assert standing == {
        row(ctx, appealed).number: "overturned",
        row(ctx, withdrawn).number: "withdrawn",
    }
    zh = "\n".join(reasoning["explanation_zh"])
    assert f"不计入(申诉后撤销):{row(ctx, appealed).number}(" in zh
    assert f"不计入(案件已撤销,不构成违规):{row(ctx, withdrawn).number}(" in zh


def test_a_varied_appeal_still_counts_once_final(ctx, office):
    varied = drive(ctx, office, S.APPEALED, days_ago=40)
    case_appeal.decide_appeal(act(ctx, office, "director"), varied, "varied", "改为书面警告")
    case_appeal.finalize(act(ctx, office, "hr"), varied)
    reasoning = _propose(ctx, office, days_ago=2)
    assert [p["case_number"] for p in reasoning["counted"]] == [row(ctx, varied).number]
    assert reasoning["breach_ordinal"] == 2


def _r12_case(ctx, office, state: CaseStatus, days_ago: float) -> int:
    """An R12 concealment case taken to `state` (its proposal needs a justification)."""
    case_id = open_case(ctx, office, rule="R12", amount_fen=20_000, days_ago=days_ago)
    statement.request_statement(act(ctx, office, "hr"), case_id)
    statement.submit_statement(act(ctx, office, "staff"), case_id, "我忘了上交")
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "初次")
    case_decision.approve(act(ctx, office, "hr2"), case_id, "规章制度明确规定,员工已签收")
    if state == S.APPROVED:
        return case_id
    notice.serve_notice(act(ctx, office, "hr"), case_id, "处理决定通知书")
    notice.acknowledge(act(ctx, office, "staff"), case_id)
    case_appeal.appeal(act(ctx, office, "staff"), case_id, "处理过重")
    case_appeal.decide_appeal(act(ctx, office, "director"), case_id, "upheld", "维持")
    case_appeal.finalize(act(ctx, office, "hr"), case_id)
    assert row(ctx, case_id).status == state
    return case_id


def test_an_undecided_concealment_does_not_make_a_repeat(ctx, office):
    confirmed(ctx, office, rule="R12", amount_fen=10_000, days_ago=60)
    _r12_case(ctx, office, S.APPROVED, days_ago=40)
    reasoning = _propose(ctx, office, rule="R12", amount_fen=20_000, days_ago=2)
    assert reasoning["facts"]["prior_concealments"] == 0
    assert reasoning["suggested_severity"] is None


def test_a_decided_concealment_makes_a_repeat(ctx, office):
    _r12_case(ctx, office, S.FINAL, days_ago=40)
    reasoning = _propose(ctx, office, rule="R12", amount_fen=20_000, days_ago=2)
    assert reasoning["facts"]["prior_concealments"] == 1
    assert reasoning["suggested_severity"] == "serious"
    assert "经生效处理决定认定" in reasoning["suggestion_zh"]


def _r10_cases(ctx) -> list[Case]:
    return list(ctx.session.execute(select(Case).where(Case.rule_code == "R10")).scalars())


def test_incompetence_counts_only_steps_carried_out(ctx, office):
    """R10 (劳动合同法第四十条): training or reassignment counts once its case was executed;
    a decision merely approved, or final but not yet carried out, is no step taken."""
    drive(ctx, office, S.APPROVED, rule="R10", days_ago=60)
    drive(ctx, office, S.FINAL, rule="R10", days_ago=50)
    reasoning = _propose(ctx, office, rule="R10", days_ago=2)
    assert reasoning["facts"]["prior_incompetence_steps"] == 0
    assert _kinds(reasoning) == ["retraining"]
    [proposed] = [c for c in _r10_cases(ctx) if c.status == S.DECISION_PROPOSED]
    case_decision.dismiss(act(ctx, office, "hr"), proposed.id, "另案处理")
    drive(ctx, office, S.EXECUTED, rule="R10", days_ago=40)
    reasoning = _propose(ctx, office, rule="R10", days_ago=1)
    assert reasoning["facts"]["prior_incompetence_steps"] == 1
    assert _kinds(reasoning) == ["reassignment"]
