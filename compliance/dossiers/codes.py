"""How the dossier prints the codes stored in the database, in Chinese (default) and English.

A dossier never prints a stored code where a reader expects a word. A code's name is its msgid
in compliance.names, translated by the one catalog (the web pages show the same words); a code
with no name yet (a new one) prints as it is stored.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from compliance.cases import labels as case_labels
from compliance.evidence import kinds
from compliance.i18n import N_, gettext
from compliance.names import NAMES, name
from compliance.pay.service import DEDUCTION_KINDS
from policies import registry
from policies.sanction import outcome_label


@dataclass(frozen=True)
class Table:
    """A kind of stored code as the dossier prints it: by its name in the catalog
    (compliance.names); in English lower-cased where the dossier writes it so, or in the
    dossier's own English wording where that differs from the pages'."""

    kind: str
    lower: bool = True
    en: Mapping[str, str] = field(default_factory=dict)


STATUS = Table("status", en={"dismissed": "dismissed (no breach)"})
SEVERITY = Table("severity")
CATEGORY = Table("category", en={"facility_use": "used facilities", "outsiders": "outsiders"})
CHANNEL = Table("channel", en={"visit": "visit"})
# Each kind of record is named by its registry entry (compliance.evidence); a hand-raised
# finding's own text is not a record.
EVIDENCE = Table("evidence", lower=False)
STATEMENT_KIND = Table("statement", en={"refused": "refused", "silent": "silent past the deadline"})
FINDING_SOURCE = Table("source")
FINDING_STATUS = Table("finding_status")
CAPACITY = Table("capacity", lower=False)
NOTICE_KIND = Table("notice", lower=False)
ACK = Table("ack")
APPEAL_OUTCOME = Table("appeal")
SATISFACTION = Table("rating")
SPOT_RESULT = Table("spot_result")
VISIT_KIND = Table("visit_kind")
PUNCH_KIND = Table("punch_kind")
PUNCH_SOURCE = Table("punch_source")
VALUATION_BASIS = Table("valuation")
SETTLEMENT = Table("settlement")
OVERTIME_DECISION = Table("overtime")

# A deduction is named after the outcome it carries out (pay.service makes one from the other).
_DEDUCTION_OUTCOME = {d.value: o.value for o, d in DEDUCTION_KINDS.items()}


def word(table: Table, lang: str, key: str | None) -> str:
    """A code's name in the language, falling back to the code itself."""
    if key is None:
        return "—"
    if table is EVIDENCE and (record := kinds.get(key)) is not None:
        return record.label(lang)
    if lang == "en":
        if key in table.en:
            return table.en[key]
        msgid = NAMES.get(table.kind, {}).get(key)
        if msgid is None:
            return key
        return msgid.lower() if table.lower else msgid
    return name(table.kind, key, lang)


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
    """A case step's action by name (in English the dossier writes the action's code as words)."""
    if lang == "en":
        return "case opened" if code == "open" else case_labels.action_word(code, lang)
    return name("action", code, lang)


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


# In English the notes are as stored, but a code in a proposal's note reads as words
# (wage_deduction: wage deduction).
_NOTES_EN: dict[str, tuple[tuple[re.Pattern[str], _Render], ...]] = {
    "propose": (
        (
            _NOTES_ZH["propose"][0][0],
            lambda m: f"revision {m[1]}: {m[2].replace('_', ' ')} ({m[3].replace('_', ' ')})",
        ),
    ),
}


def step_note(step_action: str, note: str, lang: str) -> str:
    """A step's note in the reader's language, with the codes in it named."""
    for pattern, render in (_NOTES_ZH if lang == "zh" else _NOTES_EN).get(step_action, ()):
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


# --- the audit events of a case, by what happened ---------------------------------------------

# Events on a case that are not a life-cycle step (compliance.cases.transition writes those as
# `case.<action>`).
_AUDIT_ACTIONS: dict[str, str] = {
    "notice.edited": N_("Notice edited"),
    "notice.reset": N_("Notice reset to the draft"),
    "notice.printed": N_("Notice printed"),
    "notice.served": N_("Notice served (the PDF kept)"),
    "notice.deduction_served": N_("Deduction notice served"),
    "deduction.compensation_account": N_("Compensation owed worked out"),
}
_CASE_EVENTS = {"case.opened": "open", "case.annotated": "annotate"}


def audit_action(code: str, lang: str) -> str:
    """An audit event's action in words: 'case.approve' is 批准; never the stored code."""
    if code in _AUDIT_ACTIONS:
        return gettext(lang, _AUDIT_ACTIONS[code])
    step = _CASE_EVENTS.get(code) or (code[5:] if code.startswith("case.") else None)
    if step is not None:
        named = action(step, lang)
        if named != step:
            return named
    return gettext(lang, N_("Other record"))


# --- the rule a proposal's reasoning names, as the case applies it -----------------------------

_BASIS = {
    "zh": re.compile(r"依据 (R\d+)「(.*?)」第 \d+ 版\(规章第 (\d+) 条,\S+? 起施行\)。"),
    "en": re.compile(r"Rule (R\d+) '(.*?)', version \d+ \(article (\d+), in force from \S+?\)\."),
}


def rule_basis(line: str, lang: str, versions: Mapping[str, tuple[str, str]]) -> str:
    """The reasoning's first line names the rule's code version and the code's date; the
    dossier names the version the case applies (e.g. 1.2) and the day it took effect, as
    section 1 does. `versions`: rule code -> (version, in force from)."""
    pattern = _BASIS.get(lang)
    m = pattern.fullmatch(line) if pattern else None
    if m is None or m[1] not in versions:
        return line
    version, since = versions[m[1]]
    if lang == "zh":
        return f"依据 {m[1]}「{m[2]}」规则版本 {version}(规章第 {m[3]} 条,{since} 起施行)。"
    return (
        f"Rule {m[1]} '{m[2]}', policy version {version} (article {m[3]}, in force from {since})."
    )
