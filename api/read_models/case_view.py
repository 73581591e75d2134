"""What the HR review queue and the case page show: the case with names, rule text, evidence."""

import re
from datetime import date

from pydantic import BaseModel
from sqlmodel import col, select

from compliance.accounts.models import User
from compliance.cases import repository as repo
from compliance.cases.evidence import FindingEvidence, timeline
from compliance.cases.lifecycle import acts_on
from compliance.cases.models import CaseStatus
from compliance.cases.read import get_case, is_staff_reader
from compliance.cases.schemas import CaseDetail, CaseRead
from compliance.context import Ctx
from compliance.i18n import N_, NP_, gettext, pgettext
from compliance.names import name
from compliance.pay.plans import CasePay, case_money
from compliance.pay.read import StaffSchedule, staff_schedule
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.staff.models import Staff
from policies import registry

S = CaseStatus


class RuleShown(BaseModel):
    """The rule a case is judged by: article, texts, and the office's version in force."""

    code: str
    article: int
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    version: str
    effective_from: date | None
    published_on: date


class CaseRow(CaseRead):
    """A case in the queue, with the staff member."""

    staff_name: str
    employee_no: str
    team: str


class CaseQueue(BaseModel):
    """The queue: the cases matching the filters and how many are in each state."""

    rows: list[CaseRow]
    counts: dict[str, int]
    states: list[str]


class CaseView(BaseModel):
    """The case page: the detail plus everything needed to read it without the database."""

    detail: CaseDetail
    staff_name: str
    employee_no: str
    team: str
    rule: RuleShown
    evidence: list[FindingEvidence]
    names: dict[int, str]
    schedule: StaffSchedule | None
    money: CasePay | None = None


def queue(
    ctx: Ctx,
    *,
    status: str | None = None,
    rule_code: str | None = None,
    staff_id: int | None = None,
) -> CaseQueue:
    """Cases newest first with staff names, filtered; counts per state (staff: their own)."""
    ctx.require(Permission.READ_CASES)
    rows = repo.list_with_staff(
        ctx.session, ctx.actor, status=status, rule_code=rule_code, staff_id=staff_id
    )
    # A staff member's queue (their own cases) leaves out the office's reasons, as the case does.
    hide = {"severity_reason": ""} if is_staff_reader(ctx) else {}
    return CaseQueue(
        rows=[
            CaseRow(
                **{**CaseRead.model_validate(c).model_dump(), **hide},
                staff_name=name,
                employee_no=no,
                team=team,
            )
            for c, name, no, team in rows
        ],
        counts=repo.count_by_status(ctx.session, ctx.actor),
        states=[s.value for s in CaseStatus],
    )


def _rule(ctx: Ctx, code: str, version: str) -> RuleShown:
    policy = registry.get(code)
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)[code]
    eff = next((v for v in versions if v.version == version), None)
    return RuleShown(
        code=code,
        article=policy.article,
        title_zh=policy.title_zh,
        title_en=policy.title_en,
        text_zh=policy.text_zh,
        text_en=policy.text_en,
        version=version,
        effective_from=eff.effective_from if eff else None,
        published_on=eff.published_on(ctx.tz) if eff else policy.published_on,
    )


def case_view(ctx: Ctx, case_id: int) -> CaseView:
    """One case for its page; staff see only their own, pay schedule for HR and the subject."""
    detail = get_case(ctx, case_id)
    case = detail.case
    staff = ctx.session.exec(select(Staff).where(col(Staff.id) == case.staff_id)).one()
    names = {
        uid or 0: name
        for uid, name in ctx.session.exec(
            select(User.id, User.display_name).where(col(User.office_id) == ctx.actor.office_id)
        )
    }
    shown = acts_on(ctx.actor, case.staff_id, Permission.VIEW_PAY_SCHEDULE)
    schedule = staff_schedule(ctx, case.staff_id) if shown else None
    # The case's money in words (what pay can and cannot take), for the same readers.
    money = case_money(ctx, case.id) if schedule is not None else None
    return CaseView(
        detail=detail,
        staff_name=staff.name,
        employee_no=staff.employee_no,
        team=staff.team,
        rule=_rule(ctx, case.rule_code, case.policy_version),
        evidence=timeline(ctx.session, ctx.actor.office_id, detail.findings),
        names=names,
        schedule=schedule,
        money=money,
    )


