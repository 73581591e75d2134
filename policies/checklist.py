"""Spot-check items a rule contributes, and measurements judged against a parameter."""

from dataclasses import dataclass
from enum import StrEnum


class Bound(StrEnum):
    """Whether an observed value must stay at or below (max) or at or above (min) a limit."""

    MAX = "max"
    MIN = "min"


@dataclass(frozen=True)
class ObservedValue:
    """A measurement a checklist item records, judged against a parameter.

    The four text templates take `{observed}` and `{limit}`.
    """

    name: str
    unit: str
    label_zh: str
    label_en: str
    limit_param: str
    bound: Bound
    breach_zh: str
    breach_en: str
    pass_zh: str
    pass_en: str

    def breaches(self, value: int, limit: int) -> bool:
        """Tell whether `value` is on the wrong side of `limit`."""
        return value > limit if self.bound is Bound.MAX else value < limit


@dataclass(frozen=True)
class ChecklistItem:
    """One line a rule contributes to a spot check."""

    key: str
    rule_code: str
    label_zh: str
    label_en: str
    observed: ObservedValue | None = None
