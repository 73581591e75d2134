"""Punch-clock words and times shared by the clock import (`clock.py`): the in/out words a
file may use, the device-name limit, and office-local times read as UTC."""

import re
from datetime import UTC, datetime, tzinfo

from compliance.attendance.models import PunchKind

KINDS = {
    "上班": PunchKind.CHECK_IN,
    "签到": PunchKind.CHECK_IN,
    "上班签到": PunchKind.CHECK_IN,
    "check_in": PunchKind.CHECK_IN,
    "下班": PunchKind.SIGN_BACK,
    "签退": PunchKind.SIGN_BACK,
    "下班签退": PunchKind.SIGN_BACK,
    "sign_back": PunchKind.SIGN_BACK,
}
# Punch clocks write either dashes or slashes; seconds are optional.
_TIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
MAX_DEVICE = 50


def _local_to_utc(text: str, tz: tzinfo) -> datetime:
    """Office-local 'YYYY-MM-DD HH:MM[:SS]' as an aware UTC datetime."""
    if not text:
        raise ValueError("is required")
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"not a time in the form YYYY-MM-DD HH:MM[:SS]: {text!r}")
    try:
        y, mo, d, h, mi, sec = (int(g) for g in m.groups(default="0"))
        naive = datetime(y, mo, d, h, mi, sec)  # noqa: DTZ001 - the zone is attached below
    except ValueError:
        raise ValueError(f"no such date or time: {text!r}") from None
    at = naive.replace(tzinfo=tz).astimezone(UTC)
    # A wall-clock time skipped by a DST change does not exist; refuse rather than guess.
    if at.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"{text!r} does not exist in the office's time zone")
    return at
