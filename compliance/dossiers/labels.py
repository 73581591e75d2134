"""The dossier's and the monthly report's own wording: one msgid per caption.

The words are msgids of the one catalog (compliance/translations), which gives their Chinese; a
caption that reads otherwise in a dossier than on the pages has the "dossier" context. The names
of stored codes (states, kinds, outcomes) are in compliance.names.
"""

from functools import lru_cache
from typing import Final

from compliance.i18n import N_, NP_, pgettext
from compliance.service.figures import ROUNDED_DOWN

LANGS: Final = ("zh", "en")
CONTEXT: Final = "dossier"

# By the key the templates and the view models use (L.title, fmt.L["unit"]).
WORDS: Final[dict[str, str | tuple[str, str]]] = {
    "title": N_("Disciplinary case dossier"),
    "case_number": N_("Case number"),
    "dossier_number": N_("Dossier number"),
    "office": N_("Office"),
    "staff": NP_("dossier", "Staff member"),
    "employee_no": N_("Employee no."),
    "team": N_("Team"),
    "position": N_("Position"),
    "hire_date": N_("Hired"),
    "rulebook_ack": N_("Rulebook acknowledged"),
    "not_on_record": N_("not on record"),
    "rules": N_("Rule(s)"),
    "status": NP_("dossier", "Status"),
    "severity": N_("Severity"),
    "dates": N_("Dates"),
    "incident": NP_("dossier", "Incident"),
    "opened": N_("Opened"),
    "statement_due": N_("Statement due"),
    "notified": NP_("dossier", "Decision notice issued"),
    "service": N_("Served (signed, or refusal witnessed)"),
    "witnesses": N_("witnesses"),
    "appeal_deadline": N_("Appeal deadline"),
    "effective": N_("Effective"),
    "closed": NP_("dossier", "Closed"),
    "issued": N_("Printed"),
    "issued_by": N_("Printed by"),
    "fingerprint": N_("Dossier content fingerprint (SHA-256)"),
    "pdf_hash_note": N_(
        "The SHA-256 of this PDF is written to the audit chain; scan the QR code or open this "
        "address to verify it:"
    ),
    "chain_head": N_("Audit chain head at printing"),
    "rule_text": N_("Rules applied"),
    "policy_version": N_("Policy version"),
    "effective_from": N_("In force from"),
    "published_on": N_("Published"),
    "params_digest": N_("Parameters digest"),
    "timeline": N_("Evidence timeline"),
    "no_evidence": N_("No evidence on record."),
    "statement": N_("Staff statement"),
    "no_statement": N_("No statement recorded yet."),
    "recorded": NP_("dossier", "Recorded"),
    "findings": NP_("dossier", "Findings"),
    "finding": NP_("dossier", "Finding"),
    "source": N_("Source"),
    "suggested_severity": N_("Suggested severity"),
    "triage": NP_("dossier", "Triage"),
    "severity_reason": N_("Reason for the severity"),
    "outcome": N_("Proposed outcome and its arithmetic"),
    "revision": N_("Revision {n}"),
    "current": N_("current"),
    "superseded": N_("superseded"),
    "amount": N_("Amount"),
    "reasoning": N_("Arithmetic and grounds"),
    "legal_risks": N_("Legal risks"),
    "needs_justification": N_("approval needs a written justification"),
    "amend_reason": N_("Reason for the amendment"),
    "no_proposal": N_("No outcome proposed yet."),
    "deductions": N_("Wage deductions and instalments"),
    "deduction_total": N_("Total owed"),
    "start_month": N_("First month"),
    "month": N_("Month"),
    "instalment": N_("Deducted"),
    "taken": N_("taken"),
    "planned": N_("planned"),
    "remaining": N_("Not yet scheduled"),
    "legal_risk": N_("legal risk"),
    "approvals": N_("Approvals"),
    "approver": N_("Approver"),
    "capacity": N_("Capacity"),
    "approved_at": NP_("dossier", "Approved"),
    "justification": NP_("dossier", "Justification"),
    "lapsed": N_("lapsed"),
    "valid": N_("valid"),
    "none": N_("none"),
    "notices": N_("Notices served and acknowledgements"),
    "served": NP_("dossier", "Handed over"),
    "served_by": N_("Handed over by"),
    "ack": N_("Acknowledgement"),
    "ack_none": N_("not signed"),
    "union": N_("Trade union notification (dismissal)"),
    "union_reasons": N_("Reasons given"),
    "union_reply": N_("Union reply"),
    "no_union": N_("The trade union was not notified."),
    "not_required": N_("Not applicable."),
    "appeal": N_("Appeal"),
    "appeal_grounds": N_("Grounds"),
    "appeal_outcome": NP_("dossier", "Decision"),
    "no_appeal": N_("No appeal was filed."),
    "gates": N_("Conditions for a lawful dismissal"),
    "passed": N_("met"),
    "failed": N_("not met"),
    "wrongful_cost": N_("Cost of an unlawful dismissal (estimate)"),
    "steps": N_("Life-cycle steps"),
    "annotations": N_("Notes"),
    "audit": N_("Audit events"),
    "seq": N_("Seq"),
    "time": N_("Time"),
    "actor": N_("Actor"),
    "action": N_("Action"),
    "hash": N_("Hash"),
    "prev_hash": N_("Previous hash"),
    "signatures": N_("Signatures"),
    "sign_staff": NP_("dossier", "Staff member"),
    "sign_manager": N_("Office manager"),
    "sign_hr": N_("Human resources"),
    "sign_date": N_("Date"),
    "page": N_("Page {x} of {y}"),
    "masked_note": N_("Residents' names and phone numbers are partly masked."),
    "unit": N_("Unit"),
    "resident": NP_("dossier", "Resident"),
    "kind": N_("Kind"),
    "rating": N_("Rating"),
    "settlement": N_("Settlement"),
    "note": NP_("dossier", "Note"),
    "photo": N_("Photo"),
    "photo_missing": N_("photo file missing"),
    "yes": N_("yes"),
    "no": N_("no"),
    "report_title": N_("Monthly office compliance report"),
    "report_month": NP_("dossier", "Month"),
    "breaches_by_rule": N_("Breaches confirmed this month, by rule"),
    "breaches_by_team": N_("Breaches confirmed this month, by team"),
    "rule": NP_("dossier", "Rule"),
    "count": N_("Count"),
    "total": N_("Total"),
    "trend": N_("12-month trend"),
    "trend_findings": N_("Confirmed breaches"),
    "trend_cases": N_("Cases opened"),
    "repeat_offenders": N_("Repeat offenders (2 or more in 12 months)"),
    "open_cases": NP_("dossier", "Open cases by state"),
    "deductions_taken": N_("Deductions taken this month"),
    "carried_forward": N_("Carried forward to later months"),
    "nothing": N_("None."),
    "generated": N_("Generated"),
    # The service standards section (issue 15).
    "service_standards": N_("Service standards"),
    "service_intro": N_(
        "Each standard's figure this month and this quarter to date against its target; for "
        "the clocks, how many met, breached and were excused this month."
    ),
    "service_standard": N_("Standard"),
    "service_target": N_("Target"),
    "service_month": N_("This month"),
    "service_quarter": N_("This quarter"),
    "service_met": N_("Met"),
    "service_breached": N_("Breached"),
    "service_excused": N_("Excused"),
    "service_verdict": N_("Meets the target"),
    "service_missed": N_("missed"),
    "service_weights": N_("Satisfaction degree weights (ratings 5 to 1)"),
    "service_how": N_(
        "A clock counts in the month it started. Rate met = met ÷ (met + breached); excused "
        "breaches and running clocks are not judged. Return visits: the quarter shows its "
        "weakest month. Fee collection is judged by the quarter."
    ),
    "service_rounded": ROUNDED_DOWN,
    # The cover's dates of a final decision.
    "effective_decision": N_("Decision effective"),
    "employment_ended": N_("Employment ended"),
    # Who recorded each piece of evidence.
    "inspector": N_("Inspector"),
    "recorded_by": N_("Recorded by"),
    # Column headers that say what the column holds.
    "finding_col": N_("Finding no. · rule · source · state"),
    "occurred": N_("Occurred"),
    "finding_text": N_("What was found"),
    "outcome_col": N_("Outcome"),
    "validity": N_("Validity"),
    "deduction_state": N_("Deduction state"),
    "gate_result": N_("Result"),
    "gate_condition": N_("Condition"),
    "gate_law": N_("Legal basis"),
    "audit_seq": N_("No."),
    # The audit chain's hashes, in an appendix.
    "audit_appendix": N_("Appendix: audit chain hashes"),
    "audit_appendix_note": N_(
        "Each event's hash (SHA-256) and, after the arrow, the hash of the event before it in "
        "the office's audit chain; section 11 lists the same events by number."
    ),
    # The notices printed and served from the case (compliance/notices).
    "notice_docs": N_("Notice documents printed and served, with the SHA-256 of each PDF"),
    "version": N_("Version"),
    # Signature lines: everyone who decided.
    "sign_approver": N_("Approver ({capacity})"),
    "sign_appeal": N_("Appeal decided by"),
    "sign_issuer": N_("Dossier printed by"),
}


@lru_cache
def labels(lang: str) -> dict[str, str]:
    """Every caption in the language."""
    if lang not in LANGS:
        raise KeyError(lang)
    out: dict[str, str] = {}
    for key, word in WORDS.items():
        context, msgid = word if isinstance(word, tuple) else (None, word)
        out[key] = pgettext(lang, context, msgid)
    return out
