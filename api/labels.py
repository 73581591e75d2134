"""Display names of the case, pay and evidence codes and parameter units (translated at render)."""

from collections.abc import Callable, Mapping

from api.i18n import N_, Translator
from compliance.cases import labels as case_words
from compliance.dossiers import codes
from compliance.evidence import kinds
from compliance.money import format_fen

CASE_LABELS: dict[str, dict[str, str]] = {
    "status": {
        "open": N_("Open"),
        "awaiting_statement": N_("Awaiting statement"),
        "under_review": N_("Under review"),
        "decision_proposed": N_("Decision proposed"),
        "approved": N_("Approved"),
        "notified": N_("Decision notice issued"),
        "appealed": N_("Appealed"),
        "appeal_decided": N_("Appeal decided"),
        "final": N_("Final"),
        "executed": N_("Executed"),
        "closed": N_("Closed"),
        "dismissed": N_("Dismissed"),
    },
    "action": {
        "open": N_("Case opened"),
        "add_evidence": N_("Add evidence"),
        "request_statement": N_("Request statement"),
        "submit_statement": N_("Record statement"),
        "record_refusal": N_("Record refusal to state"),
        "record_silence": N_("Record silence"),
        "propose": N_("Propose outcome"),
        "amend": N_("Amend proposal"),
        "record_union_notice": N_("Record union notice"),
        "record_union_reply": N_("Record union reply"),
        "approve": N_("Approve"),
        "dismiss": N_("Dismiss case"),
        "serve_notice": N_("Issue decision notice"),
        "acknowledge": N_("Acknowledge notice"),
        "record_ack_refusal": N_("Record refusal to sign"),
        "appeal": N_("Appeal"),
        "decide_appeal": N_("Decide appeal"),
        "finalize": N_("Make final"),
        "mark_executed": N_("Mark executed"),
        "close": N_("Close case"),
        "annotate": N_("Add note"),
    },
    "evidence": {
        **{k.key: k.page_label for k in kinds.every()},
        "manual": N_("Manual record"),
    },
    "statement": {
        "statement": N_("Written statement"),
        "refused": N_("Refused to make a statement"),
        "silent": N_("No statement by the deadline"),
    },
    "notice": {
        "decision": N_("Decision notice"),
        "deduction": N_("Deduction notice"),
    },
    "ack": {
        "signed": N_("signed"),
        "refused_to_sign": N_("refused to sign"),
    },
    "appeal": {
        "upheld": N_("upheld"),
        "varied": N_("varied"),
        "overturned": N_("overturned"),
    },
    "capacity": {
        "hr": N_("HR"),
        "director": N_("office director"),
    },
}

# The Chinese names of these codes are the case services' and the dossier's words (one
# vocabulary); the msgids above give the English, and the catalog translates them with the same
# words (tests/pdf/test_dossier_codes.py).
CASE_ZH: dict[str, Mapping[str, str]] = {
    "status": codes.STATUS["zh"],
    "action": {**case_words.ACTION_ZH, **codes.ACTION["zh"]},
    "evidence": codes.EVIDENCE["zh"],
    "statement": codes.STATEMENT_KIND["zh"],
    "notice": codes.NOTICE_KIND["zh"],
    "ack": codes.ACK["zh"],
    "appeal": codes.APPEAL_OUTCOME["zh"],
    "capacity": codes.CAPACITY["zh"],
}

# The units of rule parameters (policies: Parameter.unit) in the page's language. Money is
# stored in fen but typed and shown in yuan; a count has no unit (its description says what
# is counted, and no one word fits both reports and households).
UNITS: dict[str, str] = {
    "s": N_("s"),
    "min": N_("min"),
    "h": N_("h"),
    "days": N_("days"),
    "fen": N_("yuan"),
    "count": "",
}


def unit_name(t: Translator, unit: str) -> str:
    """The unit as a form label shows it ('分钟', '元'); '' for a count."""
    name = UNITS.get(unit, unit)
    return t(name) if name else ""


def quantity(t: Translator, value: int, unit: str) -> str:
    """A parameter's value with its unit: '15 分钟', '¥2,000.00', or a bare count."""
    if unit == "fen":
        return format_fen(value)
    name = unit_name(t, unit)
    return f"{value} {name}" if name else str(value)


def field_value(value: int, unit: str) -> str:
    """A parameter's value as its form field starts out: money in yuan ('2000.00')."""
    return f"{value // 100}.{value % 100:02d}" if unit == "fen" else str(value)


def labeller(t: Translator) -> Callable[[str, str], str]:
    """`label(kind, code)` for templates: the translated display name, else the code."""

    def label(kind: str, value: str) -> str:
        if kind in CASE_LABELS:
            return t.code_name(CASE_LABELS, CASE_ZH, kind, value)
        return t.label(kind, value)

    return label
