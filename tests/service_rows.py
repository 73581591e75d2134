"""Service rows inserted directly (clocks, return visits, fees, work orders) for the tests of
the service dashboard's figures, pages, workbook and report section."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.residents.models import Unit
from compliance.service.models import (
    FeeBill,
    FeePayment,
    ReturnVisit,
    ServiceClock,
    ServiceOrder,
)
from tests.factories import T0, OfficeSet

SH = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)
_keys = iter(range(1, 10**9))


def sh(*args: int) -> datetime:
    """An office time (Shanghai) as stored: UTC."""
    return datetime(*args, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


def clock(
    s: Session,
    office: OfficeSet,
    standard: str,
    state: str,
    started: datetime,
    holder: int | None = None,
    *,
    excuse: str = "",
    order_id: int | None = None,
    finding_id: int | None = None,
    subject: str = "",
) -> ServiceClock:
    row = ServiceClock(
        office_id=office.office.id or 0,
        standard=standard,
        standard_version="1",
        subject_key=subject or f"order:{order_id or next(_keys) + 10**6}",
        order_id=order_id,
        started_at=started,
        due_at=started + timedelta(hours=8),
        stopped_at=None if state == "running" else started + timedelta(hours=9),
        state=state,
        holder_staff_id=holder,
        excuse=excuse,
        finding_id=finding_id,
        evaluated_at=started + timedelta(days=1),
    )
    s.add(row)
    return row


def units(s: Session, office: OfficeSet, n: int) -> list[int]:
    """n more homes on the estate."""
    rows = [
        Unit(office_id=office.office.id or 0, building="9栋", room=f"{next(_keys)}", created_at=T0)
        for _ in range(n)
    ]
    s.add_all(rows)
    s.flush()
    return [u.id or 0 for u in rows]


def visit(s: Session, office: OfficeSet, unit_id: int, at: datetime, rating: int | None) -> None:
    s.add(
        ReturnVisit(
            office_id=office.office.id or 0,
            unit_id=unit_id,
            method="phone",
            visitor_staff_id=office.staff[0].id or 0,
            visited_at=at,
            rating=rating,
            created_at=at,
        )
    )


def ratings(s: Session, office: OfficeSet, values: list[int | None], day: int = 10) -> None:
    unit = office.units[0].id or 0
    for i, r in enumerate(values):
        visit(s, office, unit, sh(2026, 3, day, 9, i % 60), r)
    s.flush()


def bill(s: Session, office: OfficeSet, unit: int, fen: int, quarter: str = "2026-Q1") -> None:
    s.add(
        FeeBill(
            office_id=office.office.id or 0,
            unit_id=unit,
            quarter=quarter,
            item="management",
            amount_fen=fen,
            due_on=date(2026, 3, 31),
            created_at=T0,
        )
    )


def pay(
    s: Session, office: OfficeSet, unit: int, fen: int, at: datetime, quarter: str = "2026-Q1"
) -> None:
    s.add(
        FeePayment(
            office_id=office.office.id or 0,
            unit_id=unit,
            quarter=quarter,
            paid_at=at,
            amount_fen=fen,
            source_key=f"k{next(_keys)}",
            created_at=at,
        )
    )


def order(s: Session, office: OfficeSet, number: str) -> int:
    o = ServiceOrder(
        office_id=office.office.id or 0,
        number=number,
        kind="repair",
        channel="phone",
        received_at=sh(2026, 3, 10, 9),
        created_at=sh(2026, 3, 10, 9),
    )
    s.add(o)
    s.flush()
    return o.id or 0
