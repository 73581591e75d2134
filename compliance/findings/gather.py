"""Gather the facts for a detection run with a handful of explicit, set-based queries.

Each query reads one table for the whole office and period (no per-staff loops), with the
per-day aggregation done in SQL, so a year of 2,000 staff stays a few queries.
"""

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
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


def _first_per_day(
    id_: Any,
    staff_id: Any,
    work_date: Any,
    moment: Any,
    where: list[ColumnElement[bool]],
    *,
    last: bool = False,
) -> Select[*tuple[Any, ...]]:
    """The first (or last) row per staff member and day, picked by a window function."""
    order = moment.desc() if last else moment
    rn = func.row_number().over(partition_by=(staff_id, work_date), order_by=order)
    inner = select(
        id_.label("id"), staff_id.label("staff_id"), work_date.label("work_date"),
        moment.label("moment"), rn.label("rn"),
    ).where(*where).subquery()  # fmt: skip
    return select(inner.c.id, inner.c.staff_id, inner.c.work_date, inner.c.moment).where(
        inner.c.rn == 1
    )


def _field_days(
    session: Session, office_id: int, start: date, end: date
) -> tuple[FieldDayFact, ...]:
    v, a, rs = Visit, AttendanceEvent, RosterShift
    jobs = session.execute(
        _first_per_day(
            col(v.id),
            col(v.staff_id),
            col(v.work_date),
            col(v.arrived_at),
            [
                col(v.office_id) == office_id,
                col(v.work_date) >= start,
                col(v.work_date) <= end,
                col(v.arrived_at).is_not(None),
            ],
        )
    ).all()
    if not jobs:
        return ()

    def punches(kind: PunchKind, *, last: bool) -> dict[tuple[int, date], Any]:
        stmt = _first_per_day(
            col(a.id), col(a.staff_id), col(a.work_date), col(a.at),
            [col(a.office_id) == office_id, col(a.work_date) >= start, col(a.work_date) <= end,
             col(a.kind) == kind.value],
            last=last,
        )  # fmt: skip
        return {(r.staff_id, r.work_date): r for r in session.execute(stmt)}

    check_ins = punches(PunchKind.CHECK_IN, last=False)
    sign_backs = punches(PunchKind.SIGN_BACK, last=True)
    shifts = {
        (r.staff_id, r.work_date): r
        for r in session.execute(
            select(col(rs.id), col(rs.staff_id), col(rs.work_date), col(rs.end_at)).where(
                col(rs.office_id) == office_id, col(rs.work_date) >= start, col(rs.work_date) <= end
            )
        )
    }
    out = []
    for j in jobs:
        key = (j.staff_id, j.work_date)
        ci, sb, sh = check_ins.get(key), sign_backs.get(key), shifts.get(key)
        out.append(
            FieldDayFact(
                staff_id=j.staff_id,
                work_date=j.work_date,
                first_job_at=j.moment,
                first_job_visit_id=j.id,
                first_check_in_at=ci.moment if ci else None,
                first_check_in_id=ci.id if ci else None,
                last_sign_back_at=sb.moment if sb else None,
                last_sign_back_id=sb.id if sb else None,
                shift_end_at=sh.end_at if sh else None,
                roster_id=sh.id if sh else None,
            )
        )
    return tuple(out)


def _visits(session: Session, office_id: int, start: date, end: date) -> tuple[VisitFact, ...]:
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
        .where(col(v.office_id) == office_id, col(v.work_date) >= start, col(v.work_date) <= end)
    )
    return tuple(
        VisitFact(
            id=r.id,
            staff_id=r.staff_id,
            unit_id=r.unit_id,
            work_date=r.work_date,
            requested_at=r.requested_at,
            arrived_at=r.arrived_at,
            done_at=r.done_at,
            left_at=r.left_at,
            done_date=r.done_date,
            shift_start_at=r.start_at,
            shift_end_at=r.end_at,
            roster_id=r.roster_id,
            overtime_id=r.ot_id,
            overtime_approved_at=r.decided_at,
            overtime_approved_by_director=bool(r.is_director),
        )
        for r in session.execute(stmt)
    )


def _tip_lines(
    session: Session, office_id: int, start: datetime, end: datetime
) -> tuple[TipLineFact, ...]:
    t = TipLine
    stmt = select(
        col(t.id), col(t.staff_id), col(t.unit_id), col(t.amount_fen), col(t.received_at),
        col(t.handed_over_at),
    ).where(
        col(t.office_id) == office_id, col(t.received_at) >= start, col(t.received_at) <= end
    )  # fmt: skip
    return tuple(
        TipLineFact(r.id, r.staff_id, r.unit_id, r.amount_fen, r.received_at, r.handed_over_at)
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
    return FactBundle(
        as_of=as_of,
        as_of_date=as_of.astimezone(tz).date(),
        period_start=start,
        period_end=end,
        feedback=_feedback(session, office_id, start, end) if "feedback" in needs else (),
        field_days=_field_days(session, office_id, start, end) if "field_days" in needs else (),
        visits=_visits(session, office_id, start, end) if "visits" in needs else (),
        tip_lines=(
            _tip_lines(session, office_id, start_utc - margin, end_utc + margin)
            if "tip_lines" in needs
            else ()
        ),
        damages=_damages(session, office_id, start_utc, end_utc) if "damages" in needs else (),
    )
