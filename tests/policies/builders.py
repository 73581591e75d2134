"""Small builders for facts, so each test states only what it is about."""

import random
from datetime import UTC, date, datetime, timedelta

from policies.facts import (
    DamageFact,
    FactBundle,
    FeedbackFact,
    PunchFact,
    TipLineFact,
    VisitFact,
)
from policies.vocab import FeedbackCategory, FeedbackChannel, Satisfaction

# 09:00 in Shanghai on a Tuesday.
T0 = datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
D0 = date(2024, 3, 5)
STAFF = 7
UNIT = 101


def feedback(
    id: int = 1,
    *,
    category: FeedbackCategory = FeedbackCategory.ATTITUDE,
    channel: FeedbackChannel = FeedbackChannel.PHONE,
    staff_id: int = STAFF,
    unit_id: int | None = UNIT,
    occurred_at: datetime = T0,
    work_date: date | None = None,
    satisfaction: Satisfaction | None = None,
    amount_fen: int | None = None,
) -> FeedbackFact:
    return FeedbackFact(
        id=id,
        staff_id=staff_id,
        unit_id=unit_id,
        category=category,
        channel=channel,
        occurred_at=occurred_at,
        work_date=work_date or occurred_at.date(),
        satisfaction=satisfaction,
        amount_fen=amount_fen,
    )


def visit(
    id: int = 1,
    *,
    staff_id: int = STAFF,
    unit_id: int = UNIT,
    work_date: date = D0,
    arrived_at: datetime | None = T0 + timedelta(hours=1),
    done_at: datetime | None = T0 + timedelta(hours=2),
    left_at: datetime | None = T0 + timedelta(hours=2, minutes=5),
    done_date: date | None = D0,
    shift_start_at: datetime | None = T0,
    shift_end_at: datetime | None = T0 + timedelta(hours=9),
    roster_id: int | None = 50,
    overtime_id: int | None = None,
    overtime_approved_at: datetime | None = None,
    overtime_approved_by_director: bool = False,
    roster_work_date: date | None = D0,
) -> VisitFact:
    return VisitFact(
        id=id,
        staff_id=staff_id,
        unit_id=unit_id,
        work_date=work_date,
        requested_at=T0 - timedelta(hours=1),
        arrived_at=arrived_at,
        done_at=done_at,
        left_at=left_at,
        done_date=done_date,
        shift_start_at=shift_start_at,
        shift_end_at=shift_end_at,
        roster_id=roster_id,
        overtime_id=overtime_id,
        overtime_approved_at=overtime_approved_at,
        overtime_approved_by_director=overtime_approved_by_director,
        roster_work_date=roster_work_date if roster_id is not None else None,
    )


def punch(id: int, kind: str, at: datetime, *, staff_id: int = STAFF) -> PunchFact:
    return PunchFact(id=id, staff_id=staff_id, kind=kind, at=at)


def tip(
    id: int = 1,
    *,
    staff_id: int = STAFF,
    unit_id: int = UNIT,
    amount_fen: int = 10_000,
    received_at: datetime = T0,
    handed_over_at: datetime | None = T0 + timedelta(hours=2),
) -> TipLineFact:
    return TipLineFact(
        id=id,
        staff_id=staff_id,
        unit_id=unit_id,
        amount_fen=amount_fen,
        received_at=received_at,
        handed_over_at=handed_over_at,
    )


def damage(id: int = 1, *, assessed_value_fen: int | None = 10_000) -> DamageFact:
    return DamageFact(
        id=id,
        staff_id=STAFF,
        unit_id=UNIT,
        occurred_at=T0,
        item="木地板",
        assessed_value_fen=assessed_value_fen,
    )


def bundle(
    *, as_of: datetime = T0 + timedelta(days=30), as_of_date: date | None = None, **facts: object
) -> FactBundle:
    """A bundle for March 2024; pass facts as tuples or lists by field name."""
    return FactBundle(
        as_of=as_of,
        period_start=date(2024, 3, 1),
        period_end=date(2024, 3, 31),
        as_of_date=as_of_date,
        **{name: tuple(value) for name, value in facts.items()},  # type: ignore[arg-type]
    )


def many_feedback(n: int, seed: int) -> list[FeedbackFact]:
    """n reports of every category from 40 staff and 300 units over a year (volume tests)."""
    rng = random.Random(seed)
    categories = list(FeedbackCategory)
    return [
        feedback(
            i,
            category=rng.choice(categories),
            staff_id=rng.randrange(40),
            unit_id=rng.randrange(300),
            occurred_at=T0 + timedelta(minutes=rng.randrange(365 * 24 * 60)),
        )
        for i in range(n)
    ]


def many_tips(n: int, seed: int) -> tuple[list[TipLineFact], list[FeedbackFact]]:
    """n tip lines over 90 days, some handed over late, each reported four times."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        received = T0 + timedelta(minutes=rng.randrange(90 * 24 * 60))
        lines.append(
            tip(
                i,
                staff_id=rng.randrange(40),
                unit_id=rng.randrange(300),
                amount_fen=rng.randrange(1, 500) * 100,
                received_at=received,
                handed_over_at=received + timedelta(hours=rng.randrange(1, 72)),
            )
        )
    reports = [
        feedback(
            i,
            category=FeedbackCategory.TIP_REPORTED,
            staff_id=line.staff_id,
            unit_id=line.unit_id,
            occurred_at=line.received_at,
        )
        for i, line in enumerate(lines * 4)
    ]
    return lines, reports
