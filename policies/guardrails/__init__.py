"""Statutory guardrail profiles: "CN" (the default) and "none" (the rulebook as written)."""

from policies.guardrails.base import GuardrailProfile
from policies.guardrails.cn import (
    CN,
    CNProfile,
    disciplinary_deduction_risk,
    dismissal_risk,
    incompetence_termination_risk,
    service_length,
)
from policies.guardrails.dismissal import (
    Compensation,
    DismissalFacts,
    Gate,
    Risk,
    blocking_failures,
)
from policies.guardrails.months import (
    MAX_MONTHS,
    MonthInfo,
    add_months,
    first_of_month,
    month_info,
    months_from,
)
from policies.guardrails.none import NONE, NoGuardrails
from policies.guardrails.schedule import (
    PLAN_LIMIT_MONTHS,
    CapBinding,
    Instalment,
    MonthCap,
    MonthPlan,
    Obligation,
    ObligationPlan,
    PlanNote,
    Schedule,
    months_between,
    plan_notes,
)

__all__ = [
    "CN",
    "DEFAULT_PROFILE",
    "MAX_MONTHS",
    "NONE",
    "PLAN_LIMIT_MONTHS",
    "PROFILES",
    "CNProfile",
    "CapBinding",
    "Compensation",
    "DismissalFacts",
    "Gate",
    "GuardrailProfile",
    "Instalment",
    "MonthCap",
    "MonthInfo",
    "MonthPlan",
    "NoGuardrails",
    "Obligation",
    "ObligationPlan",
    "PlanNote",
    "Risk",
    "Schedule",
    "add_months",
    "blocking_failures",
    "disciplinary_deduction_risk",
    "dismissal_risk",
    "first_of_month",
    "get_profile",
    "incompetence_termination_risk",
    "month_info",
    "months_between",
    "months_from",
    "plan_notes",
    "service_length",
]

DEFAULT_PROFILE = "CN"
PROFILES: tuple[GuardrailProfile, ...] = (CN, NONE)
_BY_CODE = {p.code: p for p in PROFILES}


def get_profile(code: str = DEFAULT_PROFILE) -> GuardrailProfile:
    """The profile with this code ("CN" or "none"); ValueError if unknown."""
    try:
        return _BY_CODE[code]
    except KeyError:
        known = ", ".join(_BY_CODE)
        raise ValueError(f"unknown guardrail profile {code!r} (known: {known})") from None
