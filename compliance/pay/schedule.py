"""(Re)planning a staff member's monthly instalments under the guardrail profile's cap.

The arithmetic (20% cap, minimum-wage floor, a shared cap per month, oldest first, carry
forward) is the profile's; here we only gather the figures and store the result.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.pay import repository as repo
from compliance.pay.models import Deduction, Instalment, InstalmentStatus
from compliance.staff import repository as staff_repo
from compliance.staff.models import Staff, StaffStatus
from policies.guardrails import (
    MAX_MONTHS,
    GuardrailProfile,
    Obligation,
    PlanNote,
    Schedule,
    add_months,
    first_of_month,
    get_profile,
    month_info,
    plan_notes,
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


def last_pay_month(staff: Staff) -> date | None:
    """The last month pay is due for a member who left (their last working day's month).

    A member marked as left with no date recorded gets no month at all: nothing is planned.
    """
    if staff.left_on is not None:
        return first_of_month(staff.left_on)
    if staff.status == StaffStatus.LEFT.value:
        return date.min
    return None


def _open_months(start: date, closed: set[date], last: date | None) -> list[date]:
    months: list[date] = []
    month = start
    while len(months) < MAX_MONTHS and (last is None or month <= last):
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
            amount_fen=d.due_fen - paid[d.id or 0],
            start_month=d.start_month,
            label=d.reason[:60],
        )
        for d in deductions
        if d.due_fen - paid[d.id or 0] > 0
    ]


@dataclass(frozen=True)
class Plan:
    """A staff member's schedule as computed, and the last month pay is due if they left."""

    schedule: Schedule
    last_pay_month: date | None

    def notes(self, obligation_ids: Iterable[int] | None = None) -> tuple[PlanNote, ...]:
        """What this plan cannot take, in words with the figures."""
        return plan_notes(
            self.schedule, obligation_ids=obligation_ids, last_pay_month=self.last_pay_month
        )


def compute(
    ctx: Ctx,
    staff: Staff,
    from_month: date,
    kept: list[Instalment],
    extra: Sequence[Obligation] = (),
    leaves_on: date | None = None,
) -> Plan:
    """Schedule a staff member's open deductions (and `extra` ones) over the open months from
    `from_month` to their last pay month; pure arithmetic over the figures read, no writes."""
    session, office_id = ctx.session, ctx.actor.office_id
    obligations = _obligations(repo.staff_deductions(session, staff.id or 0), kept)
    obligations.extend(extra)
    profile = profile_for(ctx)
    last = first_of_month(leaves_on) if leaves_on is not None else last_pay_month(staff)
    if not obligations:
        return Plan(profile.schedule_deductions([], []), last)
    if last is not None and last != date.min:
        # The last pay month takes what the cap allows, even of what was due to start later.
        obligations = [replace(o, start_month=min(o.start_month, last)) for o in obligations]
        from_month = min(from_month, last)
    start = max(from_month, min(o.start_month for o in obligations))
    office = repo.get_office(session, office_id)
    history = repo.minimum_wage_history(session, office.city)
    require_minimum_wage(history, office.city, start)
    wages, min_wages = dict(repo.wage_history(session, staff.id or 0)), dict(history)
    months = [
        # No wage recorded for a month: nothing can be taken from it.
        month_info(m, wages=wages, min_wages=min_wages, default_wage_fen=0)
        for m in _open_months(start, _closed_months(session, office_id, start, kept), last)
    ]
    return Plan(profile.schedule_deductions(obligations, months), last)


def preview(
    ctx: Ctx,
    staff_id: int,
    extra: Sequence[Obligation] = (),
    from_month: date | None = None,
    leaves_on: date | None = None,
) -> Plan:
    """The plan replanning would make now, with `extra` obligations added (and the member
    leaving on `leaves_on`, e.g. a proposed dismissal); writes nothing.

    Planned instalments are recomputed from the earliest of them (or next month); taken ones
    count as paid.
    """
    session = ctx.session
    staff = staff_repo.get_in_office(session, ctx.actor.office_id, staff_id)
    kept = repo.staff_instalments(session, staff_id)
    start = from_month or replan_start(ctx, kept)
    if leaves_on is not None:
        start = min(start, first_of_month(leaves_on))
    held = [i for i in kept if i.status == InstalmentStatus.TAKEN.value or i.month < start]
    return compute(ctx, staff, start, held, extra, leaves_on)


def replan_start(ctx: Ctx, instalments: list[Instalment]) -> date:
    """The first month to replan from: the earliest planned instalment, else next month."""
    planned = [i.month for i in instalments if i.status == InstalmentStatus.PLANNED.value]
    upcoming = next_month(local_date(ctx.now(), ctx.tz))
    return min([*planned, upcoming])


def replan(ctx: Ctx, staff_id: int, from_month: date) -> Schedule:
    """Recompute a staff member's planned instalments from a month on; flushes, never commits.

    Planned instalments from `from_month` are dropped and every open deduction (oldest first)
    is scheduled again over the open months up to the last pay month of a member who left: a
    month already executed or with a taken instalment takes nothing more. Taken instalments
    are never touched; they and planned ones before `from_month` count as paid.
    """
    return replan_plan(ctx, staff_id, from_month).schedule


def replan_plan(ctx: Ctx, staff_id: int, from_month: date) -> Plan:
    """`replan`, returning the plan with the member's last pay month."""
    session, office_id = ctx.session, ctx.actor.office_id
    staff = staff_repo.lock_in_office(session, office_id, staff_id)
    last = last_pay_month(staff)
    if last is not None and last != date.min:
        from_month = min(from_month, last)  # the last pay month is replanned too
        # What was due to start later starts in the last pay month: the record says so.
        repo.start_no_later_than(session, staff_id, last)
    repo.delete_planned_from(session, staff_id, from_month)
    kept = repo.staff_instalments(session, staff_id)
    plan = compute(ctx, staff, from_month, kept)
    rows: list[dict[str, Any]] = [
        {
            "deduction_id": inst.obligation_id,
            "staff_id": staff_id,
            "month": inst.month,
            "amount_fen": inst.amount_fen,
            "status": InstalmentStatus.PLANNED.value,
        }
        for ob in plan.schedule.obligations
        for inst in ob.instalments
    ]
    if rows:
        session.execute(insert(Instalment), rows)
    return plan


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


def plan_summary(plan: Plan) -> dict[str, Any]:
    """`schedule_summary` plus the last pay month, the unrecovered balance and the notes."""
    out = schedule_summary(plan.schedule)
    if plan.last_pay_month is not None:
        last = plan.last_pay_month
        out["last_pay_month"] = None if last == date.min else last.isoformat()
        out["unrecovered_fen"] = plan.schedule.remaining_fen
    notes = plan.notes()
    if notes:
        out["notes_zh"] = [n.text_zh for n in notes]
    return out