# --- where the case is: the life-cycle bar, and the one action due now ------------------------

# The stages a case goes through, as the office names them (立案 → … → 结案).
STAGES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("open", NP_("stage", "Opened")),
    ("statement", NP_("stage", "Statement")),
    ("proposal", NP_("stage", "Proposal")),
    ("approval", NP_("stage", "Approval")),
    ("service", NP_("stage", "Service")),
    ("appeal", NP_("stage", "Appeal")),
    ("final", NP_("stage", "In force")),
    ("execution", NP_("stage", "Execution")),
    ("closed", NP_("stage", "Closed")),
)
_STAGE_OF = {
    S.OPEN: 0,
    S.AWAITING_STATEMENT: 1,
    S.UNDER_REVIEW: 2,
    S.DECISION_PROPOSED: 3,
    S.APPROVED: 4,
    S.NOTIFIED: 4,  # 5 once served (see stage_index)
    S.APPEALED: 5,
    S.APPEAL_DECIDED: 5,
    S.FINAL: 6,
    S.EXECUTED: 7,
    S.CLOSED: 8,
}
# The action each state usually waits for, first match wins among those the reader may take.
_DUE_ORDER: tuple[str, ...] = (
    "request_statement",
    "record_silence",
    "submit_statement",
    "propose",
    "record_union_notice",
    "record_union_reply",
    "approve",
    "serve_notice",
    "acknowledge",
    "appeal",
    "decide_appeal",
    "finalize",
    "mark_executed",
    "close",
)
# Deciding on a proposal: yes, no, back for amendment — one card, three forms.
DECISION = ("approve", "reject_proposal", "send_back")
# Steps that cannot be undone: the page says what will happen and asks to confirm.
IRREVERSIBLE: dict[str, str] = {
    "finalize": N_(
        "The decision becomes final: it can no longer be appealed, and the outcome is then "
        "carried out. This cannot be undone."
    ),
    "mark_executed": N_(
        "The outcome is carried out now: deductions are scheduled in payroll, and a dismissal "
        "ends the employment and disables the staff member's accounts. This cannot be undone."
    ),
    "close": N_(
        "The case is closed: nothing in it can be changed any more, only notes added. "
        "This cannot be undone."
    ),
    "dismiss": N_(
        "The case is closed as no breach: the staff member is not disciplined, and the case "
        "cannot be reopened. This cannot be undone."
    ),
    "approve": N_(
        "You approve ending the employment of %(name)s. Once HR and the office director have "
        "both approved, the decision notice can be served and the dismissal carried out."
    ),
}


class Stage(BaseModel):
    """One stage of the bar: done, the current one, stopped there (dismissed), or to come."""

    key: str
    label: str
    state: str  # done | current | stopped | todo | skipped


class Where(BaseModel):
    """Where the case is: the bar, the one action due now and the others the reader may take."""

    stages: list[Stage]
    due: str | None
    decision: list[str]  # the approve / reject / send back forms, when deciding is due
    others: list[str]
    confirm: dict[str, str]  # action -> what will happen (msgid, filled in by the page)
    # The reader made the revision awaiting approval: why they do not decide on it (words).
    own_proposal: str | None = None


def stage_index(status: str, served: bool) -> int:
    """The stage a case in this (not dismissed) state is at."""
    if status == S.NOTIFIED and served:
        return 5
    return _STAGE_OF[S(status)]


def _stopped_at(detail: CaseDetail) -> int:
    """The stage a dismissed case stopped at: where it was when dismissed."""
    last = next((s for s in reversed(detail.steps) if s.to_status == S.DISMISSED), None)
    before = last.from_status if last else S.OPEN.value
    if before == S.DISMISSED:  # pragma: no cover - a step never leaves dismissed
        before = S.OPEN.value
    return stage_index(before, detail.case.service_completed_at is not None)


