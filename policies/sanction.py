"""Sanction schedules: the outcome kinds and the shape of what a rule says follows a breach.

Each rule's schedule, and the handler that picks its step, live in the rule's own module
(the default ladder of the rules that name no sanction in policies.conduct.default_ladder);
the engine that runs them is policies.ladder. There is deliberately no fine (罚款): a
private employer has no legal basis to fine staff.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.draft import Draft


class Severity(StrEnum):
    """How grave a breach is (情节)."""

    MINOR = "minor"
    STANDARD = "standard"
    SERIOUS = "serious"


class OutcomeKind(StrEnum):
    """Something a decision can impose. No fine, by design."""

    VERBAL_WARNING = "verbal_warning"
    WRITTEN_WARNING = "written_warning"
    FINAL_WRITTEN_WARNING = "final_written_warning"
    RETRAINING = "retraining"
    REASSIGNMENT = "reassignment"
    RECTIFICATION = "rectification"
    COMPENSATION = "compensation"
    RESTITUTION = "restitution"
    WAGE_DEDUCTION = "wage_deduction"
    TERMINATION_WITH_NOTICE = "termination_with_notice"
    DISMISSAL = "dismissal"
    LEGAL_REFERRAL = "legal_referral"


OUTCOME_LABELS_ZH: dict[OutcomeKind, str] = {
    OutcomeKind.VERBAL_WARNING: "口头警告",
    OutcomeKind.WRITTEN_WARNING: "书面警告",
    OutcomeKind.FINAL_WRITTEN_WARNING: "最后书面警告",
    OutcomeKind.RETRAINING: "再培训",
    OutcomeKind.REASSIGNMENT: "调整工作岗位",
    OutcomeKind.RECTIFICATION: "限期整改",
    OutcomeKind.COMPENSATION: "照价赔偿",
    OutcomeKind.RESTITUTION: "退还财物/上交小费",
    OutcomeKind.WAGE_DEDUCTION: "扣发工资",
    OutcomeKind.TERMINATION_WITH_NOTICE: "提前三十日通知解除劳动合同(不能胜任)",
    OutcomeKind.DISMISSAL: "辞退",
    OutcomeKind.LEGAL_REFERRAL: "移送司法机关追究法律责任",
}

OUTCOME_LABELS_EN: dict[OutcomeKind, str] = {
    OutcomeKind.VERBAL_WARNING: "Verbal warning",
    OutcomeKind.WRITTEN_WARNING: "Written warning",
    OutcomeKind.FINAL_WRITTEN_WARNING: "Final written warning",
    OutcomeKind.RETRAINING: "Retraining",
    OutcomeKind.REASSIGNMENT: "Reassignment",
    OutcomeKind.RECTIFICATION: "Rectification by a deadline",
    OutcomeKind.COMPENSATION: "Compensation at the assessed price",
    OutcomeKind.RESTITUTION: "Restitution (hand over the tip / return the property)",
    OutcomeKind.WAGE_DEDUCTION: "Wage deduction",
    OutcomeKind.TERMINATION_WITH_NOTICE: "Termination with 30 days' notice (incompetence)",
    OutcomeKind.DISMISSAL: "Dismissal",
    OutcomeKind.LEGAL_REFERRAL: "Referral for legal action",
}


def outcome_label(kind: str, lang: str) -> str:
    """An outcome's name in "zh" or "en"; an unknown code is shown as it is."""
    try:
        k = OutcomeKind(kind)
    except ValueError:
        return kind
    return (OUTCOME_LABELS_ZH if lang == "zh" else OUTCOME_LABELS_EN)[k]


@dataclass(frozen=True)
class SanctionStep:
    """One rung of a schedule.

    `ordinal` is the n-th confirmed breach it applies to and `severity` the severity;
    None matches any. When several steps match, the last one listed wins, so specific
    steps are listed after general ones.
    """

    outcomes: tuple[OutcomeKind, ...]
    ordinal: int | None = None
    severity: Severity | None = None


@dataclass(frozen=True)
class SanctionSchedule:
    """What the rulebook says follows a breach of one rule, and the handler that applies it.

    `handler` fills in a policies.draft.Draft: the outcomes, their amounts and the reasoning.
    `counts_repeats`: the step rises with earlier decided breaches of the rule; otherwise
    they are listed for information only.
    """

    text_zh: str
    text_en: str
    steps: tuple[SanctionStep, ...]
    handler: "Callable[[Draft], None]"
    counts_repeats: bool = False
