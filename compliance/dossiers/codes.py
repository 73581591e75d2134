"""Printed names of the codes stored in the database, in Chinese (default) and English.

A dossier never prints a stored code where a reader expects a word. The Chinese names here
(with the case states and actions of compliance.cases.labels) are the product's one Chinese
vocabulary: the web pages take a code's Chinese name from these tables too (api/i18n.py,
api/labels.py), and the zh_Hans catalog translates the pages' English msgids with the same
words; tests/pdf/test_dossier_codes.py holds the two together. A code with no name yet (a new
one) prints as it is stored.
"""

import re
from collections.abc import Callable

from compliance.cases import labels as case_labels
from compliance.evidence import kinds
from compliance.pay.service import DEDUCTION_KINDS
from policies import registry
from policies.sanction import outcome_label

Table = dict[str, dict[str, str]]

STATUS: Table = {
    # One Chinese name per state, shared with the case pages' messages.
    "zh": {status.value: name for status, name in case_labels.STATUS_ZH.items()},
    "en": {
        "open": "open",
        "awaiting_statement": "awaiting statement",
        "under_review": "under review",
        "decision_proposed": "decision proposed",
        "approved": "approved",
        "notified": "decision notice issued",
        "appealed": "appealed",
        "appeal_decided": "appeal decided",
        "final": "final",
        "executed": "executed",
        "closed": "closed",
        "dismissed": "dismissed (no breach)",
    },
}

SEVERITY: Table = {
    "zh": {"minor": "轻微", "standard": "一般", "serious": "情节严重"},
    "en": {"minor": "minor", "standard": "standard", "serious": "serious"},
}

CHANNEL: Table = {
    "zh": {"phone": "电话", "visit": "来访", "return_visit": "回访", "written": "书面"},
    "en": {
        "phone": "phone",
        "visit": "visit",
        "return_visit": "return visit",
        "written": "written",
    },
}

# Each kind of record is named by its registry entry (compliance.evidence); a hand-raised
# finding's own text is not a record.
EVIDENCE: Table = {
    "zh": {
        **{k.key: k.label_zh for k in kinds.every()},
        "manual": "人工记录",
        "finding": "违规发现",
    },
    "en": {
        **{k.key: k.label_en for k in kinds.every()},
        "manual": "Manual record",
        "finding": "Finding",
    },
}

STATEMENT_KIND: Table = {
    "zh": {"statement": "书面申辩", "refused": "拒绝申辩", "silent": "逾期未申辩"},
    "en": {
        "statement": "written statement",
        "refused": "refused",
        "silent": "silent past the deadline",
    },
}

# --- findings -----------------------------------------------------------------------------

FINDING_SOURCE: Table = {
    "zh": {"detector": "自动检测", "spot_check": "抽查", "manual": "人工提出"},
    "en": {
        "detector": "automatic detector",
        "spot_check": "spot check",
        "manual": "raised by hand",
    },
}

# The words the staff member's own page uses for a finding's triage state.
FINDING_STATUS: Table = {
    "zh": {"open": "核查中", "confirmed": "已确认", "dismissed": "已驳回：不构成违规"},
    "en": {
        "open": "being looked at",
        "confirmed": "confirmed",
        "dismissed": "dismissed: no breach",
    },
}

# --- the decision and its aftermath -------------------------------------------------------

CAPACITY: Table = {
    "zh": case_labels.CAPACITY_ZH,
    "en": {"hr": "HR", "director": "office director"},
}

NOTICE_KIND: Table = {
    "zh": {"decision": "处理决定通知书", "deduction": "扣款通知书"},
    "en": {"decision": "Decision notice", "deduction": "Deduction notice"},
}

ACK: Table = {
    "zh": {"signed": "已签收", "refused_to_sign": "拒绝签收"},
    "en": {"signed": "signed", "refused_to_sign": "refused to sign"},
}

APPEAL_OUTCOME: Table = {
    "zh": {"upheld": "维持", "varied": "变更", "overturned": "撤销"},
    "en": {"upheld": "upheld", "varied": "varied", "overturned": "overturned"},
}

# --- evidence records ---------------------------------------------------------------------

