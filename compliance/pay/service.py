"""Use cases for pay: minimum wages, deductions from a case, the deduction notice, replanning."""

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from compliance.audit import service as audit
from compliance.cases import repository as cases_repo
from compliance.cases.models import Case, Notice, NoticeKind, Proposal
from compliance.cases.sod import evidence_refs
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.damages.models import DamageIncident
from compliance.errors import Conflict, ValidationFailed
from compliance.money import check_fen, format_fen
from compliance.pay import repository as repo
from compliance.pay.models import Deduction, DeductionKind, MinimumWage
from compliance.pay.schedule import (
    last_pay_month,
    next_month,
    plan_summary,
    replan,
    replan_plan,
)
from compliance.pay.schemas import (
    DeductionNoticeIn,
    MinimumWageRead,
    MinimumWageSet,
    NoticeRead,
    ReplanIn,
)
from compliance.permissions import Permission
from compliance.staff import repository as staff_repo
from compliance.staff.models import Staff
from compliance.usecase import use_case
from compliance.validation import parse
from policies.sanction import OUTCOME_LABELS_ZH, OutcomeKind
from policies.vocab import EvidenceKind

DAMAGE = EvidenceKind.DAMAGE

__all__ = [
    "EXAMPLE_MINIMUM_WAGE",
    "create_deductions_for_case",
    "list_minimum_wages",
    "minimum_wage_on",
    "record_deduction_notice",
    "replan",
    "replan_staff",
    "seed_example_minimum_wage",
    "set_minimum_wage",
]

minimum_wage_on = repo.minimum_wage_on

# The demo's figure. Not authoritative: the admin records the city's current figure.
EXAMPLE_MINIMUM_WAGE = MinimumWageSet(
    city="深圳",
    monthly_fen=236_000,
    effective_from=date(2024, 1, 1),
    note="示例数据：深圳月最低工资 2,360 元，仅供演示，请以当地政府公布的标准为准",
)

# Outcome kinds that take money from pay, and the deduction kind each becomes.
DEDUCTION_KINDS: dict[OutcomeKind, DeductionKind] = {
    OutcomeKind.COMPENSATION: DeductionKind.COMPENSATION,
    OutcomeKind.RESTITUTION: DeductionKind.RESTITUTION,
    OutcomeKind.WAGE_DEDUCTION: DeductionKind.DISCIPLINARY,
}


# --- minimum wages -------------------------------------------------------------------------


@use_case
def set_minimum_wage(
    ctx: Ctx, city: str, monthly_fen: int, effective_from: date | str, note: str = ""
) -> MinimumWageRead:
    """Record a city's monthly minimum wage from a date on (admin only; history never edited)."""
    ctx.require(Permission.ADMINISTER)
    body = parse(
        MinimumWageSet,
        {
            "city": city,
            "monthly_fen": monthly_fen,
            "effective_from": effective_from,
            "note": note,
        },
    )
    duplicate = ValidationFailed.one(
        "effective_from",
        f"a minimum wage for {body.city} from {body.effective_from.isoformat()} is already "
        "recorded; record a correction from a later date",
    )
    if repo.minimum_wage_exists(ctx.session, body.city, body.effective_from):
        raise duplicate
    row = MinimumWage(**body.model_dump(), created_at=ctx.now(), created_by=ctx.actor.user_id)
    ctx.session.add(row)
    try:
        ctx.session.flush()
    except IntegrityError:
        raise duplicate from None
    audit.record(ctx, "minimum_wage.set", "minimum_wage", row.id, body.model_dump(mode="json"))
    return MinimumWageRead.model_validate(row)


def list_minimum_wages(ctx: Ctx, city: str | None = None) -> list[MinimumWageRead]:
    """Recorded minimum wages (admin, HR and managers: they explain deduction caps)."""
    ctx.require(Permission.LIST_MINIMUM_WAGES)
    return [MinimumWageRead.model_validate(r) for r in repo.list_minimum_wages(ctx.session, city)]


