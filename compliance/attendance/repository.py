"""Attendance queries and the bulk insert used by the punch-clock import."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from compliance.attendance.models import AttendanceEvent, RosterShift


def shift_on(session: Session, staff_id: int, work_date: date) -> RosterShift | None:
    """The staff member's rostered shift on a local date, if any."""
    return session.execute(
        select(RosterShift).where(
            col(RosterShift.staff_id) == staff_id, col(RosterShift.work_date) == work_date
        )
    ).scalar_one_or_none()


def events_on(session: Session, staff_id: int, work_date: date) -> list[AttendanceEvent]:
    """The staff member's punches on a local date, in time order."""
    rows = session.execute(
        select(AttendanceEvent)
        .where(
            col(AttendanceEvent.staff_id) == staff_id, col(AttendanceEvent.work_date) == work_date
        )
        .order_by(col(AttendanceEvent.at), col(AttendanceEvent.id))
    ).scalars()
    return list(rows)


def existing_punches(
    session: Session, office_id: int, staff_ids: Iterable[int], start: datetime, end: datetime
) -> set[tuple[int, datetime, str]]:
    """(staff_id, at, kind) of the office's punches in [start, end] for the given staff."""
    ids = sorted(set(staff_ids))
    if not ids:
        return set()
    rows = session.execute(
        select(
            col(AttendanceEvent.staff_id), col(AttendanceEvent.at), col(AttendanceEvent.kind)
        ).where(
            col(AttendanceEvent.office_id) == office_id,
            col(AttendanceEvent.staff_id).in_(ids),
            col(AttendanceEvent.at) >= start,
            col(AttendanceEvent.at) <= end,
        )
    )
    return {(r.staff_id, r.at, r.kind) for r in rows}


def insert_events(session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert many punches in one executemany (no ORM objects); return how many."""
    if rows:
        session.execute(insert(AttendanceEvent), list(rows))
    return len(rows)


def insert_shifts(session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert many roster shifts in one executemany; return how many."""
    if rows:
        session.execute(insert(RosterShift), list(rows))
    return len(rows)
