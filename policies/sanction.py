"""Sanction schedules as data: what each rule says should follow a confirmed breach.

The engine that picks a step (counting prior breaches, applying guardrails) lives elsewhere;
here are only the outcome kinds and each rule's written schedule. There is deliberately no
fine (罚款): a private employer has no legal basis to fine staff.
"""

from dataclasses import dataclass
from enum import StrEnum


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


class SanctionKind(StrEnum):
    """The shape of a rule's sanction schedule."""

    DEFAULT_LADDER = "default_ladder"
    INCOMPETENCE_LADDER = "incompetence_ladder"
    COMPENSATION_PLUS_STEP = "compensation_plus_step"
    RESTITUTION_PLUS_WAGE_WITHHOLDING = "restitution_plus_wage_withholding"
    DISMISSAL = "dismissal"


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
    """What the rulebook says follows a breach of one rule."""

    kind: SanctionKind
    text_zh: str
    text_en: str
    steps: tuple[SanctionStep, ...]


DEFAULT_LADDER = SanctionSchedule(
    kind=SanctionKind.DEFAULT_LADDER,
    text_zh=(
        "本条未规定处理方式,按默认阶梯:12 个月内同一条第 1 次书面警告(轻微:口头警告),"
        "第 2 次书面警告并再培训,第 3 次最后书面警告,第 4 次建议以严重违反规章制度辞退;"
        "情节严重的上调一级。"
    ),
    text_en=(
        "The rule names no sanction; default ladder over confirmed breaches of the same rule "
        "in 12 months: 1st written warning (minor: verbal warning), 2nd written warning and "
        "retraining, 3rd final written warning, 4th proposed dismissal for serious violation "
        "of the rulebook. Serious moves one step up."
    ),
    steps=(
        SanctionStep((OutcomeKind.WRITTEN_WARNING,), ordinal=1),
        SanctionStep((OutcomeKind.VERBAL_WARNING,), ordinal=1, severity=Severity.MINOR),
        SanctionStep((OutcomeKind.WRITTEN_WARNING, OutcomeKind.RETRAINING), ordinal=2),
        SanctionStep((OutcomeKind.FINAL_WRITTEN_WARNING,), ordinal=3),
        SanctionStep((OutcomeKind.DISMISSAL,), ordinal=4),
    ),
)

INCOMPETENCE_LADDER = SanctionSchedule(
    kind=SanctionKind.INCOMPETENCE_LADDER,
    text_zh=(
        "“对该人员进行处理”:先培训,再调整工作岗位,仍不能胜任的,"
        "提前三十日书面通知或额外支付一个月工资后解除劳动合同。"
    ),
    text_en=(
        '"Dealt with": retraining first, then reassignment; if still incompetent, termination '
        "with 30 days' written notice or one month's wage in lieu."
    ),
    steps=(
        SanctionStep((OutcomeKind.RETRAINING,), ordinal=1),
        SanctionStep((OutcomeKind.REASSIGNMENT,), ordinal=2),
        SanctionStep((OutcomeKind.TERMINATION_WITH_NOTICE,), ordinal=3),
    ),
)

COMPENSATION_PLUS_STEP = SanctionSchedule(
    kind=SanctionKind.COMPENSATION_PLUS_STEP,
    text_zh="照价赔偿,并视情形对责任人进行处理:轻微口头警告,一般书面警告,严重最后书面警告。",
    text_en=(
        "Compensation at the assessed price, plus a disciplinary step by severity: minor "
        "verbal warning, standard written warning, serious final written warning."
    ),
    steps=(
        SanctionStep((OutcomeKind.COMPENSATION, OutcomeKind.WRITTEN_WARNING)),
        SanctionStep(
            (OutcomeKind.COMPENSATION, OutcomeKind.VERBAL_WARNING), severity=Severity.MINOR
        ),
        SanctionStep(
            (OutcomeKind.COMPENSATION, OutcomeKind.FINAL_WRITTEN_WARNING),
            severity=Severity.SERIOUS,
        ),
    ),
)

RESTITUTION_PLUS_WAGE_WITHHOLDING = SanctionSchedule(
    kind=SanctionKind.RESTITUTION_PLUS_WAGE_WITHHOLDING,
    text_zh="上交所收小费,扣发当月工资;情节严重者作辞退处理。",
    text_en=("Hand over the kept tip and withhold that month's wage; serious cases are dismissed."),
    steps=(
        SanctionStep((OutcomeKind.RESTITUTION, OutcomeKind.WAGE_DEDUCTION)),
        SanctionStep((OutcomeKind.RESTITUTION, OutcomeKind.DISMISSAL), severity=Severity.SERIOUS),
    ),
)

DISMISSAL_SCHEDULE = SanctionSchedule(
    kind=SanctionKind.DISMISSAL,
    text_zh="一经发现,立即作辞退处理并退还财物;情节严重者还将追究法律责任。",
    text_en=(
        "Dismissal on discovery, with restitution; serious cases are also referred for legal "
        "action."
    ),
    steps=(
        SanctionStep((OutcomeKind.DISMISSAL, OutcomeKind.RESTITUTION)),
        SanctionStep(
            (OutcomeKind.DISMISSAL, OutcomeKind.RESTITUTION, OutcomeKind.LEGAL_REFERRAL),
            severity=Severity.SERIOUS,
        ),
    ),
)
