"""What a rule's sanction handler works on: the draft of a proposal.

Each rule's schedule (policies.sanction.SanctionSchedule) names its handler, kept in the rule's
own module; the engine (policies.ladder) builds a Draft, calls the handler and turns the
filled-in draft into a Proposal. A handler picks the outcomes and their amounts, explains its
step and names what is missing; legal risks come from the guardrail profile, not from it.
"""

from collections.abc import Mapping, Sequence

from policies.guardrails.base import GuardrailProfile
from policies.proposal import Issue, SanctionFacts
from policies.sanction import (
    OUTCOME_LABELS_EN,
    OUTCOME_LABELS_ZH,
    OutcomeKind,
    SanctionSchedule,
    Severity,
)

SEVERITY_ZH = {Severity.MINOR: "轻微", Severity.STANDARD: "一般", Severity.SERIOUS: "严重"}


def names(kinds: Sequence[OutcomeKind], zh: bool) -> str:
    """The outcomes' names joined with " + "."""
    labels = OUTCOME_LABELS_ZH if zh else OUTCOME_LABELS_EN
    return " + ".join(labels[k] for k in kinds)


class Draft:
    """A proposal being built: the inputs a handler reads and the fields it fills in."""

    def __init__(
        self,
        *,
        facts: SanctionFacts,
        severity: Severity,
        schedule: SanctionSchedule,
        params: Mapping[str, int],
        incidents: int,
        guardrails: GuardrailProfile,
    ) -> None:
        self.facts = facts
        self.severity = severity
        self.schedule = schedule
        self.params = params  # the rule's own, resolved
        self.incidents = incidents  # earlier decided breaches of the rule in the window
        self.guardrails = guardrails
        self.kinds: list[OutcomeKind] = []
        self.amounts: dict[OutcomeKind, int | None] = {}
        self.step: int | None = None
        self.ordinal: int | None = None
        self.zh: list[str] = []
        self.en: list[str] = []
        self.issues: list[Issue] = []
        self.suggested: Severity | None = None
        self.why_zh: list[str] = []
        self.why_en: list[str] = []

    def say(self, zh: str, en: str) -> None:
        """Add a line to the explanation."""
        self.zh.append(zh)
        self.en.append(en)

    def suggest_serious(self, zh: str, en: str) -> None:
        """Suggest the breach be judged serious, and why."""
        self.suggested = Severity.SERIOUS
        self.why_zh.append(zh)
        self.why_en.append(en)

    def need(self, key: str, zh: str, en: str) -> None:
        """Name a fact the proposal still needs."""
        self.issues.append(Issue(key, zh, en))

    def match(self, ordinal: int | None) -> list[OutcomeKind]:
        """The outcomes of the schedule's last step matching the ordinal and the severity."""
        severity, found = self.severity, None
        for step in self.schedule.steps:
            if step.ordinal in (None, ordinal) and step.severity in (None, severity):
                found = step
        if found is None:
            raise ValueError(f"the schedule has no step for {ordinal=} {severity=}")
        return list(found.outcomes)

    def top(self) -> int:
        """The highest ordinal of the schedule's steps."""
        return max(s.ordinal for s in self.schedule.steps if s.ordinal is not None)

    def is_legal_risk(self, kind: OutcomeKind) -> bool:
        """Whether the guardrail profile names a legal risk for this outcome."""
        return bool(self.guardrails.legal_risks([kind]))
