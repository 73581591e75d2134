"""The clock is injected so that 'within 90 days' is deterministic in tests."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Something that tells the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until told to move (tests, demo data)."""

    current: datetime

    def now(self) -> datetime:
        """The fixed time."""
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.current += delta


def ensure_utc(value: datetime, field: str = "time") -> datetime:
    """Return value in UTC; naive datetimes are refused because their zone is a guess."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must carry a time zone")
    return value.astimezone(UTC)


def local_date(value: datetime, tz: tzinfo) -> date:
    """The calendar date of an instant in the office's time zone."""
    return value.astimezone(tz).date()


def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name."""
    return ZoneInfo(name)
