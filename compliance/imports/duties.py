"""Which duty a punch belongs to, for a clock file without an in/out column.

The rule (README, "Punch-clock imports"):

1. A punch within a rostered shift of its staff member — from 4 hours before the shift
   starts to 4 hours after it ends — belongs to that shift's duty (its work date), so a night
   shift crossing midnight is one duty, dated the day it started.
2. Otherwise the duty is the office calendar day of the punch (office time zone), except that
   a duty whose first punch is at 18:00 or later is a night duty: it runs on until 12:00 the
   next day, and that morning's punches close it.

Within a duty the first punch is the check-in and the last the sign-back; punches between
them are not imported. A duty with one punch is flagged: it is taken as a check-in when it
falls in the first half of the rostered shift (without a roster: before 12:00 or from 18:00),
else as a sign-back, and the missing punch is left for the attendance exceptions to report.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from compliance.attendance.models import PunchKind, RosterShift
from compliance.context import Ctx

MARGIN = timedelta(hours=4)  # a punch this far outside a rostered shift still belongs to it
NIGHT_START = time(18, 0)  # a duty whose first punch is this late runs past midnight
NIGHT_END = time(12, 0)  # ... until this time the next day
MIDDAY = time(12, 0)


@dataclass
class Duty:
    """The punches of one staff member's duty, in time order."""

    day: date
    times: list[datetime] = field(default_factory=list)
    tz: Any = None  # the office's zone
    shift: Any = None  # the RosterShift it is, if rostered
    night_until: datetime | None = None

    @property
    def single(self) -> bool:
        """A duty with one punch: the other is missing."""
        return len(self.times) == 1

    def between(self, at: datetime) -> bool:
        """Whether the punch is neither the first nor the last."""
        return len(self.times) > 2 and at not in (self.times[0], self.times[-1])

    def kind_of(self, at: datetime) -> str:
        """First: check-in; last: sign-back; a single punch by where it falls."""
        if not self.single:
            return (PunchKind.CHECK_IN if at == self.times[0] else PunchKind.SIGN_BACK).value
        if self.shift is not None:
            middle = self.shift.start_at + (self.shift.end_at - self.shift.start_at) / 2
            early = at <= middle
        else:
            local = at.astimezone(self.tz).time()
            early = local < MIDDAY or local >= NIGHT_START
        return (PunchKind.CHECK_IN if early else PunchKind.SIGN_BACK).value


def _shifts(ctx: Ctx, staff_ids: set[int], first: date, last: date) -> dict[int, list[Any]]:
    rows = ctx.session.execute(
        select(RosterShift).where(
            col(RosterShift.office_id) == ctx.actor.office_id,
            col(RosterShift.staff_id).in_(sorted(staff_ids)),
            col(RosterShift.work_date) >= first - timedelta(days=1),
            col(RosterShift.work_date) <= last + timedelta(days=1),
        )
    ).scalars()
    out: dict[int, list[Any]] = defaultdict(list)
    for s in rows:
        out[s.staff_id].append(s)
    return out


def _shift_for(shifts: list[Any], at: datetime) -> Any:
    near = [s for s in shifts if s.start_at - MARGIN <= at <= s.end_at + MARGIN]
    return min(near, key=lambda s: abs(s.start_at - at)) if near else None


def assign_duties(
    ctx: Ctx, punches: Iterable[tuple[int, datetime]]
) -> dict[tuple[int, datetime], Duty]:
    """Each (staff_id, UTC time) -> its duty (see the module's rule)."""
    tz = ctx.tz
    by_staff: dict[int, list[datetime]] = defaultdict(list)
    for staff_id, at in punches:
        by_staff[staff_id].append(at)
    if not by_staff:
        return {}
    days = [at.astimezone(tz).date() for ats in by_staff.values() for at in ats]
    shifts = _shifts(ctx, set(by_staff), min(days), max(days))
    out: dict[tuple[int, datetime], Duty] = {}
    for staff_id, ats in by_staff.items():
        rostered: dict[int, Duty] = {}
        current: Duty | None = None
        for at in sorted(ats):
            shift = _shift_for(shifts.get(staff_id, []), at)
            if shift is not None:
                duty = rostered.setdefault(shift.id, Duty(shift.work_date, tz=tz, shift=shift))
            else:
                local = at.astimezone(tz)
                joins = current is not None and (
                    (current.night_until is not None and at < current.night_until)
                    or (current.night_until is None and current.day == local.date())
                )
                if not joins or current is None:
                    night = None
                    if local.time() >= NIGHT_START:
                        next_day = local.date() + timedelta(days=1)
                        night = datetime.combine(next_day, NIGHT_END, tz)
                    current = Duty(local.date(), tz=tz, night_until=night)
                duty = current
            duty.times.append(at)
            out[(staff_id, at)] = duty
    return out
