"""The notes the case services write on steps, and actions, in the reader's language.

The names of case states and actions are in compliance.names (translated by the one catalog).
"""

import re
from typing import Final

from compliance.cases.review import OBJECTION_NOTE, REJECTED_NOTE, SENT_BACK_NOTE
from compliance.i18n import N_, gettext
from compliance.names import NAMES, name
from policies.sanction import outcome_label

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
    N_(
        "revision %(revision)s approved as %(capacity)s; "
        "answer to the union's objection: %(answer)s"
    ),
    N_(
        "revision %(revision)s approved as %(capacity)s; a second approval is needed; "
        "answer to the union's objection: %(answer)s"
    ),
    REJECTED_NOTE,
    SENT_BACK_NOTE,
    OBJECTION_NOTE,
)
_SHAPES: Final = {
    "finding": r"\d+",
    "revision": r"\d+",
    "day": r"\d{4}-\d{2}-\d{2}",
    "until": r"\d{4}-\d{2}-\d{2}",
    "witnesses": r".+",
    "capacity": r"hr|director",
    "lapsed": r"\d+",
    # People's own words, kept as typed (several lines included).
    "reason": r"(?s:.+)",
    "answer": r"(?s:.+)",
    "reply": r"(?s:.+)",
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


# Notes that name stored codes (outcome kinds, a severity): what each step's note says in
# Chinese. The printed dossier reads the same notes (compliance.dossiers.codes).
_PROPOSED = re.compile(r"revision (\d+): ([a-z_]+(?:, [a-z_]+)*) \(([a-z_]+)\)")
_AMENDED = re.compile(r"revision (\d+): (.*?)(?:; (\d+) approval\(s\) lapsed)?", re.S)
_ADDED = re.compile(
    r"finding #(\d+) \((\w+)\) added(?:; (\d+) approval\(s\) lapsed and must be given again)?"
)
_EXECUTED = re.compile(
    r"revision (\d+) executed(?:; (\d+) deduction\(s\) scheduled)?"
    r"(?:; employment ended, (\d+) account\(s\) disabled)?"
)
_DECIDED = re.compile(r"(upheld|varied|overturned): (.*)", re.S)


def _coded_note(action: str, note: str) -> str | None:
    """A proposal's or an amendment's note in Chinese (None: not one of these)."""
    if action == "propose" and (m := _PROPOSED.fullmatch(note)):
        kinds = "、".join(outcome_label(k, "zh") for k in m[2].split(", "))
        return f"第 {m[1]} 版:{kinds}({name('severity', m[3], 'zh')})"
    if action == "amend" and (m := _AMENDED.fullmatch(note)):
        return f"第 {m[1]} 版:{m[2]}" + (f";{m[3]} 项批准已失效" if m[3] else "")
    if action == "add_evidence" and (m := _ADDED.fullmatch(note)):
        more = f";{m[3]} 项批准已失效,须重新批准" if m[3] else ""
        return f"补充线索 #{m[1]}({m[2]})" + more
    if action == "mark_executed" and (m := _EXECUTED.fullmatch(note)):
        return (
            f"第 {m[1]} 版处理决定已执行"
            + (f";已排定 {m[2]} 项工资扣款" if m[2] else "")
            + (f";劳动关系已解除,已停用 {m[3]} 个账号" if m[3] is not None else "")
        )
    if action == "decide_appeal" and (m := _DECIDED.fullmatch(note)):
        return f"{name('appeal', m[1], 'zh')}:{m[2]}"
    return None


def step_note(note: str, lang: str, action: str = "") -> str:
    """A step's note in the reader's language: the services' own notes translated (`action`:
    the step's action, for the notes that name codes)."""
    if lang == "en":
        return note
    coded = _coded_note(action, note)
    if coded is not None:
        return coded
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
