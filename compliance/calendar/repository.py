"""Reads and writes of the office calendar tables."""

from datetime import date

from sqlmodel import Session, col, select

from compliance.calendar.models import CalendarDay, CalendarYear


def year_row(session: Session, office_id: int, year: int) -> CalendarYear | None:
    """The record that the office's year is entered in full, if it is."""
    return session.exec(
        select(CalendarYear).where(
            col(CalendarYear.office_id) == office_id, col(CalendarYear.year) == year
        )
    ).first()


def years(session: Session, office_id: int) -> list[CalendarYear]:
    """Every year entered for the office, in order."""
    return list(
        session.exec(
            select(CalendarYear)
            .where(col(CalendarYear.office_id) == office_id)
            .order_by(col(CalendarYear.year))
        )
    )


def days_of_year(session: Session, office_id: int, year: int) -> list[CalendarDay]:
    """The entered days of one year (holidays and make-up workdays), in order."""
    return list(
        session.exec(
            select(CalendarDay)
            .where(
                col(CalendarDay.office_id) == office_id,
                col(CalendarDay.day) >= date(year, 1, 1),
                col(CalendarDay.day) <= date(year, 12, 31),
            )
            .order_by(col(CalendarDay.day))
        )
    )


def day_row(session: Session, office_id: int, day: date) -> CalendarDay | None:
    """The entry for one day, if there is one."""
    return session.exec(
        select(CalendarDay).where(
            col(CalendarDay.office_id) == office_id, col(CalendarDay.day) == day
        )
    ).first()
