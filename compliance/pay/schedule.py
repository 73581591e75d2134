"""(Re)planning a staff member's monthly instalments under the guardrail profile's cap.

The arithmetic (20% cap, minimum-wage floor, a shared cap per month, oldest first, carry
forward) is the profile's; here we only gather the figures and store the result.
"""

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.pay import repository as repo
from compliance.pay.models import Deduction, Instalment, InstalmentStatus
from compliance.staff import repository as staff_repo
from policies.guardrails import (
    MAX_MONTHS,
    GuardrailProfile,
    Obligation,
    Schedule,
    add_months,
    get_profile,
    month_info,
)


def profile_for(ctx: Ctx) -> GuardrailProfile:
    """The guardrail profile the office's pay is planned under (settings: CN by default)."""
    return get_profile(ctx.settings.guardrail_profile)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s month."""
    return add_months(day.replace(day=1), 1)


def require_minimum_wage(history: list[tuple[date, int]], city: str, month: date) -> int:
    """The minimum wage in force on the month's first day, else tell the admin to record one."""
    dated = [fen for d, fen in history if d <= month]
    if not dated:
        where = city or "(no city set for the office)"
        raise ValidationFailed.one(
            "month",
            f"no minimum wage is recorded for {where} on {month.isoformat()}; "
            "an admin must record the city's minimum wage first (payroll min-wage set)",
        )
    return dated[-1]


def _closed_months(
    session: Session, office_id: int, start: date, kept: list[Instalment]
) -> set[date]:
    # A month already executed, or in which something was taken, gets no new instalments:
    # they would never be taken, and a taken row is never merged into.
    taken = {i.month for i in kept if i.status == InstalmentStatus.TAKEN.value}
    return repo.executed_months(session, office_id, start) | taken


def _open_months(start: date, closed: set[date]) -> list[date]:
    months: list[date] = []
    month = start
    while len(months) < MAX_MONTHS:
        if month not in closed:
            months.append(month)
        month = add_months(month, 1)
    return months


def _obligations(deductions: list[Deduction], kept: list[Instalment]) -> list[Obligation]:
    paid: dict[int, int] = defaultdict(int)
    for inst in kept:
        paid[inst.deduction_id] += inst.amount_fen
    return [
        Obligation(
            id=d.id or 0,
            amount_fen=d.amount_fen - paid[d.id or 0],
            start_month=d.start_month,
            label=d.reason[:60],
        )
        for d in deductions
        if d.amount_fen - paid[d.id or 0] > 0
    ]


def replan(ctx: Ctx, staff_id: int, from_month: date) -> Schedule:
    """Recompute a staff member's planned instalments from a month on; flushes, never commits.

    Planned instalments from `from_month` are dropped and every open deduction (oldest first)
    is scheduled again over the open months: a month already executed or with a taken
    instalment takes nothing more. Taken instalments are never touched; they and planned ones
    before `from_month` count as paid.
    """
    session, office_id = ctx.session, ctx.actor.office_id
    staff_repo.lock_in_office(session, office_id, staff_id)
    repo.delete_planned_from(session, staff_id, from_month)
    kept = repo.staff_instalments(session, staff_id)
    obligations = _obligations(repo.staff_deductions(session, staff_id), kept)
    profile = profile_for(ctx)
    if not obligations:
        return profile.schedule_deductions([], [])
    start = max(from_month, min(o.start_month for o in obligations))
    office = repo.get_office(session, office_id)
    history = repo.minimum_wage_history(session, office.city)
    require_minimum_wage(history, office.city, start)
    wages, min_wages = dict(repo.wage_history(session, staff_id)), dict(history)
    months = [
        # No wage recorded for a month: nothing can be taken from it.
        month_info(m, wages=wages, min_wages=min_wages, default_wage_fen=0)
        for m in _open_months(start, _closed_months(session, office_id, start, kept))
    ]
    schedule = profile.schedule_deductions(obligations, months)
    rows: list[dict[str, Any]] = [
        {
            "deduction_id": inst.obligation_id,
            "staff_id": staff_id,
            "month": inst.month,
            "amount_fen": inst.amount_fen,
            "status": InstalmentStatus.PLANNED.value,
        }
        for plan in schedule.obligations
        for inst in plan.instalments
    ]
    if rows:
        session.execute(insert(Instalment), rows)
    return schedule


def schedule_summary(schedule: Schedule) -> dict[str, Any]:
    """A compact, canonical-JSON-friendly account of a schedule for the audit trail."""
    return {
        "profile": schedule.profile_code,
        "months": [
            {
                "month": m.month.isoformat(),
                "cap_fen": m.cap.cap_fen,
                "binding": m.cap.binding.value,
                "taken_fen": m.taken_fen,
                "carried_fen": m.carried_forward_fen,
            }
            for m in schedule.months
            if m.taken_fen
        ],
        "remaining_fen": schedule.remaining_fen,
    }