SATISFACTION: Table = {
    "zh": {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"},
    "en": {
        "satisfied": "satisfied",
        "basically_satisfied": "basically satisfied",
        "unsatisfied": "unsatisfied",
    },
}

SPOT_RESULT: Table = {
    "zh": {"pass": "合格", "fail": "不合格", "na": "不适用"},
    "en": {"pass": "pass", "fail": "fail", "na": "n/a"},
}

# The web pages name no visit kind or punch yet. A punch is named as the rulebook names it
# (R02: 上班先到管理处报到, 工作结束后到管理处签到).
VISIT_KIND: Table = {
    "zh": {
        "repair": "维修",
        "housekeeping": "家政服务",
        "cleaning": "清洁",
        "installation": "安装",
        "complaint": "投诉处理",
        "other": "其他",
    },
    "en": {
        "repair": "repair",
        "housekeeping": "housekeeping",
        "cleaning": "cleaning",
        "installation": "installation",
        "complaint": "complaint",
        "other": "other",
    },
}

PUNCH_KIND: Table = {
    "zh": {"check_in": "报到", "sign_back": "签到"},
    "en": {"check_in": "check-in", "sign_back": "sign-back"},
}

PUNCH_SOURCE: Table = {
    "zh": {"manual": "人工录入"},
    "en": {"manual": "entered by hand"},
}

VALUATION_BASIS: Table = {
    "zh": {"receipt": "收据", "quote": "报价", "assessment": "管理处自行评估"},
    "en": {"receipt": "receipt", "quote": "quote", "assessment": "office's own assessment"},
}

SETTLEMENT: Table = {
    "zh": {
        "pending": "待处理",
        "paid_directly": "直接赔付业主",
        "insurance": "保险赔付",
        "waived": "免除",
        "deducted": "从工资中扣除",
    },
    "en": {
        "pending": "pending",
        "paid_directly": "paid directly to the resident",
        "insurance": "paid by insurance",
        "waived": "waived",
        "deducted": "deducted from pay",
    },
}

OVERTIME_DECISION: Table = {
    "zh": {"pending": "待处理", "approved": "已批准", "refused": "已拒绝"},
    "en": {"pending": "pending", "approved": "approved", "refused": "refused"},
}

# Case steps the action names of compliance.cases.labels leave out.
ACTION: Table = {
    "zh": {"open": "立案"},
    "en": {"open": "case opened"},
}

# A deduction is named after the outcome it carries out (pay.service makes one from the other).
_DEDUCTION_OUTCOME = {d.value: o.value for o, d in DEDUCTION_KINDS.items()}


def word(table: Table, lang: str, key: str | None) -> str:
    """A code's name from one of the tables, falling back to the code itself."""
    if key is None:
        return "—"
    return table[lang].get(key, key)


def deduction_kind(kind: str, lang: str) -> str:
    """A deduction's kind by the name of its outcome: 'disciplinary' is 扣发工资."""
    return outcome_label(_DEDUCTION_OUTCOME.get(kind, kind), lang)


def checklist_item(key: str, lang: str) -> str:
    """A spot-check item by its label in the rulebook, as the spot-check pages show it."""
    try:
        _, item = registry.find_item(key)
    except KeyError:
        return key
    return item.label_zh if lang == "zh" else item.label_en


def action(code: str, lang: str) -> str:
    """A case step's action by name."""
    return ACTION[lang].get(code) or case_labels.action_word(code, lang)


# --- the notes the case services write on steps ---------------------------------------------
# They are stored in English (the audit trail has them) and some name codes: outcome kinds,
# a severity, an appeal's outcome. compliance.cases.labels.step_note translates the others.

_Render = Callable[[re.Match[str]], str]


def _outcomes(kinds: str) -> str:
    return "、".join(outcome_label(k, "zh") for k in kinds.split(", "))


def _more(count: str | None, text: str) -> str:
    return text.format(count) if count else ""


_NOTES_ZH: dict[str, tuple[tuple[re.Pattern[str], _Render], ...]] = {
    "propose": (
        (
            re.compile(r"revision (\d+): ([a-z_]+(?:, [a-z_]+)*) \(([a-z_]+)\)"),
            lambda m: f"第 {m[1]} 版:{_outcomes(m[2])}({word(SEVERITY, 'zh', m[3])})",
        ),
    ),
    "amend": (
        (
            re.compile(r"revision (\d+): (.*?)(?:; (\d+) approval\(s\) lapsed)?", re.S),
            lambda m: f"第 {m[1]} 版:{m[2]}" + _more(m[3], ";{} 项批准已失效"),
        ),
    ),
    "add_evidence": (
        (
            re.compile(
                r"finding #(\d+) \((\w+)\) added"
                r"(?:; (\d+) approval\(s\) lapsed and must be given again)?"
            ),
            lambda m: f"补充线索 #{m[1]}({m[2]})" + _more(m[3], ";{} 项批准已失效,须重新批准"),
        ),
    ),
    "mark_executed": (
        (
            re.compile(
                r"revision (\d+) executed(?:; (\d+) deduction\(s\) scheduled)?"
                r"(?:; employment ended, (\d+) account\(s\) disabled)?"
            ),
            lambda m: (
                f"第 {m[1]} 版处理决定已执行"
                + _more(m[2], ";已排定 {} 项工资扣款")
                + ("" if m[3] is None else f";劳动关系已解除,已停用 {m[3]} 个账号")
            ),
        ),
    ),
    "decide_appeal": (
        (
            re.compile(r"([a-z_]+): (.*)", re.S),
            lambda m: f"{word(APPEAL_OUTCOME, 'zh', m[1])}:{m[2]}",
        ),
    ),
}


def step_note(step_action: str, note: str, lang: str) -> str:
    """A step's note in the reader's language, with the codes in it named."""
    if lang == "zh":
        for pattern, render in _NOTES_ZH.get(step_action, ()):
            m = pattern.fullmatch(note)
            if m:
                return render(m)
    return case_labels.step_note(note, lang)


# A varied appeal decision stores its reasoning as a new revision's reason, behind this.
_VARIED_ON_APPEAL = re.compile(r"(^|经人工修改:)varied on appeal: ")


def amend_reason(text: str, lang: str) -> str:
    """A revision's reason (or the line of its arithmetic that quotes it) in the language."""
    if lang != "zh":
        return text
    return _VARIED_ON_APPEAL.sub(lambda m: f"{m[1]}申诉决定变更:", text, count=1)
