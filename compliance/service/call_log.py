"""Reading the front desk's call log (来电记录) a day or a month at a time, a page at a time: each
call with who answered, the caller's unit, the work order it opened, and whether it was
answered within 3 rings (S01: 要求所有来电不得超过三声必须接听).

S01 is read from the evaluated clock (service_clock, subject "call:ID") when the clocks have
run; until then the page shows the call's own figure: rings ≤ 3, or, where the phone system
gives only the seconds to answer, ≤ 3 rings' worth of seconds (5 s a ring by default).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.residents.models import Unit
from compliance.service.models import ServiceCall, ServiceClock, ServiceOrder
from compliance.staff.models import Staff
from policies.service.standards import SECONDS_PER_RING_DEFAULT, standard

MAX_RINGS = standard("S01").target  # 不得超过三声


def within_rings(rings: int | None, seconds: int | None, per_ring: int) -> bool | None:
    """The call's own S01 figure: within 3 rings (None: no figure, or not answered)."""
    if rings is not None:
        return rings <= MAX_RINGS
    if seconds is not None:
        return seconds <= MAX_RINGS * per_ring
    return None


@dataclass(frozen=True)
class CallLine:
    """One call as the log lists it."""

    id: int
    called_at: datetime
    direction: str
    answered: bool
    rings: int | None
    answer_seconds: int | None
    duration_seconds: int | None
    caller_phone: str
    staff_name: str
    unit_label: str
    purpose: str
    order_id: int | None
    order_number: str
    source: str
    clock_state: str  # "" until evaluated; else met / breached / excused / running
    within: bool | None  # the call's own figure (S01), when no clock was evaluated


@dataclass(frozen=True)
class CallPage:
    """A page of calls and the counts of the whole period."""

    lines: tuple[CallLine, ...]
    total: int
    answered: int
    within: int  # answered within 3 rings by the calls' own figures


def period(day: date | None, month: date | None, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds [start, end) of an office day, or of the month of `month`."""
    if day is not None:
        start = datetime.combine(day, time(), zone)
        return start, datetime.combine(day + timedelta(days=1), time(), zone)
    assert month is not None
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time(), zone), datetime.combine(after, time(), zone)


def list_calls(
    session: Session,
    office_id: int,
    start: datetime,
    end: datetime,
    *,
    offset: int = 0,
    limit: int = 50,
    per_ring: int = SECONDS_PER_RING_DEFAULT,
) -> CallPage:
    """The office's calls in [start, end), oldest first, a page at a time (three queries)."""
    where = (
        col(ServiceCall.office_id) == office_id,
        col(ServiceCall.called_at) >= start,
        col(ServiceCall.called_at) < end,
    )
    rows = session.execute(
        select(
            ServiceCall,
            col(Staff.name),
            col(Unit.building),
            col(Unit.room),
            col(ServiceOrder.number),
        )
        .outerjoin(Staff, col(Staff.id) == col(ServiceCall.answered_by_staff_id))
        .outerjoin(Unit, col(Unit.id) == col(ServiceCall.unit_id))
        .outerjoin(ServiceOrder, col(ServiceOrder.id) == col(ServiceCall.order_id))
        .where(*where)
        .order_by(col(ServiceCall.called_at), col(ServiceCall.id))
        .offset(offset)
        .limit(limit)
    ).all()
    keys = [f"call:{c.id}" for c, *_ in rows]
    clocks = dict(
        session.execute(
            select(col(ServiceClock.subject_key), col(ServiceClock.state)).where(
                col(ServiceClock.office_id) == office_id,
                col(ServiceClock.standard) == "S01",
                col(ServiceClock.subject_key).in_(keys),
            )
        ).all()
    )
    lines = []
    for c, staff_name, building, room, number in rows:
        lines.append(
            CallLine(
                id=c.id or 0,
                called_at=c.called_at,
                direction=c.direction,
                answered=c.answered,
                rings=c.rings,
                answer_seconds=c.answer_seconds,
                duration_seconds=c.duration_seconds,
                caller_phone=c.caller_phone,
                staff_name=staff_name or "",
                unit_label=f"{building} {room}" if building else "",
                purpose=c.purpose,
                order_id=c.order_id,
                order_number=number or "",
                source=c.source,
                clock_state=clocks.get(f"call:{c.id}", ""),
                within=within_rings(c.rings, c.answer_seconds, per_ring)
                if c.answered and c.direction == "in"
                else None,
            )
        )
    total, answered, within = _counts(session, where, office_id, per_ring)
    return CallPage(tuple(lines), total, answered, within)


def _counts(
    session: Session, where: tuple[Any, ...], office_id: int, per_ring: int
) -> tuple[int, int, int]:
    """Calls, answered incoming calls, and those within 3 rings (one query)."""
    limit_s = MAX_RINGS * per_ring
    incoming = (col(ServiceCall.direction) == "in") & col(ServiceCall.answered)
    fast = incoming & (
        (col(ServiceCall.rings) <= MAX_RINGS)
        | (col(ServiceCall.rings).is_(None) & (col(ServiceCall.answer_seconds) <= limit_s))
    )
    row = session.execute(
        select(
            func.count(),
            func.count().filter(incoming),
            func.count().filter(fast),
        ).where(*where)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
