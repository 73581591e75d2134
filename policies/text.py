"""Number formatting for explanations: money in yuan and durations, in both languages."""

from datetime import timedelta

from policies.vocab import FeedbackChannel

CHANNEL_ZH: dict[FeedbackChannel, str] = {
    FeedbackChannel.PHONE: "电话",
    FeedbackChannel.VISIT: "来访",
    FeedbackChannel.RETURN_VISIT: "回访",
    FeedbackChannel.WRITTEN: "书面",
}

CHANNEL_EN: dict[FeedbackChannel, str] = {
    FeedbackChannel.PHONE: "by phone",
    FeedbackChannel.VISIT: "in person",
    FeedbackChannel.RETURN_VISIT: "on a return visit",
    FeedbackChannel.WRITTEN: "in writing",
}


def yuan(fen: int) -> str:
    """Format integer fen as yuan, e.g. 123450 -> '¥1,234.50'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def _parts(delta: timedelta) -> tuple[str, int, int, int]:
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    return sign, hours, minutes, seconds


def duration_zh(delta: timedelta) -> str:
    """Format a duration in Chinese, e.g. '15 分 1 秒', '1 小时 5 分钟'."""
    sign, hours, minutes, seconds = _parts(delta)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} 小时")
    if minutes:
        parts.append(f"{minutes} 分" if seconds else f"{minutes} 分钟")
    if seconds or not parts:
        parts.append(f"{seconds} 秒")
    return sign + " ".join(parts)


def duration_en(delta: timedelta) -> str:
    """Format a duration in English, e.g. '15 min 1 s', '1 h 5 min'."""
    sign, hours, minutes, seconds = _parts(delta)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds or not parts:
        parts.append(f"{seconds} s")
    return sign + " ".join(parts)
