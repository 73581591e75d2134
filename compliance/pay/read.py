"""A staff member's deduction schedule as the case page shows it: month by month."""

from collections import defaultdict
from datetime import date

from pydantic import BaseModel

from compliance.actors import Role
from compliance.context import Ctx
from compliance.errors import NotFound
from compliance.pay import repository as repo
from compliance.pay.models import InstalmentStatus
from compliance.pay.schedule import profile_for
from compliance.permissions import Permission
from compliance.staff import repository as staff_repo


class ScheduleMonth(BaseModel):
    """One month of a staff member's instalments: cap, floor, taken, remaining after it."""

    month: date
    wage_fen: int | None
    floor_fen: int | None
    cap_fen: int | None
    amount_fen: int
    taken: bool
    remaining_fen: int


class StaffSchedule(BaseModel):
    """Everything a staff member owes and when it is recovered from pay."""

    staff_id: int
    owed_fen: int
    scheduled_fen: int
    unscheduled_fen: int
    months: list[ScheduleMonth]
    # Set once the member has left: what is unscheduled is then an unrecovered balance.
    left_on: date | None = None


def _in_force(history: list[tuple[date, int]], month: date) -> int | None:
    dated = [fen for d, fen in history if d <= month]
    return dated[-1] if dated else None


def staff_schedule(ctx: Ctx, staff_id: int) -> StaffSchedule:
    """The instalments of one staff member per month (HR; staff only their own)."""
    ctx.require(Permission.VIEW_PAY_SCHEDULE)
    if ctx.actor.role == Role.STAFF and ctx.actor.staff_id != staff_id:
        raise NotFound(f"staff member {staff_id} not found")
    session = ctx.session
    office = repo.get_office(session, ctx.actor.office_id)
    deductions = [d for d in repo.staff_deductions(session, staff_id) if d.office_id == office.id]
    owed = sum(d.due_fen for d in deductions)
    by_month: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for inst in repo.staff_instalments(session, staff_id) if deductions else []:
        by_month[inst.month].append((inst.amount_fen, inst.status))
    wages = repo.wage_history(session, staff_id)
    floors = repo.minimum_wage_history(session, office.city)
    profile = profile_for(ctx)
    months, left = [], owed
    for month in sorted(by_month):
        amount = sum(fen for fen, _ in by_month[month])
        left -= amount
        wage, floor = _in_force(wages, month), _in_force(floors, month)
        cap = profile.deduction_cap(wage, floor).cap_fen if wage is not None and floor else None
        months.append(
            ScheduleMonth(
                month=month,
                wage_fen=wage,
                floor_fen=floor,
                cap_fen=cap,
                amount_fen=amount,
                taken=all(s == InstalmentStatus.TAKEN.value for _, s in by_month[month]),
                remaining_fen=left,
            )
        )
    scheduled = owed - left
    staff = staff_repo.find_in_office(session, office.id or 0, staff_id)
    return StaffSchedule(
        left_on=staff.left_on if staff is not None else None,
        staff_id=staff_id,
        owed_fen=owed,
        scheduled_fen=scheduled,
        unscheduled_fen=left,
        months=months,
    )
