"""Guardrail profile types and the shared deduction scheduler (pure, integer fen).

A profile decides how much may be taken from one month's wage, what statutory
compensation a termination costs and which gates a dismissal must pass. Scheduling is the
same for every profile: several deductions in a month share one cap, the oldest obligation
is served first, and what cannot be taken is carried into the following months.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policies.text import yuan

MAX_MONTHS = 120


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def aware(value: datetime | None, name: str) -> None:
    """Reject a naive datetime: every instant in the rulebook is timezone-aware."""
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")


def first_of_month(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))


def _check_month(month: date, name: str) -> None:
    if month.day != 1:
        raise ValueError(f"{name} must be the first day of a month, got {month.isoformat()}")


def _non_negative(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer (fen), got {value!r}")


class CapBinding(StrEnum):
    """Which limit set a month's deduction cap."""

    PERCENT = "percent"  # 20% of the month's wage
    FLOOR = "floor"  # the wage left must not fall below the minimum wage
    WAGE = "wage"  # no statutory limit: at most the whole wage


@dataclass(frozen=True)
class MonthCap:
    """The most that may be deducted from one month's wage, and why."""

    wage_fen: int
    min_wage_fen: int
    percent_cap_fen: int | None
    above_floor_fen: int | None
    cap_fen: int
    binding: CapBinding

    def explain_zh(self) -> str:
        """One line, in Chinese."""
        if self.binding is CapBinding.WAGE:
            return f"工资 {yuan(self.wage_fen)},不设法定扣款上限,本月最多可扣 {yuan(self.cap_fen)}"
        bound = "20% 限额" if self.binding is CapBinding.PERCENT else "最低工资保底"
        return (
            f"工资 {yuan(self.wage_fen)} 的 20% 为 {yuan(self.percent_cap_fen or 0)};"
            f"扣后不得低于最低工资 {yuan(self.min_wage_fen)},最多可扣 "
            f"{yuan(self.above_floor_fen or 0)};本月上限 {yuan(self.cap_fen)}({bound}起约束作用,"
            "《工资支付暂行规定》第十六条)"
        )

    def explain_en(self) -> str:
        """One line, in English."""
        if self.binding is CapBinding.WAGE:
            return (
                f"Wage {yuan(self.wage_fen)}, no statutory limit: at most "
                f"{yuan(self.cap_fen)} this month"
            )
        bound = "the 20% limit" if self.binding is CapBinding.PERCENT else "the minimum-wage floor"
        return (
            f"20% of the wage {yuan(self.wage_fen)} is {yuan(self.percent_cap_fen or 0)}; the wage "
            f"left may not fall below the minimum wage {yuan(self.min_wage_fen)}, so at most "
            f"{yuan(self.above_floor_fen or 0)}; cap this month {yuan(self.cap_fen)} ({bound} "
            "binds; Interim Provisions on Wage Payment, art. 16)"
        )


@dataclass(frozen=True)
class Obligation:
    """Money a staff member still owes, to be deducted from `start_month` on."""

    id: int
    amount_fen: int
    start_month: date
    label: str = ""

    def __post_init__(self) -> None:
        _non_negative(self.amount_fen, f"obligation {self.id} amount_fen")
        _check_month(self.start_month, f"obligation {self.id} start_month")


@dataclass(frozen=True)
class MonthInfo:
    """One payroll month: its wage, the minimum wage and what instalments already took."""

    month: date
    wage_fen: int
    min_wage_fen: int
    already_taken_fen: int = 0

    def __post_init__(self) -> None:
        _check_month(self.month, "month")
        _non_negative(self.wage_fen, f"{self.month:%Y-%m} wage_fen")
        _non_negative(self.min_wage_fen, f"{self.month:%Y-%m} min_wage_fen")
        _non_negative(self.already_taken_fen, f"{self.month:%Y-%m} already_taken_fen")


@dataclass(frozen=True)
class Instalment:
    """One amount taken for one obligation in one month."""

    obligation_id: int
    month: date
    amount_fen: int


