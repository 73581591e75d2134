"""Payroll months: the wage and minimum wage in force in each, and month arithmetic."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_MONTHS = 120


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def aware(value: datetime | None, name: str) -> None:
    """Reject a naive datetime: every instant in the rulebook is timezone-aware."""
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")


def first_of_month(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def check_month(month: date, name: str) -> None:
    if month.day != 1:
        raise ValueError(f"{name} must be the first day of a month, got {month.isoformat()}")


def non_negative(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer (fen), got {value!r}")


@dataclass(frozen=True)
class MonthInfo:
    """One payroll month: its wage, the minimum wage and what instalments already took."""

    month: date
    wage_fen: int
    min_wage_fen: int
    already_taken_fen: int = 0

    def __post_init__(self) -> None:
        check_month(self.month, "month")
        non_negative(self.wage_fen, f"{self.month:%Y-%m} wage_fen")
        non_negative(self.min_wage_fen, f"{self.month:%Y-%m} min_wage_fen")
        non_negative(self.already_taken_fen, f"{self.month:%Y-%m} already_taken_fen")


def _in_force(changes: Mapping[date, int], day: date, default: int | None, name: str) -> int:
    """The figure whose effective date is the latest on or before `day`."""
    dated = [d for d in changes if d <= day]
    if dated:
        return changes[max(dated)]
    if default is None:
        raise ValueError(f"no {name} in force on {day.isoformat()}")
    return default


def month_info(
    month: date,
    *,
    wages: Mapping[date, int],
    min_wages: Mapping[date, int],
    default_wage_fen: int | None = None,
    already_taken: Mapping[date, int] | None = None,
) -> MonthInfo:
    """One month's figures: wage and minimum wage in force on its first day (effective-dated)."""
    check_month(month, "month")
    return MonthInfo(
        month=month,
        wage_fen=_in_force(wages, month, default_wage_fen, "wage"),
        min_wage_fen=_in_force(min_wages, month, None, "minimum wage"),
        already_taken_fen=(already_taken or {}).get(month, 0),
    )


def months_from(
    start: date,
    count: int,
    *,
    wages: Mapping[date, int],
    min_wages: Mapping[date, int],
    default_wage_fen: int | None = None,
    already_taken: Mapping[date, int] | None = None,
) -> list[MonthInfo]:
    """`count` consecutive months from `start`'s month, with the figures in force in each."""
    if not 0 <= count <= MAX_MONTHS:
        raise ValueError(f"count must be between 0 and {MAX_MONTHS}, got {count}")
    first = first_of_month(start)
    return [
        month_info(
            add_months(first, n),
            wages=wages,
            min_wages=min_wages,
            default_wage_fen=default_wage_fen,
            already_taken=already_taken,
        )
        for n in range(count)
    ]
