"""The frozen view model of a dossier: plain immutable data, every string ready to print.

Templates only print what is here: every string is already formatted, masked and in the
requested language, so rendering needs no database and no lazy loading.
"""

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Field:
    """A label and its printed value."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Photo:
    """A downscaled photo as a data: URL."""

    data_url: str
    caption: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One entry of the evidence timeline."""

    at: str
    kind: str
    title: str
    lines: tuple[str, ...]
    photos: tuple[Photo, ...]


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule as it was in force for the case."""

    code: str
    article: int
    title: str
    text: str
    version: str
    effective_from: str
    published_on: str
    params_digest: str


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding of the case."""

    id: int
    rule: str
    occurred: str
    source: str
    status: str
    explanation: str
    suggested_severity: str
    triage_reason: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """One proposed outcome."""

    label: str
    amount: str
    legal_risk: bool
    note: str


@dataclass(frozen=True, slots=True)
class RiskView:
    """A legal risk shown with a proposal."""

    text: str
    law: str
    needs_justification: bool


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal revision with its reasoning."""

    revision: int
    current: bool
    created: str
    created_by: str
    outcomes: tuple[OutcomeView, ...]
    explanation: tuple[str, ...]
    risks: tuple[RiskView, ...]
    amend_reason: str


@dataclass(frozen=True, slots=True)
class InstalmentView:
    """One month of a deduction."""

    month: str
    amount: str
    taken: bool


@dataclass(frozen=True, slots=True)
class DeductionView:
    """A deduction and its instalment schedule."""

    kind: str
    amount: str
    start_month: str
    reason: str
    legal_risk: bool
    instalments: tuple[InstalmentView, ...]
    unscheduled: str


@dataclass(frozen=True, slots=True)
class ApprovalView:
    """An approval given."""

    who: str
    capacity: str
    at: str
    justification: str
    lapsed: str


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A notice served and its acknowledgement."""

    kind: str
    content: str
    amount: str
    served: str
    served_by: str
    ack: str


@dataclass(frozen=True, slots=True)
class PartyText:
    """A text someone put on the record, and when."""

    text: str
    at: str
    by: str


@dataclass(frozen=True, slots=True)
class UnionView:
    """The trade-union notice and reply."""

    reasons: PartyText
    reply: PartyText | None


@dataclass(frozen=True, slots=True)
class AppealView:
    """The appeal and its decision."""

    grounds: PartyText
    outcome: str
    decision: PartyText | None


@dataclass(frozen=True, slots=True)
class GateView:
    """A dismissal gate."""

    passed: bool
    blocking: bool
    text: str
    law: str


@dataclass(frozen=True, slots=True)
class StepView:
    """A life-cycle step."""

    at: str
    action: str
    change: str
    note: str
    actor: str


@dataclass(frozen=True, slots=True)
class AuditView:
    """An audit event of the case."""

    seq: int
    at: str
    actor: str
    action: str
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class NoticeDocView:
    """A notice drafted from the case, as printed or served (compliance.notices)."""

    title: str
    version: int
    event: str
    at: str
    by: str
    sha256: str


@dataclass(frozen=True, slots=True)
class SignatureView:
    """A signature line: in what capacity, and the name of who signs."""

    role: str
    name: str


@dataclass(frozen=True, slots=True)
class CaseContent:
    """Everything printed about the case; its digest is the dossier's content fingerprint."""

    lang: str
    office_name: str
    office_code: str
    case_number: str
    staff_name: str
    staff_fields: tuple[Field, ...]
    status: str
    severity: str
    severity_reason: str
    rule_codes: str
    dates: tuple[Field, ...]
    rules: tuple[RuleView, ...]
    timeline: tuple[EvidenceItem, ...]
    statement_kind: str
    statement: PartyText | None
    findings: tuple[FindingView, ...]
    proposals: tuple[ProposalView, ...]
    deductions: tuple[DeductionView, ...]
    approvals: tuple[ApprovalView, ...]
    notices: tuple[NoticeView, ...]
    union_required: bool
    union: UnionView | None
    appeal: AppealView | None
    gates: tuple[GateView, ...]
    wrongful_cost: tuple[str, ...]
    steps: tuple[StepView, ...]
    annotations: tuple[PartyText, ...]
    audit: tuple[AuditView, ...]
    # The case's money in words: its account and what pay cannot take (with the figures).
    pay_notes: tuple[str, ...] = ()
    # The notices printed and served from the case, with their PDFs' SHA-256.
    notice_docs: tuple[NoticeDocView, ...] = ()
    # Everyone who decided signs: the staff member, each approver, the appeal's decider.
    signatures: tuple[SignatureView, ...] = ()

    def digest(self) -> str:
        """SHA-256 of the content as canonical JSON."""
        body = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class DossierView:
    """A dossier ready to render: the case content plus how and when it was issued."""

    content: CaseContent
    dossier_number: str
    issued_at: str
    issued_by: str
    verify_url: str
    qr_data_url: str
    fingerprint: str
    chain_seq: int
    chain_hash: str