def seed_example_minimum_wage(session: Session, at: datetime) -> MinimumWage | None:
    """Insert the labelled example figure unless the city has one that day (demo seeding only)."""
    ex = EXAMPLE_MINIMUM_WAGE
    if repo.minimum_wage_exists(session, ex.city, ex.effective_from):
        return None
    row = MinimumWage(**ex.model_dump(), created_at=at)
    session.add(row)
    session.flush()
    audit.append(
        session,
        at=at,
        actor_id=None,
        actor_role="system",
        office_id=None,
        action="minimum_wage.seeded",
        entity="minimum_wage",
        entity_id=str(row.id),
        payload=ex.model_dump(mode="json"),
    )
    return row


# --- deductions from a case ----------------------------------------------------------------


def money_outcomes(proposal: Proposal) -> list[tuple[OutcomeKind, int, bool]]:
    """The proposal's outcomes that take money from pay: (kind, fen, legal risk)."""
    try:
        outcomes = json.loads(proposal.outcomes)
    except ValueError:
        raise ValidationFailed.one("outcomes", "the proposal's outcomes are not JSON") from None
    return money_items(outcomes)


def money_items(outcomes: Any) -> list[tuple[OutcomeKind, int, bool]]:
    """Of a list of outcomes (as stored), those that take money from pay."""
    if not isinstance(outcomes, list):
        raise ValidationFailed.one("outcomes", "the proposal's outcomes must be a list")
    out: list[tuple[OutcomeKind, int, bool]] = []
    for i, item in enumerate(outcomes):
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in DEDUCTION_KINDS or not item.get("amount_fen"):
            continue
        try:
            fen = check_fen(item["amount_fen"])
        except ValueError as exc:
            raise ValidationFailed.one(f"outcomes.{i}.amount_fen", str(exc)) from None
        risky = bool(item.get("legal_risk")) or kind == OutcomeKind.WAGE_DEDUCTION
        out.append((OutcomeKind(kind), fen, risky))
    return out


def case_damages(session: Session, case: Case) -> list[DamageIncident]:
    """The damage incidents a case's findings rely on, by id."""
    ids = sorted(evidence_refs(cases_repo.findings_of(session, case.id or 0)).get(DAMAGE, set()))
    if not ids:
        return []
    return list(
        session.exec(
            select(DamageIncident)
            .where(col(DamageIncident.id).in_(ids), col(DamageIncident.office_id) == case.office_id)
            .order_by(col(DamageIncident.id))
        )
    )


def damage_owed(session: Session, damage: DamageIncident) -> int:
    """What of a damage's compensation pay may still be asked for: assessed − settled −
    what deductions already recover for it (one account: no double recovery)."""
    planned = sum(d.due_fen for d in repo.damage_deductions(session, damage.id or 0))
    return max((damage.assessed_value_fen or 0) - damage.settled_fen - planned, 0)


def compensation_parts(
    session: Session, case: Case, fen: int
) -> tuple[list[tuple[int | None, int]], dict[str, Any]]:
    """Split a compensation over the case's damages, each no more than it still owes."""
    damages = case_damages(session, case)
    if not damages:
        return [(None, fen)], {}
    parts: list[tuple[int | None, int]] = []
    left = fen
    account: list[dict[str, Any]] = []
    for d in damages:
        owed = damage_owed(session, d)
        part = min(owed, left)
        account.append(
            {
                "damage_id": d.id,
                "assessed_fen": d.assessed_value_fen,
                "settled_fen": d.settled_fen,
                "owed_fen": owed,
                "planned_fen": part,
            }
        )
        if part:
            parts.append((d.id, part))
            left -= part
    return parts, {"proposed_fen": fen, "damages": account}


def first_deduction_month(ctx: Ctx, staff: Staff, leaves_now: bool = False) -> date:
    """Recovery starts the month after today (office time); for a member who has left (or
    leaves now), in their last pay month if that is earlier: it takes what the cap allows."""
    today = local_date(ctx.now(), ctx.tz)
    start = next_month(today)
    last = today.replace(day=1) if leaves_now else last_pay_month(staff)
    if last is not None and last != date.min and last < start:
        return last
    return start


