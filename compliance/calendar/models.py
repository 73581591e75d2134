"""The office calendar: the days that differ from a Monday-to-Friday week, and the years entered.

A year counts only once it is entered in full (`CalendarYear`): from the `chinesecalendar`
package for the years it covers, or by an admin from the State Council's notice. Within an
entered year a day is a working day unless it is a weekend or a holiday, and a weekend day
listed as a make-up workday (调休上班) is a working day.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class DayKind(StrEnum):
    """What an entered day is."""

    WORKDAY = "workday"  # a make-up working day (调休), usually a Saturday or Sunday
    HOLIDAY = "holiday"  # a public holiday or a rest day moved next to one


class Source(StrEnum):
    """Where an entry came from."""

    PACKAGE = "chinesecalendar"
    ADMIN = "admin"


class CalendarDay(SQLModel, table=True):
    """One day of an office's calendar that is not an ordinary weekday or weekend day."""

    __tablename__ = "office_calendar_day"
    __table_args__ = (UniqueConstraint("office_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    day: date
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=64)
    source: str = Field(max_length=16)
    recorded_at: datetime = utc_field()
    recorded_by: int | None = fk("user.id", nullable=True, index=False)


class CalendarYear(SQLModel, table=True):
    """A year whose holidays and make-up workdays are entered in full, and on what basis."""

    __tablename__ = "office_calendar_year"
    __table_args__ = (UniqueConstraint("office_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    year: int
    source: str = Field(max_length=16)
    basis: str = Field(default="", max_length=200)
    recorded_at: datetime = utc_field()
    recorded_by: int | None = fk("user.id", nullable=True, index=False)
