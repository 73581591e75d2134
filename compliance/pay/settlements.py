"""A damage settled outside the payroll after its deduction was planned: stop recovering it.

One account per damage: assessed − settled (paid to the resident, insurance, waived) − taken
from pay. A settlement recorded after planning cancels the rest of the plan for that amount:
planned instalments are reduced or removed by replanning; taken ones are never touched.
"""

from dataclasses import dataclass

from sqlmodel import Session

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.pay import repository as repo
from compliance.pay.schedule import plan_summary, replan_plan, replan_start
from compliance.staff import repository as staff_repo


@dataclass(frozen=True)
class PayAccount:
    """What pay does for one damage: planned to recover in all, and taken so far."""

    planned_fen: int
    taken_fen: int

    @property
    def untaken_fen(self) -> int:
        """Planned but not taken yet: what a settlement can still cancel."""
        return self.planned_fen - self.taken_fen


def damage_account(session: Session, damage_id: int) -> PayAccount:
    """The deductions recovering one damage's compensation: their due total and what payroll
    has taken."""
    deductions = repo.damage_deductions(session, damage_id)
    taken = repo.taken_by_deduction(session, [d.id or 0 for d in deductions])
    return PayAccount(
        planned_fen=sum(d.due_fen for d in deductions),
        taken_fen=sum(taken.values()),
    )


def taken_fen(session: Session, damage_id: int) -> int:
    """What payroll has taken so far for one damage."""
    return damage_account(session, damage_id).taken_fen


def cancel_for_settlement(ctx: Ctx, damage_id: int, settlement_id: int, fen: int) -> int:
    """Cancel up to `fen` of the damage's deductions not yet taken and replan the staff member;
    flushes, never commits. Returns what was cancelled (0 when nothing was planned)."""
    deductions = repo.damage_deductions(ctx.session, damage_id)
    if not deductions:
        return 0
    staff_id = deductions[0].staff_id
    # Queue behind payroll execution and other replans of this person before reading "taken".
    staff_repo.lock_in_office(ctx.session, ctx.actor.office_id, staff_id)
    taken = repo.taken_by_deduction(ctx.session, [d.id or 0 for d in deductions])
    left, parts = fen, []
    for d in deductions:
        part = min(d.due_fen - taken.get(d.id or 0, 0), left)
        if part > 0:
            repo.cancel_part(ctx.session, d.id or 0, part)
            parts.append({"deduction_id": d.id, "cancelled_fen": part})
            left -= part
    cancelled = fen - left
    if not cancelled:
        return 0
    start = replan_start(ctx, repo.staff_instalments(ctx.session, staff_id))
    plan = replan_plan(ctx, staff_id, start)
    audit.record(
        ctx,
        "deduction.cancelled_by_settlement",
        "staff",
        staff_id,
        {
            "damage_id": damage_id,
            "settlement_id": settlement_id,
            "settled_fen": fen,
            "cancelled_fen": cancelled,
            "deductions": parts,
            "from_month": start.isoformat(),
            **plan_summary(plan),
        },
    )
    return cancelled