def create_deductions_for_case(ctx: Ctx, case: Case, proposal: Proposal) -> list[Deduction]:
    """Turn a proposal's money outcomes into deductions and replan; flushes, never commits.

    Called inside the case's execute step (which checks roles and commits). Recovery starts
    the month after execution, office time (or a leaver's last pay month), within the
    guardrail profile's monthly cap. Compensation is planned per damage and only for what is
    still owed: assessed − settled outside the payroll − already being recovered.
    """
    if case.office_id != ctx.actor.office_id or proposal.case_id != case.id or case.id is None:
        raise ValidationFailed.one("proposal", "the proposal does not belong to this case")
    if repo.case_deductions(ctx.session, case.id):
        raise Conflict(f"deductions for case {case.number} were already created")
    staff = staff_repo.get_in_office(ctx.session, case.office_id, case.staff_id)
    start = first_deduction_month(ctx, staff)
    rows: list[Deduction] = []
    accounts: list[dict[str, Any]] = []
    for kind, fen, risky in money_outcomes(proposal):
        label = OUTCOME_LABELS_ZH[kind]
        parts: list[tuple[int | None, int]] = [(None, fen)]
        if kind == OutcomeKind.COMPENSATION:
            parts, account = compensation_parts(ctx.session, case, fen)
            if account:
                accounts.append(account)
        for damage_id, part in parts:
            reason = f"案件 {case.number}({case.rule_code}){label} {format_fen(part)}"
            if damage_id is not None:
                reason += f"(损坏事件 #{damage_id} 尚欠部分)"
            row = Deduction(
                office_id=case.office_id,
                staff_id=case.staff_id,
                case_id=case.id,
                kind=DEDUCTION_KINDS[kind].value,
                amount_fen=part,
                start_month=start,
                reason=reason,
                legal_risk=risky,
                created_at=ctx.now(),
                created_by=ctx.actor.user_id,
                damage_id=damage_id,
            )
            ctx.session.add(row)
            rows.append(row)
    for account in accounts:
        audit.record(ctx, "deduction.compensation_account", "case", case.id, account)
    if not rows:
        return []
    ctx.session.flush()
    for row in rows:
        payload = {
            "case": case.number,
            "proposal_id": proposal.id,
            "kind": row.kind,
            "amount_fen": row.amount_fen,
            "start_month": start.isoformat(),
            "legal_risk": row.legal_risk,
            "damage_id": row.damage_id,
        }
        audit.record(ctx, "deduction.created", "deduction", row.id, payload)
    plan = replan_plan(ctx, case.staff_id, start)
    audit.record(
        ctx,
        "deduction.planned",
        "staff",
        case.staff_id,
        {"case": case.number, "from_month": start.isoformat(), **plan_summary(plan)},
    )
    return rows


@use_case
def replan_staff(ctx: Ctx, staff_id: int, from_month: date | str) -> dict[str, Any]:
    """Recompute a staff member's planned instalments from a month on (HR), e.g. after a wage
    or minimum-wage change; returns the schedule summary."""
    ctx.require(Permission.RUN_PAYROLL)
    body = parse(ReplanIn, {"staff_id": staff_id, "from_month": from_month})
    summary = plan_summary(replan_plan(ctx, body.staff_id, body.from_month))
    audit.record(
        ctx,
        "deduction.replanned",
        "staff",
        body.staff_id,
        {"from_month": body.from_month.isoformat(), **summary},
    )
    return summary


# --- the written notice before the first deduction ------------------------------------------


@use_case
def record_deduction_notice(ctx: Ctx, case_id: int, content: str) -> NoticeRead:
    """Record the written notice of reason and amount served before any deduction (HR)."""
    ctx.require(Permission.RUN_PAYROLL)
    body = parse(DeductionNoticeIn, {"case_id": case_id, "content": content})
    case = repo.get_case(ctx.session, ctx.actor.office_id, body.case_id)
    deductions = repo.case_deductions(ctx.session, body.case_id)
    if not deductions:
        raise ValidationFailed.one("case_id", f"case {case.number} has no deductions to notify")
    total = sum(d.due_fen for d in deductions)
    row = Notice(
        case_id=body.case_id,
        kind=NoticeKind.DEDUCTION.value,
        content=body.content,
        amount_fen=total,
        served_at=ctx.now(),
        served_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "notice.deduction_served",
        "case",
        case.id,
        {"notice_id": row.id, "case": case.number, "amount_fen": total, "content": body.content},
    )
    return NoticeRead.model_validate(row)
