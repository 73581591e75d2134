"""Deterministic demo and benchmark data: a whole office, bulk-inserted with SQLAlchemy Core.

One random.Random(seed) drives everything, so the same arguments give the same rows. Rows
are plain dicts inserted in chunks (no ORM objects); roster and attendance, by far the
largest tables, are streamed so that a year of 2,000 staff never sits in memory at once.

Breaches of every rule are injected at the rates in `Rates` - always at least `min_each`
of every kind, so that a small office still shows them all - next to near misses that
must pass: a ring of exactly the limit, a gap of exactly the minimum, leaving exactly at
the linger limit, a sign-back exactly at the end of the grace period, a check-in at the
minute the first job starts, overtime approved at the minute of arrival, a tip handed over
after 47 hours.

The builder is layered, one module per stage, in the order the office is generated:
builder (clock, bulk inserts) < people < jobs < feedback_tips < inspections_attendance.
"""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.actors import Role
from compliance.audit.service import append
from compliance.demo.builder import LocalClock, Rates
from compliance.demo.feedback_tips import RETURN_VISIT_SHARE
from compliance.demo.inspections_attendance import OfficeBuilder
from compliance.feedback.models import Feedback


def generate_office(
    session: Session,
    *,
    code: str,
    name: str,
    city: str,
    n_staff: int,
    n_units: int,
    start: date,
    days: int,
    seed: int,
    rates: Rates,
    timezone: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> dict[str, int]:
    """Bulk-insert an office with `days` days of records from `start`; counts per table.

    Flushes, never commits: the caller's transaction holds the whole office. `now` (the
    end of the period by default) is when the load is audited; nothing is dated after it.
    """
    if n_staff < 1 or n_units < 2 or days < 7:
        raise ValueError("need at least one staff member, two units and seven days")
    local = LocalClock(ZoneInfo(timezone), start)
    gen = OfficeBuilder(session, random.Random(seed), rates, local, days, now or local.at(days, 0))
    gen.office(code, name, city, timezone)
    gen.office_users()
    gen.people(n_staff)
    gen.units(n_units)
    jobs = gen.plan_jobs()
    gen.visits(jobs)
    gen.overtime(jobs)
    feedback = gen.damages(jobs)
    total = round(rates.feedback * gen.shift_days)
    feedback += gen.return_visits(jobs, round(RETURN_VISIT_SHARE * total))
    feedback += gen.complaints(total)
    feedback += gen.incompetence()
    feedback += gen.tips(jobs)
    feedback.sort(key=lambda r: (r["received_at"], r["occurred_at"]))
    gen.insert(Feedback, feedback)
    gen.spot_checks()
    gen.attendance()
    counts = dict(sorted(gen.counts.items()))
    append(
        session,
        at=gen.now,
        actor_id=gen.users["admin"],
        actor_role=Role.ADMIN.value,
        office_id=gen.office_id,
        action="demo.generated",
        entity="office",
        entity_id=str(gen.office_id),
        payload={"code": code, "seed": seed, "start": start, "days": days, "counts": counts},
    )
    return counts
