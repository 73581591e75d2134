"""The notes the case services write on steps, and actions, in the reader's language.

The names of case states and actions are in compliance.names (translated by the one catalog).
"""

import re
from typing import Final

from compliance.i18n import N_, gettext
from compliance.names import NAMES, name

# The notes the case services write on a step themselves (people's own words are kept as
# typed). They are stored in English, as the audit trail has them; each is a msgid of the
# catalog, read back from the stored note by its placeholders' shapes below.
_NOTES: Final = (
    N_("opened from finding #%(finding)s"),
    N_("statement due by %(day)s"),
    N_("no statement by %(day)s"),
    N_("appeal possible until %(until)s"),
    N_("recorded by the staff member"),
    N_("recorded by HR from a paper statement"),
    N_("notice handed over; the appeal window opens once it is served"),
    N_("served %(day)s (signed); appeal possible until %(until)s"),
    N_("served %(day)s (refused to sign before %(witnesses)s); appeal possible until %(until)s"),
    N_(
        "served %(day)s (signed); appeal deadline not counted yet "
        "(the office calendar lacks the year)"
    ),
    N_(
        "served %(day)s (refused to sign before %(witnesses)s); appeal deadline not "
        "counted yet (the office calendar lacks the year)"
    ),
    N_("revision %(revision)s approved as %(capacity)s"),
    N_("revision %(revision)s approved as %(capacity)s; a second approval is needed"),
)
_SHAPES: Final = {
    "finding": r"\d+",
    "revision": r"\d+",
    "day": r"\d{4}-\d{2}-\d{2}",
    "until": r"\d{4}-\d{2}-\d{2}",
    "witnesses": r".+",
    "capacity": r"hr|director",
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Notes that are a code: a statement refused, a notice signed for or refused.
_CODED: Final = {"refused": "statement", **{code: "ack" for code in NAMES["ack"]}}


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(msgid)  # literal, name, literal, name, ...
    return re.compile(
        "".join(f"(?P<{p}>{_SHAPES[p]})" if k % 2 else re.escape(p) for k, p in enumerate(parts))
    )


_READ: Final = tuple((_pattern(msgid), msgid) for msgid in _NOTES)


def step_note(note: str, lang: str) -> str:
    """A step's note in the reader's language: the services' own notes translated."""
    if lang == "en":
        return note
    if note in _CODED:
        return name(_CODED[note], note, lang)
    for pattern, msgid in _READ:
        m = pattern.fullmatch(note)
        if m:
            values = m.groupdict()
            if "capacity" in values:
                values["capacity"] = name("capacity", values["capacity"], lang)
            return gettext(lang, msgid, **values)
    return note


def action_word(action: str, lang: str) -> str:
    """An action's name for a reader (the stored code is for machines)."""
    return name("action", action, lang) if lang == "zh" else action.replace("_", " ")