def _tag(obligation_id: int, labels: Mapping[int, str]) -> str:
    label = labels.get(obligation_id, "")
    return f"#{obligation_id} {label}" if label else f"#{obligation_id}"


@dataclass(frozen=True)
class MonthPlan:
    """What is deducted in one month, under which cap, and what is carried forward."""

    month: date
    cap: MonthCap
    already_taken_fen: int
    available_fen: int
    instalments: tuple[Instalment, ...]
    taken_fen: int
    carried_forward_fen: int
    over_cap_fen: int  # executed instalments above this month's cap (cap lowered later)

    def explain_zh(self, labels: Mapping[int, str]) -> str:
        """One line, in Chinese."""
        parts = [f"{self.month:%Y-%m}:{self.cap.explain_zh()}"]
        if self.already_taken_fen:
            parts.append(
                f"本月已扣 {yuan(self.already_taken_fen)},尚可扣 {yuan(self.available_fen)}"
            )
        if self.over_cap_fen:
            parts.append(f"已执行的扣款超出上限 {yuan(self.over_cap_fen)},须人工处理")
        parts.extend(
            f"扣 {_tag(i.obligation_id, labels)} {yuan(i.amount_fen)}" for i in self.instalments
        )
        parts.append(f"结转 {yuan(self.carried_forward_fen)}")
        return ";".join(parts) + "。"

    def explain_en(self, labels: Mapping[int, str]) -> str:
        """One line, in English."""
        parts = [f"{self.month:%Y-%m}: {self.cap.explain_en()}"]
        if self.already_taken_fen:
            parts.append(
                f"{yuan(self.already_taken_fen)} already taken, {yuan(self.available_fen)} left"
            )
        if self.over_cap_fen:
            parts.append(
                f"executed instalments exceed the cap by {yuan(self.over_cap_fen)}: review by hand"
            )
        parts.extend(
            f"take {yuan(i.amount_fen)} for {_tag(i.obligation_id, labels)}"
            for i in self.instalments
        )
        parts.append(f"carried forward {yuan(self.carried_forward_fen)}")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class ObligationPlan:
    """One obligation's instalments and what is left after the scheduled months."""

    obligation: Obligation
    instalments: tuple[Instalment, ...]
    taken_fen: int
    remaining_fen: int


@dataclass(frozen=True)
class Schedule:
    """A deduction schedule: per month and per obligation, everything in integer fen."""

    profile_code: str
    months: tuple[MonthPlan, ...]
    obligations: tuple[ObligationPlan, ...]

    @property
    def remaining_fen(self) -> int:
        """What is still owed after the last scheduled month."""
        return sum(o.remaining_fen for o in self.obligations)

    @property
    def complete(self) -> bool:
        """True when every obligation is paid off within the scheduled months."""
        return self.remaining_fen == 0

    def explanation_zh(self) -> tuple[str, ...]:
        """One line per month, then what is left, in Chinese."""
        labels = {o.obligation.id: o.obligation.label for o in self.obligations}
        lines = [m.explain_zh(labels) for m in self.months]
        lines.extend(
            f"{_tag(o.obligation.id, labels)}:尚余 {yuan(o.remaining_fen)} 未排入扣款计划。"
            for o in self.obligations
            if o.remaining_fen
        )
        return tuple(lines)

    def explanation_en(self) -> tuple[str, ...]:
        """One line per month, then what is left, in English."""
        labels = {o.obligation.id: o.obligation.label for o in self.obligations}
        lines = [m.explain_en(labels) for m in self.months]
        lines.extend(
            f"{_tag(o.obligation.id, labels)}: {yuan(o.remaining_fen)} is not scheduled yet."
            for o in self.obligations
            if o.remaining_fen
        )
        return tuple(lines)


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


def _in_force(changes: Mapping[date, int], day: date, default: int | None, name: str) -> int:
    """The figure whose effective date is the latest on or before `day`."""
    dated = [d for d in changes if d <= day]
    if dated:
        return changes[max(dated)]
    if default is None:
        raise ValueError(f"no {name} in force on {day.isoformat()}")
    return default


