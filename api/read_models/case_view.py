"""What the HR review queue and the case page show: the case with names, rule text, evidence."""

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
from compliance.pay.plans import CasePay, case_money
from compliance.pay.read import StaffSchedule, staff_schedule
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.staff.models import Staff
from policies import registry


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
