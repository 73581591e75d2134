"""A sanction proposal and what it is made from, as plain immutable data.

policies.ladder builds proposals; the cases domain stores them as canonical JSON and
rebuilds them with `from_dict` (exactly: `Proposal.from_dict(p.to_dict()) == p`).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from policies.canonical import canonical_json, digest
from policies.guardrails.dismissal import Risk
from policies.guardrails.months import aware, zone
from policies.sanction import OUTCOME_LABELS_EN, OUTCOME_LABELS_ZH, OutcomeKind, Severity


def _amount(value: int | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be a non-negative integer (fen) or None, got {value!r}")


class Standing(StrEnum):
    """Where the decision on an earlier breach stands; only a decided one raises the ladder.

    decided: its case reached a decision that stands (final, executed or closed; an appeal
    upheld or varied it). pending: its case has no final decision yet. no_case: the finding
    was confirmed but never put to a case. overturned: the decision was set aside on appeal.
    withdrawn: the case was dismissed as no breach before any decision.
    """

    DECIDED = "decided"
    PENDING = "pending"
    NO_CASE = "no_case"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PriorBreach:
    """An earlier confirmed finding of the same rule by the same staff member, with the
    standing of the case that judged it. Only a case decides: a finding without a case
    cannot be decided. A proposal stored before `standing` existed loads its priors with a
    case as decided (as they were counted then) and those without one as no_case."""

    finding_id: int
    case_number: str | None
    rule_code: str
    occurred_at: datetime
    severity: Severity | None = None
    standing: Standing = Standing.DECIDED

    def __post_init__(self) -> None:
        aware(self.occurred_at, "occurred_at")
        object.__setattr__(self, "standing", Standing(self.standing))
        if self.case_number is None and self.standing is not Standing.NO_CASE:
            raise ValueError(
                f"prior finding {self.finding_id} has no case, so it cannot be {self.standing}"
            )
        if self.case_number is not None and self.standing is Standing.NO_CASE:
            raise ValueError(f"prior finding {self.finding_id} is in case {self.case_number}")

    @property
    def incident_key(self) -> str:
        """Findings judged in one case are one incident on the ladder."""
        return self.case_number or f"finding:{self.finding_id}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PriorBreach":
        """Rebuild from `to_dict()` / canonical JSON."""
        sev = data.get("severity")
        return cls(
            finding_id=int(data["finding_id"]),
            case_number=data.get("case_number"),
            rule_code=str(data["rule_code"]),
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            severity=Severity(sev) if sev is not None else None,
            standing=Standing(
                data.get("standing")
                or (Standing.DECIDED if data.get("case_number") else Standing.NO_CASE)
            ),
        )


@dataclass(frozen=True)
class SanctionFacts:
    """The facts of this incident the schedules need; money in fen."""

    incident_at: datetime
    monthly_wage_fen: int
    compensation_fen: int | None = None
    concealed_tip_fen: int | None = None
    restitution_fen: int | None = None
    prior_concealments: int = 0
    prior_incompetence_steps: int = 0
    case_number: str | None = None
    time_zone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        aware(self.incident_at, "incident_at")
        _amount(self.monthly_wage_fen, "monthly_wage_fen")
        _amount(self.compensation_fen, "compensation_fen")
        _amount(self.concealed_tip_fen, "concealed_tip_fen")
        _amount(self.restitution_fen, "restitution_fen")
        _amount(self.prior_concealments, "prior_concealments")
        _amount(self.prior_incompetence_steps, "prior_incompetence_steps")
        zone(self.time_zone)

    def local_date(self, value: datetime) -> date:
        """The office's calendar date of an instant."""
        return value.astimezone(zone(self.time_zone)).date()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SanctionFacts":
        """Rebuild from `to_dict()` / canonical JSON."""
        return cls(**{**data, "incident_at": datetime.fromisoformat(data["incident_at"])})


@dataclass(frozen=True)
class ProposedOutcome:
    """One outcome the ladder proposes; `amount_fen` is money the staff member owes."""

    kind: OutcomeKind
    amount_fen: int | None
    legal_risk: bool
    note_zh: str
    note_en: str

    @property
    def label_zh(self) -> str:
        """The outcome's name in Chinese."""
        return OUTCOME_LABELS_ZH[self.kind]

    @property
    def label_en(self) -> str:
        """The outcome's name in English."""
        return OUTCOME_LABELS_EN[self.kind]


@dataclass(frozen=True)
class Issue:
    """Something missing or wrong that must be fixed before the proposal can be approved."""

    key: str
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Proposal:
    """A reproducible, explained sanction proposal for one confirmed breach."""

    rule_code: str
    rule_version: int
    severity: Severity
    outcomes: tuple[ProposedOutcome, ...]
    ladder_step: int | None
    breach_ordinal: int | None
    suggested_severity: Severity | None
    suggestion_zh: str
    suggestion_en: str
    counted: tuple[PriorBreach, ...]
    ignored: tuple[PriorBreach, ...]
    legal_risks: tuple[Risk, ...]
    issues: tuple[Issue, ...]
    explanation_zh: tuple[str, ...]
    explanation_en: tuple[str, ...]
    facts: SanctionFacts
    params: dict[str, int]
    params_digest: str
    input_digest: str

    @property
    def complete(self) -> bool:
        """True when nothing is missing; an incomplete proposal cannot be approved."""
        return not self.issues

    @property
    def needs_justification(self) -> bool:
        """True when approving needs a recorded justification (a legal-risk outcome)."""
        return any(r.requires_justification for r in self.legal_risks)

    def kinds(self) -> tuple[OutcomeKind, ...]:
        """The proposed outcome kinds, in order."""
        return tuple(o.kind for o in self.outcomes)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, UTC datetimes; equal proposals give equal text."""
        return canonical_json(self)

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON as plain data, for storage."""
        data: dict[str, Any] = json.loads(self.to_json())
        return data

    def digest(self) -> str:
        """SHA-256 of the canonical JSON."""
        return digest(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Proposal":
        """Rebuild a stored proposal exactly (`from_dict(p.to_dict()) == p`)."""
        sev = data.get("suggested_severity")
        return cls(
            rule_code=data["rule_code"],
            rule_version=int(data["rule_version"]),
            severity=Severity(data["severity"]),
            outcomes=tuple(
                ProposedOutcome(**{**o, "kind": OutcomeKind(o["kind"])}) for o in data["outcomes"]
            ),
            ladder_step=data["ladder_step"],
            breach_ordinal=data["breach_ordinal"],
            suggested_severity=Severity(sev) if sev is not None else None,
            suggestion_zh=data["suggestion_zh"],
            suggestion_en=data["suggestion_en"],
            counted=tuple(PriorBreach.from_dict(p) for p in data["counted"]),
            ignored=tuple(PriorBreach.from_dict(p) for p in data["ignored"]),
            legal_risks=tuple(Risk(**r) for r in data["legal_risks"]),
            issues=tuple(Issue(**i) for i in data["issues"]),
            explanation_zh=tuple(data["explanation_zh"]),
            explanation_en=tuple(data["explanation_en"]),
            facts=SanctionFacts.from_dict(data["facts"]),
            params=dict(data["params"]),
            params_digest=data["params_digest"],
            input_digest=data["input_digest"],
        )


def to_dict(value: PriorBreach | SanctionFacts) -> dict[str, Any]:
    """Canonical plain data for a prior breach or the facts (the `from_dict` inverse)."""
    data: dict[str, Any] = json.loads(canonical_json(value))
    return data
