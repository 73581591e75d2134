"""Chinese names of case states and actions, and of the notes the services write on steps.

These are the product's one Chinese vocabulary for the case codes: the case services' messages,
the printed dossier (compliance.dossiers.codes) and the web pages (api/labels.py) all take the
words from here. The zh_Hans catalog translates the pages' English msgids with the same words
(tests/pdf/test_dossier_codes.py holds the two together).
"""

import re

from compliance.cases.models import CaseStatus

STATUS_ZH: dict[CaseStatus, str] = {
    CaseStatus.OPEN: "已立案",
    CaseStatus.AWAITING_STATEMENT: "待申辩",
    CaseStatus.UNDER_REVIEW: "审查中",
    CaseStatus.DECISION_PROPOSED: "已提出处理建议",
    CaseStatus.APPROVED: "已批准",
    CaseStatus.NOTIFIED: "已发出处理决定",  # handed over; served only once signed or witnessed
    CaseStatus.APPEALED: "申诉中",
    CaseStatus.APPEAL_DECIDED: "申诉已决定",
    CaseStatus.FINAL: "已生效",
    CaseStatus.EXECUTED: "已执行",
    CaseStatus.CLOSED: "已结案",
    CaseStatus.DISMISSED: "已撤销",
}

# By Action value (lifecycle.Action imports this module's neighbours, not the reverse).
ACTION_ZH: dict[str, str] = {
    "add_evidence": "补充证据",
    "request_statement": "要求申辩",
    "submit_statement": "提交申辩",
    "record_refusal": "记录拒绝申辩",
    "record_silence": "记录逾期未申辩",
    "propose": "提出处理建议",
    "amend": "修改处理建议",
    "record_union_notice": "记录通知工会",
    "record_union_reply": "记录工会意见",
    "approve": "批准",
    "dismiss": "撤销案件",
    "serve_notice": "发出处理决定",
    "acknowledge": "签收",
    "record_ack_refusal": "记录拒绝签收",
    "appeal": "申诉",
    "decide_appeal": "决定申诉",
    "finalize": "决定生效",
    "mark_executed": "标记已执行",
    "close": "结案",
    "annotate": "添加备注",
}

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
# The capacity in which an approver approved (the dossier and the pages name it so too).
CAPACITY_ZH: dict[str, str] = {"hr": "人事", "director": "管理处主任"}


def step_note(note: str, lang: str) -> str:
    """A step's note in the reader's language: the services' own notes translated."""
    if lang != "zh":
        return note
    for pattern, zh in _NOTES_ZH:
        m = pattern.fullmatch(note)
        if m:
            return zh.format(*(CAPACITY_ZH.get(g, g) for g in m.groups()))
    return note


def action_word(action: str, lang: str) -> str:
    """An action's name for a reader (the stored code is for machines)."""
    return ACTION_ZH.get(action, action) if lang == "zh" else action.replace("_", " ")
