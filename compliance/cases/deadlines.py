"""Deadlines of a case, in local calendar days of the office."""

from datetime import date, timedelta

# SPEC §4: the statement is due within 3 working days of the request.
STATEMENT_WORKING_DAYS = 3
# Days after the notice is served during which the staff member may appeal (inclusive).
APPEAL_WINDOW_DAYS = 7


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`, skipping Saturdays and Sundays.

    Public holidays are not skipped: the office has no holiday calendar yet, and HR may
    set a later due date by hand.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def appeal_deadline(notified_on: date, window_days: int = APPEAL_WINDOW_DAYS) -> date:
    """The last day on which an appeal is accepted."""
    return notified_on + timedelta(days=window_days)
