"""Profile "none": the rulebook as written, with no statutory guardrails.

A deduction may take the whole month's wage but never more; no minimum-wage floor, no
statutory compensation figures, no dismissal gates and no legal risks named.
"""

from collections.abc import Mapping
from datetime import date

from policies.guardrails.base import GuardrailProfile
from policies.guardrails.cn import service_length
from policies.guardrails.dismissal import Compensation, DismissalFacts, Gate, Risk
from policies.guardrails.schedule import CapBinding, MonthCap
from policies.sanction import OutcomeKind


class NoGuardrails(GuardrailProfile):
    """Apply the rulebook as written."""

    code = "none"
    version = 1
    effective_from = date(1970, 1, 1)
    title_zh = "不设法定保护(按规章制度原文执行)"
    title_en = "No statutory guardrails (the rulebook as written)"

    def deduction_cap(self, wage_fen: int, min_wage_fen: int) -> MonthCap:
        """The whole wage, never more."""
        for name, value in (("wage_fen", wage_fen), ("min_wage_fen", min_wage_fen)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer (fen), got {value!r}")
        return MonthCap(
            wage_fen=wage_fen,
            min_wage_fen=min_wage_fen,
            percent_cap_fen=None,
            above_floor_fen=None,
            cap_fen=wage_fen,
            binding=CapBinding.WAGE,
        )

    def economic_compensation(
        self,
        hire_date: date,
        end_date: date,
        monthly_wage_fen: int,
        *,
        average_wage_fen: int | None = None,
    ) -> Compensation:
        """No statutory figure under this profile: zero, marked `statutory=False`."""
        months, extra = service_length(hire_date, end_date)
        return Compensation(
            statutory=False,
            hire_date=hire_date,
            end_date=end_date,
            service_years=months // 12,
            service_months=months % 12,
            extra_days=extra,
            half_months=0,
            monthly_wage_fen=monthly_wage_fen,
            base_wage_fen=monthly_wage_fen,
            multiplier=1,
            amount_fen=0,
            explanation_zh=("未启用法定保护(none):不计算经济补偿。",),
            explanation_en=("No statutory guardrails (profile none): no compensation computed.",),
        )

    def dismissal_gates(self, facts: DismissalFacts) -> tuple[Gate, ...]:
        """No gates under this profile."""
        return ()

    def risks_by_outcome(self) -> Mapping[OutcomeKind, Risk]:
        """No statutory law applied, so no legal risk named."""
        return {}


NONE = NoGuardrails()
