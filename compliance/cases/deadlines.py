"""Deadlines of a case, on the office calendar (public holidays and 调休 workdays counted).

- The statement (申辩) is due within 3 **working days** of the request (SPEC §4).
- The appeal window is **7 calendar days** from the day the decision notice was served
  (SPEC §4/§6 and the README say "the 7-day appeal window"; neither the rulebook nor the SPEC
  makes it working days). It is counted as the law counts periods (《民法典》第二百零一条: the
  day of service is not counted; 第二百零三条: a last day that is a rest day or a public
  holiday moves to the first working day after it), so a window that ends during 国庆 or 春节
  stays open until the office works again.

A deadline in a year the office calendar does not hold is refused (CalendarNotCovered),
never guessed.
"""

from datetime import date

from sqlmodel import Session

from compliance.calendar import service as calendar

# SPEC §4: the statement is due within 3 working days of the request.
STATEMENT_WORKING_DAYS = 3
# Calendar days after the notice is served during which the staff member may appeal.
APPEAL_WINDOW_DAYS = 7


def statement_due(session: Session, office_id: int, requested_on: date) -> date:
    """The last day for the statement: the 3rd working day after the request."""
    return calendar.add_working_days(session, office_id, requested_on, STATEMENT_WORKING_DAYS)


def appeal_deadline(session: Session, office_id: int, served_on: date) -> date:
    """The last day on which an appeal is accepted: 7 days after service, moved off a rest
    day or holiday to the next working day."""
    return calendar.period_end(session, office_id, served_on, APPEAL_WINDOW_DAYS)
