"""Detection done the naive way, as the yardstick for the set-based path.

Per staff member: one ORM query per table (full objects, no aggregation in SQL), the same
facts built in Python (the punches around the jobs, the roster shift each job began in and
overtime matched by hand), then the same policies run on that one person's
bundle. Nothing is stored, so the comparison flatters the naive path a little.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.attendance.models import AttendanceEvent, PunchKind, RosterShift
from compliance.context import Ctx
from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.findings.detect import _in_segment, _segments
from compliance.findings.gather import LOOKBACK_DAYS
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.policy_params import service as policy_params
from compliance.tips.models import TipLine
from compliance.visits.models import Visit
from policies import registry
from policies.base import Decision
from policies.facts import (
    DamageFact,
    FactBundle,
    FeedbackFact,
    PunchFact,
    TipLineFact,
    VisitFact,
)
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction


def _punch_facts(punches: Sequence[AttendanceEvent]) -> list[PunchFact]:
    """Every check-in and sign-back, in time order (R02 builds the duties from them)."""
    kinds = {PunchKind.CHECK_IN.value, PunchKind.SIGN_BACK.value}
    return [
        PunchFact(p.id or 0, p.staff_id, p.kind, p.at)
        for p in sorted(punches, key=lambda p: (p.at, p.id or 0))
        if p.kind in kinds
    ]


def _shift_of(v: Visit, shifts: dict[date, RosterShift]) -> RosterShift | None:
    """The shift the job began in (its day's or a night shift from the day before), else the
    nearer of the two; its own day's on a tie."""
    own, before = shifts.get(v.work_date), shifts.get(v.work_date - timedelta(days=1))
    found = [s for s in (own, before) if s is not None]
    if not found or v.arrived_at is None:
        return own
    arrived = v.arrived_at

    def gap(s: RosterShift) -> timedelta:
        if s.start_at <= arrived < s.end_at:
            return timedelta(0)
        return s.start_at - arrived if arrived < s.start_at else arrived - s.end_at

    return min(found, key=gap)


def _visit_facts(
    visits: Sequence[Visit],
    shifts: dict[date, RosterShift],
    overtime: Iterable[OvertimeRequest],
    directors: set[int],
) -> list[VisitFact]:
    approved: dict[int, OvertimeRequest] = {}
    for ot in overtime:
        if ot.visit_id is not None and ot.decision == OvertimeDecision.APPROVED.value:
            approved[ot.visit_id] = ot
    out = []
    for v in visits:
        assert v.id is not None
        sh, approval = _shift_of(v, shifts), approved.get(v.id)
        director = False
        if approval is not None:
            director = (
                approval.approver_was_director
                if approval.approver_was_director is not None
                else approval.decided_by in directors
            )
        out.append(
            VisitFact(
                id=v.id,
                staff_id=v.staff_id,
                unit_id=v.unit_id,
                work_date=v.work_date,
                requested_at=v.requested_at,
                arrived_at=v.arrived_at,
                done_at=v.done_at,
                left_at=v.left_at,
                done_date=v.done_date,
                shift_start_at=sh.start_at if sh else None,
                shift_end_at=sh.end_at if sh else None,
                roster_id=sh.id if sh else None,
                roster_work_date=sh.work_date if sh else None,
                overtime_id=approval.id if approval else None,
                overtime_approved_at=approval.decided_at if approval else None,
                overtime_approved_by_director=director,
            )
        )
    return out


def staff_bundle(
    session: Session,
    staff_id: int,
    start: date,
    end: date,
    as_of: datetime,
    tz: tzinfo,
    directors: set[int],
) -> FactBundle:
    """Load one staff member's records table by table and build their facts in Python."""
    start_utc = datetime.combine(start, time(), tz)
    end_utc = datetime.combine(end + timedelta(days=1), time(), tz)
    margin = timedelta(days=3)
    visits = (
        session.execute(
            select(Visit).where(
                col(Visit.staff_id) == staff_id,
                col(Visit.work_date) >= start - timedelta(days=1),
                col(Visit.work_date) <= end,
            )
        )
        .scalars()
        .all()
    )
    punches = (
        session.execute(
            select(AttendanceEvent).where(
                col(AttendanceEvent.staff_id) == staff_id,
                col(AttendanceEvent.work_date) >= start - timedelta(days=2),
                col(AttendanceEvent.work_date) <= end + timedelta(days=1),
            )
        )
        .scalars()
        .all()
    )
    shifts = {
        r.work_date: r
        for r in session.execute(
            select(RosterShift).where(
                col(RosterShift.staff_id) == staff_id,
                col(RosterShift.work_date) >= start - timedelta(days=2),
                col(RosterShift.work_date) <= end,
            )
        ).scalars()
    }
    overtime = session.execute(
        select(OvertimeRequest).where(col(OvertimeRequest.staff_id) == staff_id)
    ).scalars()
    feedback = session.execute(
        select(Feedback).where(
            col(Feedback.staff_id) == staff_id,
            col(Feedback.work_date) >= start - timedelta(days=LOOKBACK_DAYS),
            col(Feedback.work_date) <= end,
        )
    ).scalars()
    tips = session.execute(
        select(TipLine).where(
            col(TipLine.staff_id) == staff_id,
            col(TipLine.received_at) >= start_utc - margin,
            col(TipLine.received_at) <= end_utc + margin,
        )
    ).scalars()
    damages = session.execute(
        select(DamageIncident).where(
            col(DamageIncident.staff_id) == staff_id,
            col(DamageIncident.occurred_at) >= start_utc,
            col(DamageIncident.occurred_at) < end_utc,
        )
    ).scalars()
    return FactBundle(
        as_of=as_of,
        as_of_date=as_of.astimezone(tz).date(),
        period_start=start,
        period_end=end,
        feedback=tuple(
            FeedbackFact(
                id=f.id or 0,
                staff_id=f.staff_id,
                unit_id=f.unit_id,
                category=FeedbackCategory(f.category),
                channel=FeedbackChannel(f.channel),
                occurred_at=f.occurred_at,
                work_date=f.work_date,
                satisfaction=Satisfaction(f.satisfaction) if f.satisfaction else None,
                amount_fen=f.amount_fen,
            )
            for f in feedback
            if f.category != FeedbackCategory.PRAISE.value
        ),
        visits=tuple(_visit_facts(visits, shifts, overtime, directors)),
        punches=tuple(_punch_facts(punches)),
        tip_lines=tuple(
            TipLineFact(
                t.id or 0, t.staff_id, t.unit_id, t.amount_fen, t.received_at, t.handed_over_at
            )
            for t in tips
        ),
        damages=tuple(
            DamageFact(
                d.id or 0, d.staff_id, d.unit_id, d.occurred_at, d.item, d.assessed_value_fen
            )
            for d in damages
        ),
    )


def naive_detect(ctx: Ctx, staff_ids: Sequence[int], start: date, end: date) -> list[Decision]:
    """Every rule's breaches for these staff members, one person at a time."""
    office_id = ctx.actor.office_id
    directors = {
        uid
        for uid in ctx.session.execute(
            select(col(User.id)).where(col(User.office_id) == office_id, col(User.is_director))
        ).scalars()
        if uid is not None
    }
    versions = policy_params.timeline(ctx.session, office_id)
    rules = [p for p in registry.RULES if p.detectors]
    found: list[Decision] = []
    for staff_id in staff_ids:
        bundle = staff_bundle(ctx.session, staff_id, start, end, ctx.now(), ctx.tz, directors)
        for policy in rules:
            for eff, lo, hi in _segments(versions[policy.code], start, end):
                decisions = policy.detect(bundle, eff.params)
                found.extend(d for d in decisions if _in_segment(d, ctx, lo, hi))
        ctx.session.expunge_all()  # as a per-staff loop would: do not keep everyone in memory
    return found
