"""Demo cases: findings taken through the real use cases into every life-cycle state.

Each case is driven with the clock set back to shortly after its incident and moved on a
day or so per step, so the demo reads like an office that has been working for months:
statements given, proposals approved, notices served, appeal windows passed.

HR proposes every outcome and never approves it (separation of duties): the office director
approves, and a dismissal's HR approval comes from a second HR reviewer, the company's HR
(SECOND_HR, added here); appeals are decided by HR, who did not approve.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session, col, select

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.calendar import service as calendar
from compliance.calendar.service import CalendarNotCovered
from compliance.cases import appeal as case_appeal
from compliance.cases import decision, sod, statement
from compliance.cases import notice as case_notice
from compliance.cases import repository as case_repo
from compliance.cases.models import Case, CaseStatus
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.damages import service as damages
from compliance.damages.models import DamageIncident
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding, FindingStatus
from compliance.flows import execute, open_case
from compliance.flows import propose as case_propose
from compliance.pay import service as pay
from compliance.residents.models import Unit
from compliance.staff.models import Staff
from compliance.staff.repository import wage_on

S = CaseStatus
Step = Callable[[Ctx, int], object]
Who = Callable[[str], Ctx]

# The usual road: (status reached, who acts, the step). "STAFF" is the staff member's own
# user where they have one, else HR recording on paper; "APPROVER" is never HR, who proposed.
ROAD: list[tuple[CaseStatus, str, Step]] = [
    (S.AWAITING_STATEMENT, "hr", lambda c, i: statement.request_statement(c, i)),
    (
        S.UNDER_REVIEW,
        "STAFF",
        lambda c, i: statement.submit_statement(c, i, "当时情况特殊,我已认识到问题,今后一定注意。"),
    ),
    (
        S.DECISION_PROPOSED,
        "hr",
        lambda c, i: case_propose.propose(c, i, "standard", "事实清楚,初次违反"),
    ),
    # Never the proposer: the director (or, if they recorded its evidence, the company's HR)
    # approves what HR proposed.
    (S.APPROVED, "APPROVER", lambda c, i: decision.approve(c, i, "经核实,证据充分,同意处理意见")),
    (
        S.NOTIFIED,
        "hr",
        lambda c, i: case_notice.serve_notice(
            c, i, "处理决定通知书:经调查核实,现作出如下处理,如有异议请于七日内提出申诉。"
        ),
    ),
    # Served (送达): the staff member signs for the notice, or refuses before a witness.
    (S.NOTIFIED, "SERVE", lambda c, i: case_notice.acknowledge(c, i)),
    (S.FINAL, "hr", lambda c, i: case_appeal.finalize(c, i)),
    (S.EXECUTED, "hr", lambda c, i: execute.mark_executed(c, i)),
    (S.CLOSED, "hr", lambda c, i: execute.close(c, i)),
]


@dataclass
class Plan:
    """One demo case: which rule, how far, and anything special on the way."""

    rules: tuple[str, ...]  # the first rule with a suitable finding is used
    target: CaseStatus
    needs_staff_user: bool = False
    avoid_staff_user: bool = False


PLANS = [
    Plan(("R10",), S.OPEN),
    Plan(("R09",), S.AWAITING_STATEMENT),
    Plan(("R04",), S.UNDER_REVIEW),
    Plan(("R08",), S.DECISION_PROPOSED),
    Plan(("R12",), S.APPROVED),  # the concealed tip: legal-risk deduction, justified approval
    Plan(("R02",), S.NOTIFIED),
    # Appeals are the staff member's own act, so these need a staff member with a user.
    Plan(("R06", "R07", "R05", "R01", "R08", "R09", "R02", "R04"), S.APPEALED, True),
    Plan(("R07", "R06", "R05", "R01", "R08", "R09", "R02", "R04"), S.APPEAL_DECIDED, True),
    Plan(("R05",), S.FINAL),
    Plan(("R11",), S.EXECUTED),  # compensation scheduled over three months at the 20% cap
    Plan(("R01",), S.CLOSED),
    Plan(("R03",), S.DISMISSED),
    Plan(("R13",), S.EXECUTED, avoid_staff_user=True),  # dismissal with the union notice
]
# The company's HR reviewer, who gives a dismissal's HR approval: the office's own HR proposed it.
SECOND_HR = "hr-company"
SECOND_HR_NAME = "公司人事 林慧"

# Days a case needs before its incident to reach each state without passing "now".
# Findings are detected up to a week after the incident, so a week more is allowed.
DAYS_NEEDED = {S.FINAL: 24, S.EXECUTED: 26, S.CLOSED: 28}


def build_cases(session: Session, who: Who, clock: FixedClock, now: datetime) -> dict[str, int]:
    """Record the R11 demo damage, detect, then drive one case per plan; counts by state."""
    pay.seed_example_minimum_wage(session, now - timedelta(days=1000))
    # The office calendar (holidays, 调休) for the years the demo spans, from chinesecalendar.
    calendar.seed(session, who("hr").actor.office_id, [now.year - 1, now.year])
    _second_hr(session, who, now)
    _cap_damage(who, clock, now)
    _weekly_detection(who, clock, now)
    staff_users = {
        u.staff_id: u.username
        for u in session.exec(select(User).where(col(User.staff_id).is_not(None))).all()
    }
    used: set[tuple[int, str]] = set()
    counts: dict[str, int] = {}
    for plan in PLANS:
        picked = _pick(session, plan, staff_users, used, now)
        if picked is None:
            continue
        finding, rule = picked
        used.add((finding.staff_id, rule))
        clock.current = max(finding.occurred_at, finding.created_at) + timedelta(hours=20)
        _drive(who, clock, plan, rule, finding, staff_users.get(finding.staff_id))
        counts[plan.target.value] = counts.get(plan.target.value, 0) + 1
    clock.current = now
    return counts


def _weekly_detection(who: Who, clock: FixedClock, now: datetime) -> None:
    """The manager runs detection every Monday over the two weeks before, as an office would.

    The runs overlap by a week because some breaches only show once a grace period has
    passed (a tip not handed over within 48 hours, a sign-back missing after the shift).
    """
    tz = who("manager").tz
    today = now.astimezone(tz).date()
    first = day = today - timedelta(days=91)
    while day < today:
        end = min(day + timedelta(days=6), today - timedelta(days=1))
        clock.current = min(datetime.combine(end + timedelta(days=1), time(9), tz), now)
        run_detection(who("manager"), max(first, day - timedelta(days=7)), end)
        day = end + timedelta(days=1)


def _cap_damage(who: Who, clock: FixedClock, now: datetime) -> None:
    """A broken item worth two and a half months' deduction cap for a maintenance worker."""
    session = who("manager").session
    staff = session.exec(
        select(Staff).where(col(Staff.team) == "维修").order_by(col(Staff.employee_no))
    ).first()
    unit = session.exec(select(Unit).order_by(col(Unit.id)).offset(42)).first()
    if staff is None or unit is None or staff.id is None or unit.id is None:
        return
    at = now - timedelta(days=40)
    wage = wage_on(session, staff.id, at.date()) or 0
    cap = min(wage * 20 // 100, wage - pay.EXAMPLE_MINIMUM_WAGE.monthly_fen)
    clock.current = at + timedelta(hours=3)
    manager = who("manager")
    incident = damages.record_damage(
        manager,
        {
            "staff_id": staff.id,
            "unit_id": unit.id,
            "item": "客厅进口水晶吊灯",
            "description": "更换灯泡时梯子碰倒吊灯,灯罩及两处灯臂碎裂,住户当场拍照。",
            "occurred_at": at,
        },
    )
    clock.current = at + timedelta(days=1)
    damages.set_valuation(
        manager,
        incident.id,
        {
            "assessed_value_fen": max(cap * 5 // 2, 100),
            "basis": "receipt",
            "note": "住户提供购买发票,按发票价格照价赔偿",
        },
    )
    damages.record_sign_off(manager, incident.id, {"signed_off_at": at + timedelta(days=1)})


def _pick(
    session: Session,
    plan: Plan,
    staff_users: dict[int | None, str],
    used: set[tuple[int, str]],
    now: datetime,
) -> tuple[Finding, str] | None:
    latest = now - timedelta(days=DAYS_NEEDED.get(plan.target, 20))
    for rule in plan.rules:
        rows = session.exec(
            select(Finding)
            .where(
                col(Finding.rule_code) == rule,
                col(Finding.status) == FindingStatus.OPEN.value,
                col(Finding.occurred_at) <= latest,
            )
            .order_by(col(Finding.occurred_at).desc(), col(Finding.id))
        ).all()
        for f in rows:
            has_user = f.staff_id in staff_users
            if (f.staff_id, rule) in used:
                continue
            if (plan.needs_staff_user and not has_user) or (plan.avoid_staff_user and has_user):
                continue
            if rule == "R11" and not _still_owed(session, f):
                continue  # settled with the resident already: nothing for pay to recover
            return f, rule
    return None


def _still_owed(session: Session, finding: Finding) -> bool:
    """Whether the damage an R11 finding cites still has compensation owed."""
    ids = [e["id"] for e in json.loads(finding.evidence) if e.get("kind") == "damage"]
    damage = session.get(DamageIncident, ids[0]) if ids else None
    if damage is None or damage.assessed_value_fen is None:
        return False
    return damage.assessed_value_fen > damage.settled_fen


def _drive(
    who: Who, clock: FixedClock, plan: Plan, rule: str, f: Finding, staff_user: str | None
) -> None:
    case_id = open_case.confirm_into_case(who("manager"), f.id or 0, "经核实情况属实").id
    if plan.target == S.OPEN:
        return
    if plan.target == S.DISMISSED:
        clock.advance(timedelta(days=1))
        decision.dismiss(who("hr"), case_id, "复核监控录像,检查员记录有误,不构成违规")
        return
    special = {"R12": _r12, "R13": _dismissal}
    for reached, role, take in ROAD:
        clock.advance(timedelta(days=1, hours=2))
        if reached == S.FINAL and plan.target in (S.APPEALED, S.APPEAL_DECIDED):
            _appeal(who, clock, plan, case_id, staff_user)
            return
        if reached == S.FINAL:
            _past_the_window(who, clock, case_id)  # the appeal window passes unused
        try:
            if reached == S.APPROVED and rule in special:
                special[rule](who, clock, case_id)
            elif role == "SERVE" and staff_user is None:
                case_notice.record_ack_refusal(
                    who("hr"),
                    case_id,
                    ["保安队长 周建国"],
                    place="管理处办公室",
                    note="当面宣读处理决定通知书,员工拒绝签收,通知书留置于其工位",
                )
            else:
                own = role in ("STAFF", "SERVE")  # the staff member's own act
                if own:
                    actor = who(staff_user or "hr")
                else:
                    actor = _approver(who, case_id) if role == "APPROVER" else who(role)
                take(actor, case_id)
        except CalendarNotCovered:
            return  # a deadline in a year whose holidays are not entered: the case waits
        if reached == S.EXECUTED and rule == "R11":
            clock.advance(timedelta(hours=2))
            pay.record_deduction_notice(
                who("hr"),
                case_id,
                "赔偿通知书:因损坏业主财物,照价赔偿,自下月起按月从工资中扣除,每月不超过工资的20%且不低于最低工资。",
            )
        if reached == plan.target:
            return


def _past_the_window(who: Who, clock: FixedClock, case_id: int) -> None:
    """Move the clock past the appeal deadline (7 days from service, moved off holidays)."""
    hr = who("hr")
    clock.advance(timedelta(days=8))
    deadline = hr.session.exec(
        select(col(Case.appeal_deadline)).where(col(Case.id) == case_id)
    ).one()
    if deadline is not None:
        after = datetime.combine(deadline + timedelta(days=1), time(10), hr.tz)
        clock.current = max(clock.current, after)


def _second_hr(session: Session, who: Who, now: datetime) -> None:
    """The company's HR reviewer: a user of the office, with the HR role."""
    hr = who("hr").actor
    code = hr.username.split("-", 1)[0]
    session.add(
        User(
            office_id=hr.office_id,
            username=f"{code}-{SECOND_HR}",
            display_name=SECOND_HR_NAME,
            role=Role.HR.value,
            created_at=now - timedelta(days=400),
        )
    )
    session.flush()


def _approver(who: Who, case_id: int) -> Ctx:
    """Who approves HR's proposal: the director, unless they recorded the case's evidence
    (a spot check): then the company's HR reviewer."""
    director = who("director")
    findings = case_repo.findings_of(director.session, case_id)
    if director.actor.user_id in sod.recorders(director.session, findings):
        return who(SECOND_HR)
    return director


def _r12(who: Who, clock: FixedClock, case_id: int) -> None:
    decision.approve(
        _approver(who, case_id),
        case_id,
        "小费隐匿事实清楚;扣发工资存在法律风险,经与员工沟通并报总经理同意,仍按规章执行,每月不超过工资20%。",
    )


def _dismissal(who: Who, clock: FixedClock, case_id: int) -> None:
    """Two approvals, neither by HR who proposed it: the director's first, then (the union
    told and answering) the company's HR reviewer's."""
    hr, director = who("hr"), who("director")
    decision.approve(director, case_id, "索要财物属实,严重违反规章制度,同意辞退")
    clock.advance(timedelta(hours=3))
    decision.record_union_notice(
        hr,
        case_id,
        "该员工向业主索要财物,依据《员工守则》第十三条及《劳动合同法》第三十九条拟解除劳动合同,特通知工会。",
    )
    clock.advance(timedelta(days=1))
    decision.record_union_reply(hr, case_id, "工会已审阅事实与依据,无异议。")
    decision.approve(who(SECOND_HR), case_id, "经公司人事复核,索要财物属实,同意辞退")


def _appeal(who: Who, clock: FixedClock, plan: Plan, case_id: int, staff_user: str | None) -> None:
    case_appeal.appeal(
        who(staff_user or "hr"), case_id, "我认为处理过重,当时是住户主动邀请,请求从轻处理。"
    )
    if plan.target == S.APPEAL_DECIDED:
        clock.advance(timedelta(days=2))
        case_appeal.decide_appeal(  # by HR: the director approved the decision
            who("hr"), case_id, "upheld", "经复核,原处理事实清楚、依据充分,维持原决定。"
        )
