"""What ending an employment costs and the gates a dismissal must pass; legal risks."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction

from policies.guardrails.months import aware, zone
from policies.text import yuan


@dataclass(frozen=True)
class Compensation:
    """Statutory economic compensation (or, with multiplier 2, the cost of an unlawful end)."""

    statutory: bool
    hire_date: date
    end_date: date
    service_years: int
    service_months: int
    extra_days: bool
    half_months: int
    monthly_wage_fen: int
    base_wage_fen: int
    multiplier: int
    amount_fen: int
    explanation_zh: tuple[str, ...]
    explanation_en: tuple[str, ...]

    @property
    def months(self) -> Fraction:
        """Months of wage owed per multiplier, exactly (e.g. 7/2)."""
        return Fraction(self.half_months, 2)


@dataclass(frozen=True)
class DismissalFacts:
    """What the dismissal gates check; datetimes aware, dates local to the office."""

    incident_at: datetime
    rule_effective_from: date
    rule_published_on: date
    rulebook_ack_at: datetime | None
    statement_step_done: bool
    union_notified_at: datetime | None
    union_reasons: str
    union_reply_at: datetime | None
    effective_at: datetime | None
    time_zone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        for name in (
            "incident_at",
            "rulebook_ack_at",
            "union_notified_at",
            "union_reply_at",
            "effective_at",
        ):
            aware(getattr(self, name), name)
        zone(self.time_zone)

    def local(self, value: datetime) -> datetime:
        """`value` in the office's time zone."""
        return value.astimezone(zone(self.time_zone))


@dataclass(frozen=True)
class Gate:
    """One condition a dismissal must meet; a failed blocking gate forbids approval."""

    key: str
    passed: bool
    blocking: bool
    text_zh: str
    text_en: str
    law_zh: str
    law_en: str


def blocking_failures(gates: Iterable[Gate]) -> tuple[Gate, ...]:
    """The failed gates that forbid approving a dismissal."""
    return tuple(g for g in gates if g.blocking and not g.passed)


@dataclass(frozen=True)
class Risk:
    """A legal risk shown with a proposal; some need a recorded justification to approve."""

    key: str
    text_zh: str
    text_en: str
    law_zh: str
    law_en: str
    requires_justification: bool


def doubled(base: Compensation) -> Compensation:
    zh = (
        *base.explanation_zh,
        f"违法解除按经济补偿标准的二倍支付赔偿金:{yuan(base.amount_fen)} × 2 = "
        f"{yuan(base.amount_fen * 2)}(《劳动合同法》第八十七条)。",
    )
    en = (
        *base.explanation_en,
        f"An unlawful termination costs twice the compensation: {yuan(base.amount_fen)} × 2 = "
        f"{yuan(base.amount_fen * 2)} (Labour Contract Law, art. 87).",
    )
    return replace(
        base,
        multiplier=base.multiplier * 2,
        amount_fen=base.amount_fen * 2,
        explanation_zh=zh if base.statutory else base.explanation_zh,
        explanation_en=en if base.statutory else base.explanation_en,
    )
