"""Gather the facts for a detection run with a handful of explicit, set-based queries.

Each query reads one table (with its joins) for the whole office and period, never one
staff member at a time. Punches are the exception to reading everything: only those of
the days around a job in a home are sought, by index, so a year of 2,000 staff (over a
million punches) stays a few queries and little memory.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.tips.models import TipLine
from compliance.visits.models import Visit
from policies.facts import (
    DamageFact,
    FactBundle,
    FeedbackFact,
    PunchFact,
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


def _plus_days(session: Session, day: Any, n: int) -> Any:
    """A date column moved by n days, in the database's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"{n:+d} days")  # SQLite keeps dates as 'YYYY-MM-DD' text
    return day + n  # PostgreSQL: date + integer is a date


def _punches(session: Session, office_id: int, start: date, end: date) -> tuple[PunchFact, ...]:
    """Check-ins and sign-backs on the days around every day with a job in a home.

    A duty can start the evening before its jobs (a night shift's check-in) and end the
    morning after (a sign-back after midnight), so each job's day and its neighbours are
    read. Only those days' punches are sought, by the (staff, day, kind) index: a year of
    2,000 staff has a million punches but only tens of thousands of field days.
    """
    v, a = Visit, AttendanceEvent
    field = and_(
        col(v.office_id) == office_id, col(v.work_date) >= start, col(v.work_date) <= end,
        col(v.arrived_at).is_not(None),
    )  # fmt: skip
    wd = col(v.work_date)
    days = union(
        *(
            select(col(v.staff_id).label("staff_id"), day.label("work_date")).where(field)
            for day in (wd, _plus_days(session, wd, -1), _plus_days(session, wd, 1))
        )
    ).subquery("days")
    stmt = (
        select(col(a.id), col(a.staff_id), col(a.kind), col(a.at))
        .join(
            days,
            and_(col(a.staff_id) == days.c.staff_id, col(a.work_date) == days.c.work_date),
        )
        .where(col(a.office_id) == office_id)
        .order_by(col(a.staff_id), col(a.at), col(a.id))
    )
    return tuple(
        PunchFact(id=pid, staff_id=staff_id, kind=kind, at=at)
        for pid, staff_id, kind, at in session.execute(stmt)
    )


def _pick_shift(arrived: datetime | None, *shifts: tuple[Any, ...]) -> tuple[Any, ...]:
    """The shift a job belongs to: the one it began in, else the nearest in time.

    Candidates are the shifts rostered on the job's own day and the day before (a night
    shift from 22:00 holds a job at 01:00); the job's own day wins a tie.
    """
    found = [s for s in shifts if s[0] is not None]
    if not found:
        return (None, None, None, None)
    if arrived is None:
        return found[0]

    def gap(s: tuple[Any, ...]) -> timedelta:
        begin: datetime = s[2]
        finish: datetime = s[3]
        if begin <= arrived < finish:
            return timedelta(0)
        return begin - arrived if arrived < begin else arrived - finish

    return min(found, key=gap)


# R04 judges a work order by the day it was opened: an order opened in the period but first
# visited after it has a later work_date and is read too (up to this many days later).
OPENED_LOOKAHEAD_DAYS = 62


def _visits(
    session: Session, office_id: int, start: date, end: date, tz: tzinfo
) -> tuple[VisitFact, ...]:
    v, ot = Visit, OvertimeRequest
    rs, rp = aliased(RosterShift), aliased(RosterShift)
    approved = and_(
        col(ot.visit_id) == col(v.id), col(ot.decision) == OvertimeDecision.APPROVED.value
    )
    # The approver's capacity as recorded with the approval; rows from before it was
    # recorded fall back to the user's flag.
    director = func.coalesce(col(ot.approver_was_director), col(User.is_director))
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
            col(rs.id), col(rs.work_date), col(rs.start_at), col(rs.end_at),
            col(rp.id), col(rp.work_date), col(rp.start_at), col(rp.end_at),
            col(ot.id).label("ot_id"),
            col(ot.decided_at),
            director,
        )
        .outerjoin(
            rs, and_(col(rs.staff_id) == col(v.staff_id), col(rs.work_date) == col(v.work_date))
        )
        .outerjoin(
            rp,
            and_(
                col(rp.staff_id) == col(v.staff_id),
                col(rp.work_date) == _plus_days(session, col(v.work_date), -1),
            ),
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
    )  # fmt: skip
    out: dict[int, VisitFact] = {}
    # Rows unpacked as tuples: named attribute access on 50,000 rows costs more than the query.
    for (
        vid, staff_id, unit_id, work_date, requested_at, arrived_at, done_at, left_at,
        done_date, s_id, s_day, s_start, s_end, p_id, p_day, p_start, p_end, ot_id,
        decided_at, is_director,
    ) in session.execute(stmt):  # fmt: skip
        roster_id, roster_day, shift_start, shift_end = _pick_shift(
            arrived_at, (s_id, s_day, s_start, s_end), (p_id, p_day, p_start, p_end)
        )
        fact = VisitFact(
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
            roster_work_date=roster_day,
            overtime_id=ot_id,
            overtime_approved_at=decided_at,
            overtime_approved_by_director=bool(is_director),
            opened_date=requested_at.astimezone(tz).date(),
        )
        # A job with more than one approved request is judged by its best approval: the
        # director's, earliest given (a later re-approval must not make a breach of it).
        seen = out.get(vid)
        if seen is None or _approval_rank(fact) < _approval_rank(seen):
            out[vid] = fact
    return tuple(out.values())


def _approval_rank(v: VisitFact) -> tuple[bool, datetime]:
    given = v.overtime_approved_at or datetime.max.replace(tzinfo=UTC)
    return (not v.overtime_approved_by_director, given)


def _tip_lines(
    session: Session, office_id: int, start: datetime, end: datetime
) -> tuple[TipLineFact, ...]:
    t = TipLine
    stmt = select(
        col(t.id), col(t.staff_id), col(t.unit_id), col(t.amount_fen), col(t.received_at),
        col(t.handed_over_at), col(t.feedback_id), col(t.declared_at),
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
            declared_at=r.declared_at,
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
    # A night duty begun the evening before the period holds jobs inside it: its jobs and
    # punches are read too, so the duty is judged whole (its findings keep their own dates).
    before = start - timedelta(days=1)
    visits = _visits(session, office_id, before, end, tz) if "visits" in needs else ()
    punches = _punches(session, office_id, before, end) if "punches" in needs else ()
    return FactBundle(
        as_of=as_of,
        as_of_date=as_of.astimezone(tz).date(),
        period_start=start,
        period_end=end,
        feedback=_feedback(session, office_id, start, end) if "feedback" in needs else (),
        visits=visits,
        punches=punches,
        tip_lines=(
            _tip_lines(session, office_id, start_utc - margin, end_utc + margin)
            if "tip_lines" in needs
            else ()
        ),
        damages=_damages(session, office_id, start_utc, end_utc) if "damages" in needs else (),
    )
