"""Service records inserted directly (the work-order use cases are tested on their own): an
order with its events and hops, a call, a return visit, a notice."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.service.models import (
    LobbyNotice,
    ReturnVisit,
    ServiceCall,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)

SH = ZoneInfo("Asia/Shanghai")


def local(day: str, hm: str = "10:00") -> datetime:
    """An office-local time (Shanghai) as UTC."""
    h, m = (int(x) for x in hm.split(":"))
    return datetime.fromisoformat(day).replace(hour=h, minute=m, tzinfo=SH).astimezone(UTC)


_numbers = iter(range(1, 10**7))


@dataclass
class OrderBuilder:
    session: Session
    office_id: int
    order: ServiceOrder
    events: list[ServiceEvent] = field(default_factory=list)

    def event(
        self,
        action: str,
        at: datetime,
        staff_id: int | None = None,
        *,
        note: str = "",
        call_id: int | None = None,
        photo_file_id: int | None = None,
        checkin: str = "",
        details: dict[str, object] | None = None,
    ) -> ServiceEvent:
        ev = ServiceEvent(
            office_id=self.office_id,
            order_id=self.order.id or 0,
            action=action,
            at=at,
            staff_id=staff_id,
            note=note,
            call_id=call_id,
            photo_file_id=photo_file_id,
            checkin_method=checkin,
            details=json.dumps(details or {}),
            recorded_at=at,
        )
        self.session.add(ev)
        self.session.flush()
        self.events.append(ev)
        return ev

    def hop(
        self, role: str, staff_id: int, start: datetime, end: datetime | None = None
    ) -> ServiceHop:
        start_ev = self.event(
            "assign_manager" if role == "manager" else "dispatch", start, staff_id
        )
        hop = ServiceHop(
            office_id=self.office_id,
            order_id=self.order.id or 0,
            role=role,
            staff_id=staff_id,
            start_at=start,
            end_at=end,
            start_event_id=start_ev.id or 0,
        )
        self.session.add(hop)
        self.session.flush()
        return hop

    def reply(self, at: datetime, staff_id: int, method: str = "in_person") -> ServiceEvent:
        return self.event("reply", at, staff_id, note="已答复住户", details={"method": method})


def order(
    session: Session,
    office_id: int,
    received: datetime,
    *,
    kind: str = "repair",
    channel: str = "phone",
    severity: str = "normal",
    complaint_class: str = "",
    receiver: int | None = None,
    state: str = "received",
) -> OrderBuilder:
    o = ServiceOrder(
        office_id=office_id,
        number=f"T{next(_numbers):07d}",
        kind=kind,
        channel=channel,
        severity=severity,
        complaint_class=complaint_class,
        received_at=received,
        state=state,
        created_at=received,
    )
    session.add(o)
    session.flush()
    b = OrderBuilder(session, office_id, o)
    b.event("receive", received, receiver)
    return b


def call(
    session: Session,
    office_id: int,
    at: datetime,
    *,
    rings: int | None = None,
    seconds: int | None = None,
    staff_id: int | None = None,
    direction: str = "in",
    order_id: int | None = None,
) -> ServiceCall:
    c = ServiceCall(
        office_id=office_id,
        called_at=at,
        direction=direction,
        rings=rings,
        answer_seconds=seconds,
        answered_by_staff_id=staff_id,
        order_id=order_id,
        created_at=at,
        source_key=f"t{next(_numbers)}",
    )
    session.add(c)
    session.flush()
    return c


def revisit(
    session: Session,
    office_id: int,
    unit_id: int,
    at: datetime,
    staff_id: int,
    *,
    order_id: int | None = None,
    rating: int | None = 5,
) -> ReturnVisit:
    v = ReturnVisit(
        office_id=office_id,
        unit_id=unit_id,
        order_id=order_id,
        method="phone",
        visitor_staff_id=staff_id,
        visited_at=at,
        rating=rating,
        created_at=at,
    )
    session.add(v)
    session.flush()
    return v


def notice(
    session: Session,
    office_id: int,
    detected: datetime,
    posted: datetime | None,
    staff_id: int | None,
) -> LobbyNotice:
    n = LobbyNotice(
        office_id=office_id,
        building="1栋",
        topic="电梯噪音",
        households_raising=6,
        households_visited=10,
        households_total=12,
        detected_at=detected,
        posted_at=posted,
        responsible_staff_id=staff_id,
    )
    session.add(n)
    session.flush()
    return n


__all__ = ["SH", "local", "timedelta"]
