"""Building cases for the tests: evidence, findings, and driving a case to any state."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import statement
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, CaseStatus, CaseStep
from compliance.context import Ctx
from compliance.feedback.service import record_feedback
from compliance.findings.service import confirm, raise_manual
from compliance.flows import execute as case_execute
from compliance.flows import open_case as opening
from compliance.flows import propose as case_propose
from tests.conftest import NOW, as_role
from tests.factories import OfficeSet

S = CaseStatus

# Feedback category and rule for each rule the tests use.
CATEGORY = {
    "R01": "attitude",
    "R05": "facility_use",
    "R06": "outsiders",
    "R07": "privacy",
    "R12": "tip_reported",
    "R13": "solicitation",
}


def finding(
    ctx: Ctx,
    office: OfficeSet,
    *,
    rule: str = "R05",
    staff: int = 0,
    days_ago: float = 2,
    recorder: str = "manager",
    raiser: str = "manager",
    amount_fen: int | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> int:
    """Record resident feedback (by `recorder`) and raise a manual finding on it (by `raiser`)."""
    at = ctx.clock.now() - timedelta(days=days_ago)
    refs = evidence
    if refs is None:
        fb = record_feedback(
            as_role(ctx, office, recorder),
            {
                "staff_id": office.staff[staff].id,
                "unit_id": office.units[0].id,
                "channel": "visit",
                "category": CATEGORY.get(rule, "other"),
                "text": "住户反映",
                "amount_fen": amount_fen,
                "occurred_at": at,
            },
        )
        refs = [{"kind": "feedback", "id": fb.id}]
    f = raise_manual(
        as_role(ctx, office, raiser),
        {
            "rule_code": rule,
            "staff_id": office.staff[staff].id,
            "occurred_at": at,
            "note": f"{rule} 人工发现",
            "evidence": refs,
        },
    )
    return f.id


def confirmed(ctx: Ctx, office: OfficeSet, **kw: Any) -> int:
    """A finding confirmed by the manager but not yet in a case."""
    fid = finding(ctx, office, **kw)
    confirm(as_role(ctx, office, "manager"), fid, {"reason": "属实"})
    return fid


def open_case(ctx: Ctx, office: OfficeSet, **kw: Any) -> int:
    """A new case opened by the manager confirming a fresh finding; returns the case id."""
    fid = finding(ctx, office, **kw)
    return opening.confirm_into_case(as_role(ctx, office, "manager"), fid, "属实").id


def act(ctx: Ctx, office: OfficeSet, role: str) -> Ctx:
    """Shorthand for as_role."""
    return as_role(ctx, office, role)


# The office's HR reviewers: "hr" proposes, "hr2" may approve what "hr" proposed.
HR_REVIEWERS = ("hr", "hr2")

# The road from open to closed: (state reached, role, step).
Step = Callable[[Ctx, int], object]
ROAD: list[tuple[CaseStatus, str, Step]] = [
    (S.AWAITING_STATEMENT, "hr", lambda c, i: statement.request_statement(c, i)),
    (S.UNDER_REVIEW, "staff", lambda c, i: statement.submit_statement(c, i, "我没有看电视")),
    (S.DECISION_PROPOSED, "hr", lambda c, i: case_propose.propose(c, i, "standard", "初次违反")),
    (S.APPROVED, "APPROVER", lambda c, i: case_decision.approve(c, i, "")),
    (S.NOTIFIED, "hr", lambda c, i: case_notice.serve_notice(c, i, "处理决定通知书")),
    # Served: the staff member signs for the notice (the appeal window opens).
    (S.NOTIFIED, "staff", lambda c, i: case_notice.acknowledge(c, i)),
    (S.APPEALED, "staff", lambda c, i: case_appeal.appeal(c, i, "处理过重")),
    (S.APPEAL_DECIDED, "DECIDER", lambda c, i: case_appeal.decide_appeal(c, i, "upheld", "维持")),
    (S.FINAL, "hr", lambda c, i: case_appeal.finalize(c, i)),
    (S.EXECUTED, "hr", lambda c, i: case_execute.mark_executed(c, i)),
    (S.CLOSED, "hr", lambda c, i: case_execute.close(c, i)),
]


def drive(
    ctx: Ctx,
    office: OfficeSet,
    state: CaseStatus,
    *,
    approver: str = "hr2",
    served: bool = True,
    **kw: Any,
) -> int:
    """A fresh case (staff[0], R05 unless told) taken along the usual road to `state`.

    HR ("hr") proposes; another HR reviewer ("hr2") approves unless told (the proposer never
    approves their own proposal); the director decides an appeal, or HR if the director
    approved. The decision notice is signed for (served) right after it is handed over,
    unless `served=False` (then the case cannot go past `appeal_decided`).
    """
    case_id = open_case(ctx, office, **kw)
    if state == S.DISMISSED:
        case_decision.dismiss(act(ctx, office, "hr"), case_id, "证据不足")
        return case_id
    decider = "director" if approver in HR_REVIEWERS else "hr"
    for reached, role, take in ROAD:
        if state == S.OPEN:
            break
        who = {"APPROVER": approver, "DECIDER": decider}.get(role, role)
        if reached == S.NOTIFIED and role == "staff" and not served:
            if state == S.NOTIFIED:
                break
            continue
        take(act(ctx, office, who), case_id)
        if reached == state and not (state == S.NOTIFIED and role == "hr" and served):
            break
    return case_id


WITNESS = "保安 李见证"


def refuse_before_witness(ctx: Ctx, office: OfficeSet, case_id: int, **kw: Any) -> object:
    """HR records that the staff member refused to sign, before a witness (留置送达)."""
    kw.setdefault("place", "管理处办公室")
    return case_notice.record_ack_refusal(act(ctx, office, "hr"), case_id, [WITNESS], **kw)


def row(ctx: Ctx, case_id: int) -> Case:
    """The case as stored now."""
    found = ctx.session.execute(select(Case).where(Case.id == case_id)).scalar_one()
    ctx.session.refresh(found)
    return found


def step_count(ctx: Ctx, case_id: int, action: Action | str | None = None) -> int:
    """How many steps the case has (of one action, if given)."""
    stmt = select(func.count()).select_from(CaseStep).where(CaseStep.case_id == case_id)
    if action is not None:
        stmt = stmt.where(CaseStep.action == str(action))
    return int(ctx.session.execute(stmt).scalar_one())


__all__ = ["NOW"]
