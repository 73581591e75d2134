"""The names of the codes stored in the database: one msgid per code, by kind.

A reader never sees a stored code where a word is expected. These msgids are the words the web
pages, the API's errors, the CLI and the printed dossier show; the catalog
(compliance/translations) gives their Chinese, so each Chinese word is written once. A code with
no name yet (a new one) shows as it is stored.
"""

from collections.abc import Callable
from typing import Final

from compliance.i18n import N_, gettext

NAMES: Final[dict[str, dict[str, str]]] = {
    # --- cases ---------------------------------------------------------------------------
    "status": {
        "open": N_("Open"),
        "awaiting_statement": N_("Awaiting statement"),
        "under_review": N_("Under review"),
        "decision_proposed": N_("Decision proposed"),
        "approved": N_("Approved"),
        # handed over; served only once signed or witnessed
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
        "reject_proposal": N_("Reject proposal"),
        "send_back": N_("Send back for amendment"),
    },
    # Records are named by their kind's registry entry (compliance.evidence); these two are not
    # records.
    "evidence": {
        "manual": N_("Manual record"),
        "finding": N_("Finding"),
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
    # The capacity in which an approver approved.
    "capacity": {
        "hr": N_("HR"),
        "director": N_("office director"),
    },
    # --- findings ------------------------------------------------------------------------
    "severity": {
        "minor": N_("minor"),
        "standard": N_("standard"),
        "serious": N_("serious"),
    },
    "source": {
        "detector": N_("automatic detector"),
        "spot_check": N_("spot check"),
        "manual": N_("raised by hand"),
    },
    # A finding's triage state, as the staff member's own page words it.
    "finding_status": {
        "open": N_("Being looked at"),
        "confirmed": N_("Confirmed"),
        "dismissed": N_("Dismissed: no breach"),
    },
    # A finding's triage state, as a reviewer's conflict message words it.
    "finding_triage": {
        "open": N_("Pending"),
        "confirmed": N_("Confirmed"),
        "dismissed": N_("Rejected"),
    },
    # --- records -------------------------------------------------------------------------
    "channel": {
        "phone": N_("Phone"),
        "visit": N_("Visit to the office"),
        "return_visit": N_("Return visit"),
        "written": N_("Written"),
    },
    "category": {
        "praise": N_("Praise"),
        "attitude": N_("Attitude"),
        "incompetent": N_("Incompetent"),
        "tip_reported": N_("Tip reported"),
        "solicitation": N_("Solicitation"),
        "theft": N_("Theft"),
        "privacy": N_("Privacy"),
        "facility_use": N_("Use of facilities"),
        "outsiders": N_("Outsiders brought in"),
        "damage": N_("Damage"),
        "lingering": N_("Lingering"),
        "improper_relationship": N_("Improper relationship"),
        "other": N_("Other"),
    },
    "rating": {
        "satisfied": N_("Satisfied"),
        "basically_satisfied": N_("Basically satisfied"),
        "unsatisfied": N_("Unsatisfied"),
    },
    "spot_result": {
        "pass": N_("Pass"),
        "fail": N_("Fail"),
        "na": N_("N/A"),
    },
    "visit_kind": {
        "repair": N_("Repair"),
        "housekeeping": N_("Housekeeping"),
        "cleaning": N_("Cleaning"),
        "installation": N_("Installation"),
        "complaint": N_("Complaint"),
        "other": N_("Other"),
    },
    # A punch is named as the rulebook's R02 names it.
    "punch_kind": {
        "check_in": N_("Check-in"),
        "sign_back": N_("Sign-back"),
    },
    "punch_source": {
        "manual": N_("Entered by hand"),
    },
    "valuation": {
        "receipt": N_("Receipt"),
        "quote": N_("Quote"),
        "assessment": N_("Office's own assessment"),
    },
    "settlement": {
        "pending": N_("Pending"),
        "paid_directly": N_("Paid directly to the resident"),
        "insurance": N_("Paid by insurance"),
        "waived": N_("Waived"),
        "deducted": N_("Deducted from pay"),
    },
    "overtime": {
        "pending": N_("Pending"),
        "approved": N_("Approved"),
        "refused": N_("Refused"),
    },
}


def name(kind: str, code: str, lang: str) -> str:
    """A stored code's name in the language; an unknown code as it is stored."""
    msgid = NAMES.get(kind, {}).get(code)
    return gettext(lang, msgid) if msgid else code


def coded(kind: str, code: str) -> Callable[[str], str]:
    """A stored code as an error's value: the code itself in English (as the API's English
    messages have always put it), its name in any other language."""
    return lambda lang: code if lang == "en" else name(kind, code, lang)
