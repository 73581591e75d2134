"""The notes the case services write on steps, and actions, in the reader's language.

The names of case states and actions are in compliance.names (translated by the one catalog).
"""

import re

from compliance.names import name

# The notes the case services write on a step themselves (people's own words are kept as
# typed). They are stored in English, as the audit trail has them; a Chinese page or dossier
# shows them in Chinese.
_NOTES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"opened from finding #(\d+)", "由线索 #{0} 立案"),
        (r"statement due by (\d{4}-\d{2}-\d{2})", "申辩截止日期 {0}"),
        (r"no statement by (\d{4}-\d{2}-\d{2})", "截至 {0} 未提交申辩"),
        (r"appeal possible until (\d{4}-\d{2}-\d{2})", "可于 {0} 前申诉"),
        (r"recorded by the staff member", "由员工本人提交"),
        (r"recorded by HR from a paper statement", "由人事根据书面申辩录入"),
        (r"refused", "拒绝申辩"),
        (r"signed", "已签收"),
        (r"refused_to_sign", "拒绝签收"),
        (
            r"notice handed over; the appeal window opens once it is served",
            "处理决定通知书已交付;送达(签收或见证人在场拒签)后起算申诉期",
        ),
        (
            r"served (\d{4}-\d{2}-\d{2}) \(signed\); appeal possible until (\d{4}-\d{2}-\d{2})",
            "{0} 员工签收送达;可于 {1} 前申诉",
        ),
        (
            r"served (\d{4}-\d{2}-\d{2}) \(refused to sign before (.+)\); "
            r"appeal possible until (\d{4}-\d{2}-\d{2})",
            "{0} 员工拒绝签收,{1} 在场见证(留置送达);可于 {2} 前申诉",
        ),
        (
            r"served (\d{4}-\d{2}-\d{2}) \(signed\); appeal deadline not counted yet "
            r"\(the office calendar lacks the year\)",
            "{0} 员工签收送达;工作日历尚缺该年度,申诉期限待录入后计算",
        ),
        (
            r"served (\d{4}-\d{2}-\d{2}) \(refused to sign before (.+)\); appeal deadline not "
            r"counted yet \(the office calendar lacks the year\)",
            "{0} 员工拒绝签收,{1} 在场见证(留置送达);工作日历尚缺该年度,申诉期限待录入后计算",
        ),
        (r"revision (\d+) approved as (hr|director)", "第 {0} 版处理建议由{1}批准"),
        (
            r"revision (\d+) approved as (hr|director); a second approval is needed",
            "第 {0} 版处理建议由{1}批准;还需另一方批准",
        ),
    )
)


def step_note(note: str, lang: str) -> str:
    """A step's note in the reader's language: the services' own notes translated."""
    if lang != "zh":
        return note
    for pattern, zh in _NOTES_ZH:
        m = pattern.fullmatch(note)
        if m:
            return zh.format(*(name("capacity", g, lang) for g in m.groups()))
    return note


def action_word(action: str, lang: str) -> str:
    """An action's name for a reader (the stored code is for machines)."""
    return name("action", action, lang) if lang == "zh" else action.replace("_", " ")
