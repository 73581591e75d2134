"""Gather the facts for a detection run with a handful of explicit, set-based queries.

Each query reads one table (with its joins) for the whole office and period, never one
staff member at a time. Punches are the exception to reading everything: only the first
check-in and last sign-back of the days with a job in a home are sought, by index, so a
year of 2,000 staff (over a million punches) stays a few queries and little memory.
"""

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, Subquery, and_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from compliance.attendance.models import AttendanceEvent, PunchKind, RosterShift
from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.tips.models import TipLine
from compliance.users.models import User
from compliance.visits.models import Visit
from policies.facts import (
    DamageFact,
    FactBundle,
    FeedbackFact,
    FieldDayFact,
    TipLineFact,
    VisitFact,
)
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction

# How far before the period the feedback rules look back (R10's window is 90 days).
LOOKBACK_DAYS = 400


def _feedback(session: Session, office_id: int, start: date, end: date) -> tuple[FeedbackFact, ...]:
    f = Feedback
    stmt = select(
        col(f.id), col(f.staff_id), col(f.unit_id), col(f.category), col(f.channel),
        col(f.occurred_at), col(f.work_date), col(f.satisfaction), col(f.amount_fen),
    ).where(
        col(f.office_id) == office_id,
        col(f.work_date) >= start - timedelta(days=LOOKBACK_DAYS),
        col(f.work_date) <= end,
        col(f.category) != FeedbackCategory.PRAISE.value,
    )  # fmt: skip
    return tuple(
        FeedbackFact(
            id=r.id,
            staff_id=r.staff_id,
            unit_id=r.unit_id,
            category=FeedbackCategory(r.category),
            channel=FeedbackChannel(r.channel),
            occurred_at=r.occurred_at,
            work_date=r.work_date,
            satisfaction=Satisfaction(r.satisfaction) if r.satisfaction else None,
            amount_fen=r.amount_fen,
        )
        for r in session.execute(stmt)
    )


def _punch_of_day(days: Subquery, kind: PunchKind, *, last: bool) -> Any:
    """The id of the first (or last) punch of a kind on a staff member's day."""
    a = aliased(AttendanceEvent)
    order = (col(a.at).desc(), col(a.id).desc()) if last else (col(a.at), col(a.id))
    return (
        select(col(a.id))
        .where(
            col(a.staff_id) == days.c.staff_id,
            col(a.work_date) == days.c.work_date,
            col(a.kind) == kind.value,
        )
        .order_by(*order)
        .limit(1)
        .scalar_subquery()
    )


def _field_day_punches(session: Session, office_id: int, start: date, end: date) -> dict[Any, Any]:
    """First check-in and last sign-back of every day with a job in a home, by (staff, day)."""
    # Start from the field days and seek each one's punches through the (staff, day, kind)
    # index: a year of 2,000 staff has a million punches but only tens of thousands of
    # field days, so the other punches never leave the database.
    v = Visit
    days = (
        select(col(v.staff_id).label("staff_id"), col(v.work_date).label("work_date"))
        .where(
            col(v.office_id) == office_id, col(v.work_date) >= start, col(v.work_date) <= end,
            col(v.arrived_at).is_not(None),
        )
        .distinct()
        .subquery("days")
    )  # fmt: skip
    ci, sb = aliased(AttendanceEvent), aliased(AttendanceEvent)
    stmt = (
        select(
            days.c.staff_id, days.c.work_date,
            col(ci.id).label("ci_id"), col(ci.at).label("ci_at"),
            col(sb.id).label("sb_id"), col(sb.at).label("sb_at"),
        )
        .select_from(days)
        .outerjoin(ci, col(ci.id) == _punch_of_day(days, PunchKind.CHECK_IN, last=False))
        .outerjoin(sb, col(sb.id) == _punch_of_day(days, PunchKind.SIGN_BACK, last=True))
    )  # fmt: skip
    return {(r.staff_id, r.work_date): r for r in session.execute(stmt)}


def _field_days(visits: tuple[VisitFact, ...], punches: dict[Any, Any]) -> tuple[FieldDayFact, ...]:
    """Each staff member's days with a job in a home, from the visits (with their shift)."""
    first: dict[tuple[int, date], tuple[datetime, int, VisitFact]] = {}
    last_end: dict[tuple[int, date], datetime] = {}
    for v in visits:
        if v.arrived_at is None:
            continue
        key = (v.staff_id, v.work_date)
        best = first.get(key)
        if best is None or (v.arrived_at, v.id) < best[:2]:
            first[key] = (v.arrived_at, v.id, v)
        ended = v.left_at or v.done_at
        if ended is not None and (key not in last_end or ended > last_end[key]):
            last_end[key] = ended
    out = []
    for key, (arrived_at, _, job) in first.items():
        p = punches.get(key)
        out.append(
            FieldDayFact(
                staff_id=job.staff_id,
                work_date=job.work_date,
                first_job_at=arrived_at,
                first_job_visit_id=job.id,
                first_check_in_at=p.ci_at if p else None,
                first_check_in_id=p.ci_id if p else None,
                last_sign_back_at=p.sb_at if p else None,
                last_sign_back_id=p.sb_id if p else None,
                shift_end_at=job.shift_end_at,
                roster_id=job.roster_id,
                last_job_end_at=last_end.get(key),
            )
        )
    return tuple(out)