def month_info(
    month: date,
    *,
    wages: Mapping[date, int],
    min_wages: Mapping[date, int],
    default_wage_fen: int | None = None,
    already_taken: Mapping[date, int] | None = None,
) -> MonthInfo:
    """One month's figures: wage and minimum wage in force on its first day (effective-dated)."""
    _check_month(month, "month")
    return MonthInfo(
        month=month,
        wage_fen=_in_force(wages, month, default_wage_fen, "wage"),
        min_wage_fen=_in_force(min_wages, month, None, "minimum wage"),
        already_taken_fen=(already_taken or {}).get(month, 0),
    )


def months_from(
    start: date,
    count: int,
    *,
    wages: Mapping[date, int],
    min_wages: Mapping[date, int],
    default_wage_fen: int | None = None,
    already_taken: Mapping[date, int] | None = None,
) -> list[MonthInfo]:
    """`count` consecutive months from `start`'s month, with the figures in force in each."""
    if not 0 <= count <= MAX_MONTHS:
        raise ValueError(f"count must be between 0 and {MAX_MONTHS}, got {count}")
    first = first_of_month(start)
    return [
        month_info(
            add_months(first, n),
            wages=wages,
            min_wages=min_wages,
            default_wage_fen=default_wage_fen,
            already_taken=already_taken,
        )
        for n in range(count)
    ]


class _Allocator:
    """Serves obligations oldest first, one month at a time, under one shared cap."""

    def __init__(self, profile: "GuardrailProfile", obligations: Sequence[Obligation]) -> None:
        ids = [o.id for o in obligations]
        if len(set(ids)) != len(ids):
            raise ValueError("obligation ids must be unique")
        self.profile = profile
        self.order = sorted(obligations, key=lambda o: (o.start_month, o.id))
        self.owed = {o.id: o.amount_fen for o in self.order}
        self.taken: dict[int, list[Instalment]] = {o.id: [] for o in self.order}
        self.last: date | None = None

    @property
    def outstanding(self) -> int:
        return sum(self.owed.values())

    def step(self, info: MonthInfo) -> MonthPlan:
        if self.last is not None and info.month <= self.last:
            raise ValueError("months must be in increasing order without repeats")
        self.last = info.month
        cap = self.profile.deduction_cap(info.wage_fen, info.min_wage_fen)
        available = max(cap.cap_fen - info.already_taken_fen, 0)
        room = available
        instalments: list[Instalment] = []
        for ob in self.order:
            if ob.start_month > info.month or room == 0:
                continue
            amount = min(self.owed[ob.id], room)
            if amount:
                inst = Instalment(ob.id, info.month, amount)
                instalments.append(inst)
                self.taken[ob.id].append(inst)
                self.owed[ob.id] -= amount
                room -= amount
        carried = sum(self.owed[o.id] for o in self.order if o.start_month <= info.month)
        return MonthPlan(
            month=info.month,
            cap=cap,
            already_taken_fen=info.already_taken_fen,
            available_fen=available,
            instalments=tuple(instalments),
            taken_fen=available - room,
            carried_forward_fen=carried,
            over_cap_fen=max(info.already_taken_fen - cap.cap_fen, 0),
        )

    def result(self, months: Iterable[MonthPlan]) -> Schedule:
        return Schedule(
            profile_code=self.profile.code,
            months=tuple(months),
            obligations=tuple(
                ObligationPlan(
                    obligation=o,
                    instalments=tuple(self.taken[o.id]),
                    taken_fen=o.amount_fen - self.owed[o.id],
                    remaining_fen=self.owed[o.id],
                )
                for o in self.order
            ),
        )


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
        return _doubled(base)

    def schedule_deductions(
        self, obligations: Sequence[Obligation], months: Sequence[MonthInfo]
    ) -> Schedule:
        """Schedule the obligations over the given months; what does not fit stays owed."""
        alloc = _Allocator(self, obligations)
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
        alloc = _Allocator(self, obligations)

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


def _doubled(base: Compensation) -> Compensation:
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
