"""Facts the caller gathers from the records and hands to the rules.

Every datetime is timezone-aware UTC; every date is the office's local calendar date.
Money is integer fen. Facts are plain frozen values: rules never touch a database.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from policies.vocab import FeedbackCategory, FeedbackChannel, ItemResult, Satisfaction


@dataclass(frozen=True)
class FeedbackFact:
    """One piece of resident feedback about one staff member."""

    id: int
    staff_id: int
    unit_id: int | None
    category: FeedbackCategory
    channel: FeedbackChannel
    occurred_at: datetime
    work_date: date
    satisfaction: Satisfaction | None = None
    amount_fen: int | None = None


# Longer than this from arrival to the end of the work, on another office day, is no single
# trip: a job that needed another trip is recorded as two (the visit service refuses more).
MAX_TRIP = timedelta(hours=12)


@dataclass(frozen=True)
class VisitFact:
    """A job in a home (work order) with the roster and overtime facts around it."""

    id: int
    staff_id: int
    unit_id: int
    work_date: date
    requested_at: datetime
    arrived_at: datetime | None
    done_at: datetime | None
    left_at: datetime | None
    done_date: date | None
    shift_start_at: datetime | None = None
    shift_end_at: datetime | None = None
    roster_id: int | None = None
    overtime_id: int | None = None
    # When the director gave the approval (not when it was typed in), and whether the
    # approver was the office director at that moment (a flag cleared later changes nothing).
    overtime_approved_at: datetime | None = None
    overtime_approved_by_director: bool = False
    # The office-local date the shift above is rostered on: a night shift's jobs after
    # midnight belong to the duty that started the evening before.
    roster_work_date: date | None = None
    # The office-local day the order was opened (requested_at's day), which R04's 当日完成
    # counts from; work_date moves to the day of arrival. None: derived from requested_at.
    opened_date: date | None = None

    @property
    def in_shift(self) -> bool:
        """The job began inside the rostered shift it was matched to."""
        return (
            self.arrived_at is not None
            and self.shift_start_at is not None
            and self.shift_end_at is not None
            and self.shift_start_at <= self.arrived_at < self.shift_end_at
        )

    @property
    def two_trips_in_one(self) -> bool:
        """An older record of two trips as one visit: done on another day, over MAX_TRIP on.

        When the first trip left is unknown, so neither overtime (R09) nor a sign-back
        deadline (R02) can be drawn from its end.
        """
        end = self.done_at or self.left_at
        return (
            self.arrived_at is not None
            and end is not None
            and end - self.arrived_at > MAX_TRIP
            and self.done_date is not None
            and self.done_date != self.work_date
        )


@dataclass(frozen=True)
class PunchFact:
    """One office punch: a check-in before going out, or a sign-back after work."""

    id: int
    staff_id: int
    kind: str  # "check_in" or "sign_back"
    at: datetime


@dataclass(frozen=True)
class TipLineFact:
    """A tip the staff member declared, and its handover to the cashier if done."""

    id: int
    staff_id: int
    unit_id: int
    amount_fen: int
    received_at: datetime
    handed_over_at: datetime | None
    # The resident's tip report (feedback) this line settles, when the cashier linked it at
    # handover; R12 then matches the two directly instead of by time and amount.
    feedback_id: int | None = None
    # When the staff member declared it to the office (None: not known; a handover is a
    # declaration too). R12 tells a tip kept quiet past the deadline from one declared in time.
    declared_at: datetime | None = None


@dataclass(frozen=True)
class DamageFact:
    """A recorded damage incident."""

    id: int
    staff_id: int
    unit_id: int
    occurred_at: datetime
    item: str
    assessed_value_fen: int | None


@dataclass(frozen=True)
class ChecklistAnswer:
    """One spot-check checklist item as the inspector recorded it."""

    item_key: str
    result: ItemResult
    observed: int | None = None
    id: int | None = None
    staff_id: int | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class FactBundle:
    """Everything gathered for one detection run; detectors take what they need."""

    as_of: datetime
    period_start: date
    period_end: date
    feedback: tuple[FeedbackFact, ...] = ()
    visits: tuple[VisitFact, ...] = ()
    # Check-ins and sign-backs around the jobs in homes (R02 builds each duty from them).
    punches: tuple[PunchFact, ...] = ()
    tip_lines: tuple[TipLineFact, ...] = ()
    damages: tuple[DamageFact, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    # The office-local calendar date of `as_of`, so rules need no time-zone maths;
    # when None, rules fall back to as_of's UTC date.
    as_of_date: date | None = None