# R04 judges a work order by the day it was opened: an order opened in the period but first
# visited after it has a later work_date and is read too (up to this many days later).
OPENED_LOOKAHEAD_DAYS = 62


def _visits(
    session: Session, office_id: int, start: date, end: date, tz: tzinfo
) -> tuple[VisitFact, ...]:
    v, rs, ot = Visit, RosterShift, OvertimeRequest
    approved = and_(
        col(ot.visit_id) == col(v.id), col(ot.decision) == OvertimeDecision.APPROVED.value
    )
    stmt: Select[*tuple[Any, ...]] = (
        select(
            col(v.id),
            col(v.staff_id),
            col(v.unit_id),
            col(v.work_date),
            col(v.requested_at),
            col(v.arrived_at),
            col(v.done_at),
            col(v.left_at),
            col(v.done_date),
            col(rs.id).label("roster_id"),
            col(rs.start_at),
            col(rs.end_at),
            col(ot.id).label("ot_id"),
            col(ot.decided_at),
            col(User.is_director),
        )
        .outerjoin(
            rs, and_(col(rs.staff_id) == col(v.staff_id), col(rs.work_date) == col(v.work_date))
        )
        .outerjoin(ot, approved)
        .outerjoin(User, col(User.id) == col(ot.decided_by))
        .where(
            col(v.office_id) == office_id,
            col(v.work_date) >= start,
            col(v.work_date) <= end + timedelta(days=OPENED_LOOKAHEAD_DAYS),
            or_(
                col(v.work_date) <= end,
                col(v.requested_at) < datetime.combine(end + timedelta(days=1), time(), tz),
            ),
        )
    )
    # Rows unpacked as tuples: named attribute access on 50,000 rows costs more than the query.
    return tuple(
        VisitFact(
            id=vid,
            staff_id=staff_id,
            unit_id=unit_id,
            work_date=work_date,
            requested_at=requested_at,
            arrived_at=arrived_at,
            done_at=done_at,
            left_at=left_at,
            done_date=done_date,
            shift_start_at=shift_start,
            shift_end_at=shift_end,
            roster_id=roster_id,
            overtime_id=ot_id,
            overtime_approved_at=decided_at,
            overtime_approved_by_director=bool(is_director),
            opened_date=requested_at.astimezone(tz).date(),
        )
        for (
            vid, staff_id, unit_id, work_date, requested_at, arrived_at, done_at, left_at,
            done_date, roster_id, shift_start, shift_end, ot_id, decided_at, is_director,
        ) in session.execute(stmt)
    )  # fmt: skip


def _tip_lines(
    session: Session, office_id: int, start: datetime, end: datetime
) -> tuple[TipLineFact, ...]:
    t = TipLine
    stmt = select(
        col(t.id), col(t.staff_id), col(t.unit_id), col(t.amount_fen), col(t.received_at),
        col(t.handed_over_at), col(t.feedback_id),
    ).where(
        col(t.office_id) == office_id, col(t.received_at) >= start, col(t.received_at) <= end
    )  # fmt: skip
    return tuple(
        TipLineFact(
            r.id,
            r.staff_id,
            r.unit_id,
            r.amount_fen,
            r.received_at,
            r.handed_over_at,
            feedback_id=r.feedback_id,
        )
        for r in session.execute(stmt)
    )


def _damages(
    session: Session, office_id: int, start: datetime, end: datetime
) -> tuple[DamageFact, ...]:
    d = DamageIncident
    stmt = select(
        col(d.id), col(d.staff_id), col(d.unit_id), col(d.occurred_at), col(d.item),
        col(d.assessed_value_fen),
    ).where(
        col(d.office_id) == office_id, col(d.occurred_at) >= start, col(d.occurred_at) < end
    )  # fmt: skip
    return tuple(
        DamageFact(r.id, r.staff_id, r.unit_id, r.occurred_at, r.item, r.assessed_value_fen)
        for r in session.execute(stmt)
    )


def gather(
    session: Session,
    office_id: int,
    start: date,
    end: date,
    as_of: datetime,
    tz: tzinfo,
    needs: frozenset[str],
) -> FactBundle:
    """Everything the detectors need for the period [start, end] (office-local dates)."""
    margin = timedelta(days=3)  # a tip handed over just outside the period still counts
    start_utc = datetime.combine(start, time(), tz)
    end_utc = datetime.combine(end + timedelta(days=1), time(), tz)
    # Field days are built from the visits (first job, its shift), so one scan serves both.
    visits = _visits(session, office_id, start, end, tz) if needs & {"visits", "field_days"} else ()
    field_days = (
        _field_days(
            tuple(v for v in visits if v.work_date <= end),
            _field_day_punches(session, office_id, start, end),
        )
        if "field_days" in needs
        else ()
    )
    return FactBundle(
        as_of=as_of,
        as_of_date=as_of.astimezone(tz).date(),
        period_start=start,
        period_end=end,
        feedback=_feedback(session, office_id, start, end) if "feedback" in needs else (),
        field_days=field_days,
        visits=visits if "visits" in needs else (),
        tip_lines=(
            _tip_lines(session, office_id, start_utc - margin, end_utc + margin)
            if "tip_lines" in needs
            else ()
        ),
        damages=_damages(session, office_id, start_utc, end_utc) if "damages" in needs else (),
    )
