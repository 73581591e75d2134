"""The guardrail profile: what a jurisdiction's law allows, behind one interface.

A profile decides how much may be taken from one month's wage, what statutory
compensation a termination costs and which gates a dismissal must pass. Scheduling is the
same for every profile (policies.guardrails.schedule).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

from policies.guardrails.dismissal import Compensation, DismissalFacts, Gate, Risk, doubled
from policies.guardrails.months import MAX_MONTHS, MonthInfo, add_months, first_of_month, month_info
from policies.guardrails.schedule import Allocator, MonthCap, MonthPlan, Obligation, Schedule
from policies.sanction import OutcomeKind


class GuardrailProfile(ABC):
    """A set of statutory guardrails, in force from `effective_from`."""

    code: str
    version: int
    effective_from: date
    title_zh: str
    title_en: str

    @abstractmethod
    def deduction_cap(self, wage_fen: int, min_wage_fen: int) -> MonthCap:
        """The most that may be deducted from one month's wage."""

    @abstractmethod
    def economic_compensation(
        self,
        hire_date: date,
        end_date: date,
        monthly_wage_fen: int,
        *,
        average_wage_fen: int | None = None,
    ) -> Compensation:
        """Statutory economic compensation for ending the employment."""

    @abstractmethod
    def dismissal_gates(self, facts: DismissalFacts) -> tuple[Gate, ...]:
        """The conditions a dismissal must meet under this profile."""

    @abstractmethod
    def risks_by_outcome(self) -> Mapping[OutcomeKind, Risk]:
        """The legal risk of proposing each outcome under this profile, in the order shown."""

    def legal_risks(self, kinds: Iterable[OutcomeKind]) -> tuple[Risk, ...]:
        """The legal risks of proposing these outcomes, in the profile's order."""
        wanted = set(kinds)
        return tuple(risk for kind, risk in self.risks_by_outcome().items() if kind in wanted)

    def wrongful_dismissal_cost(
        self,
        hire_date: date,
        end_date: date,
        monthly_wage_fen: int,
        *,
        average_wage_fen: int | None = None,
    ) -> Compensation:
        """What an unlawful dismissal costs: twice the economic compensation."""
        base = self.economic_compensation(
            hire_date, end_date, monthly_wage_fen, average_wage_fen=average_wage_fen
        )
        return doubled(base)

    def schedule_deductions(
        self, obligations: Sequence[Obligation], months: Sequence[MonthInfo]
    ) -> Schedule:
        """Schedule the obligations over the given months; what does not fit stays owed."""
        alloc = Allocator(self.deduction_cap, self.code, obligations)
        return alloc.result([alloc.step(info) for info in months])

    def plan_deductions(
        self,
        obligations: Sequence[Obligation],
        *,
        start: date,
        wages: Mapping[date, int],
        min_wages: Mapping[date, int],
        default_wage_fen: int | None = None,
        already_taken: Mapping[date, int] | None = None,
        max_months: int = MAX_MONTHS,
    ) -> Schedule:
        """Schedule from `start`'s month until everything is paid or `max_months` run out."""
        if not 1 <= max_months <= MAX_MONTHS:
            raise ValueError(f"max_months must be between 1 and {MAX_MONTHS}")
        alloc = Allocator(self.deduction_cap, self.code, obligations)

        def plans() -> Iterator[MonthPlan]:
            month = first_of_month(start)
            for _ in range(max_months):
                if alloc.outstanding == 0:
                    return
                info = month_info(
                    month,
                    wages=wages,
                    min_wages=min_wages,
                    default_wage_fen=default_wage_fen,
                    already_taken=already_taken,
                )
                yield alloc.step(info)
                month = add_months(month, 1)

        return alloc.result(list(plans()))
