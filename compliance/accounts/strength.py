"""Password strength: zxcvbn's estimate of how many guesses a password takes, with its
common-password lists, told the names of the user and the office.

Every place that sets a password (the account page, an admin's reset, the JSON API,
`python -m compliance.auth set-password`) goes through `check`. Users are created without a
password, and the demo writes the hash of its published password directly (see
compliance.demo.load), so neither reaches it.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from zxcvbn import zxcvbn

from compliance.errors import ValidationFailed

# zxcvbn's scale: 0 too guessable, 1 very guessable, 2 somewhat guessable (about 10^8
# guesses: an offline attack on a stolen hash list), 3 safely unguessable (10^10), 4 very.
MIN_SCORE = 3
# zxcvbn looks at the first 72 characters only (its run time grows with the length).
MAX_CHECKED = 72

# The reasons, in English (the msgid of the pages' catalog, compliance/translations) and Chinese
# (the same words as the catalog; the shell command prints both).
TOO_SHORT = "is too short"
ONLY_SPACES = "must not be only spaces"
IS_USERNAME = "must not be the username"
PERSONAL = "contains your name, username or the office's name"
COMMON = "is a commonly used password"
REPEATED = "repeats the same characters"
SEQUENCE = "is a sequence such as abc or 6543"
KEYBOARD = "is a row or pattern of keys on the keyboard"
DATE = "contains a date or a year"
GUESSABLE = "is too easy to guess: add more words or characters"

ZH = {
    TOO_SHORT: "太短,不满足最少字符数",
    ONLY_SPACES: "不能只由空格组成",
    IS_USERNAME: "不能与用户名相同",
    PERSONAL: "包含了你的姓名、用户名或管理处名称",
    COMMON: "是常用密码,很容易被猜到",
    REPEATED: "由重复的字符组成,很容易被猜到",
    SEQUENCE: "是 abc、6543 之类的连续序列,很容易被猜到",
    KEYBOARD: "是键盘上连续或成形的按键,很容易被猜到",
    DATE: "包含日期或年份,很容易被猜到",
    GUESSABLE: "太容易被猜到:请再加几个词或字符",
}


def user_inputs(*values: str) -> list[str]:
    """What a guesser knows about the user: each value whole and each of its words."""
    out: list[str] = []
    for value in values:
        v = value.strip().lower()
        if not v:
            continue
        words = [w for w in re.split(r"[\W_]+", v) if w]
        out.append(v)
        out.append("".join(words))  # "Wang Fang" is typed "wangfang" too
        out.extend(w for w in words if len(w) >= 3)
    return list(dict.fromkeys(out))


def _reason(result: Mapping[str, Any]) -> str:
    matches: list[Mapping[str, Any]] = list(result.get("sequence") or [])
    patterns = {m.get("pattern") for m in matches}
    names = {m.get("dictionary_name") for m in matches}
    if "user_inputs" in names:
        return PERSONAL
    warning = str((result.get("feedback") or {}).get("warning", "")).lower()
    if "common" in warning or "passwords" in names:
        return COMMON
    for pattern, reason in (
        ("repeat", REPEATED),
        ("date", DATE),
        ("spatial", KEYBOARD),
        ("sequence", SEQUENCE),
    ):
        if pattern in patterns:
            return reason
    if "year" in warning or "date" in warning:
        return DATE
    return GUESSABLE


def check(password: str, *, min_length: int, username: str, known: Iterable[str] = ()) -> None:
    """Refuse a weak new password with the reason (field `new_password`).

    `known` are other words a guesser may try: the user's name, the office's name and code.
    """
    if not password.strip():
        raise ValidationFailed.one("new_password", ONLY_SPACES if password else TOO_SHORT)
    if len(password) < min_length:
        raise ValidationFailed.one("new_password", TOO_SHORT)
    if password.strip().lower() == username.strip().lower():
        raise ValidationFailed.one("new_password", IS_USERNAME)
    result = zxcvbn(password[:MAX_CHECKED], user_inputs=user_inputs(username, *known))
    if int(result["score"]) < MIN_SCORE:
        raise ValidationFailed.one("new_password", _reason(result))