# What the page tells whoever made the revision awaiting approval (compliance.cases.decision
# refuses their approval with the same rule).
OWN_PROPOSAL = N_(
    "You made revision %(revision)s of this proposal, and whoever proposes an outcome never "
    "approves it: another HR reviewer or the office director approves, rejects or sends it "
    "back. You may still amend it."
)
OWN_DISMISSAL = N_(
    "You made revision %(revision)s of this proposal, and whoever proposes an outcome never "
    "approves it: a dismissal needs two approvals, one as HR and one as the office director, "
    "neither by you. An office with a single HR reviewer asks a second HR reviewer (e.g. the "
    "company's HR) for the HR approval."
)


def _own_proposal(detail: CaseDetail, lang: str, me: int | None) -> str | None:
    """Why the reader does not decide on the revision awaiting approval: they made it."""
    latest = detail.proposals[-1] if detail.proposals else None
    awaiting = detail.case.status == S.DECISION_PROPOSED and detail.returned is None
    if latest is None or me is None or latest.created_by != me or not awaiting:
        return None
    rule = OWN_DISMISSAL if latest.is_dismissal else OWN_PROPOSAL
    return gettext(lang, rule, revision=latest.revision)


def where(detail: CaseDetail, lang: str, staff_name: str, me: int | None = None) -> Where:
    """The case's place in its life cycle and what the reader (user `me`) does next (no
    queries)."""
    status = detail.case.status
    dismissed = status == S.DISMISSED
    at = (
        _stopped_at(detail)
        if dismissed
        else stage_index(status, detail.case.service_completed_at is not None)
    )
    stages: list[Stage] = []
    for i, (key, (context, msgid)) in enumerate(STAGES):
        if i < at or (status == S.CLOSED and i == at):
            state = "done"
        elif i == at:
            state = "stopped" if dismissed else "current"
        else:
            state = "skipped" if dismissed else "todo"
        stages.append(Stage(key=key, label=pgettext(lang, context, msgid), state=state))
    allowed = list(detail.allowed_actions)
    if detail.returned is not None and detail.returned.action == "send_back":
        due: str | None = "amend" if "amend" in allowed else None
    else:
        due = next((a for a in _DUE_ORDER if a in allowed), None)
    decision = [a for a in DECISION if a in allowed] if due == "approve" else []
    shown = {due, *decision}
    others = [a for a in allowed if a not in shown]
    latest = detail.proposals[-1] if detail.proposals else None
    confirm = {a: m for a, m in IRREVERSIBLE.items() if a != "approve"}
    if latest is not None and latest.is_dismissal:
        confirm["approve"] = gettext(lang, IRREVERSIBLE["approve"], name=staff_name)
    return Where(
        stages=stages,
        due=due,
        decision=decision,
        others=others,
        confirm={a: gettext(lang, m) if a != "approve" else m for a, m in confirm.items()},
        own_proposal=_own_proposal(detail, lang, me),
    )


def approves_dismissal(ctx: Ctx, case_id: int) -> bool:
    """Whether approving the case now approves a dismissal (one query; the services check
    who may see and do it)."""
    latest = repo.latest_proposal(ctx.session, case_id)
    return latest is not None and latest.is_dismissal


# A spot-check item as the evidence registry writes its line: "<item key>: <result> (<observed>)
# <note>" (compliance/evidence/spot_check_item.py). The page names the item and the result.
_SPOT_ITEM = re.compile(
    r"(?P<key>[a-z0-9_]+): (?P<result>pass|fail|na)(?P<obs> \([^)]*\))?(?P<note> .*)?", re.S
)


def evidence_detail(kind: str, detail: str, lang: str) -> str:
    """An evidence line in the reader's language (a spot-check item by its checklist label)."""
    m = _SPOT_ITEM.fullmatch(detail) if kind == "spot_check_item" else None
    if m is None:
        return detail
    try:
        _, item = registry.find_item(m["key"])
    except KeyError:
        return detail
    label = item.label_zh if lang == "zh" else item.label_en
    result = name("spot_result", m["result"], lang)
    sep = ":" if lang == "zh" else ": "
    return f"{label}{sep}{result}{m['obs'] or ''}{m['note'] or ''}"
