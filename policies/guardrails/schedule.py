"""The deduction scheduler shared by every profile (pure, integer fen).

Several deductions in a month share one cap, the oldest obligation is served first, and
what cannot be taken is carried into the following months.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from policies.guardrails.months import MonthInfo, check_month, non_negative
from policies.text import yuan


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
        non_negative(self.amount_fen, f"obligation {self.id} amount_fen")
        check_month(self.start_month, f"obligation {self.id} start_month")


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


class Allocator:
    """Serves obligations oldest first, one month at a time, under one shared cap.

    `cap` is the profile's deduction cap (wage, minimum wage) -> MonthCap; `profile_code`
    names the profile on the resulting schedule.
    """

    def __init__(
        self,
        cap: Callable[[int, int], MonthCap],
        profile_code: str,
        obligations: Sequence[Obligation],
    ) -> None:
        ids = [o.id for o in obligations]
        if len(set(ids)) != len(ids):
            raise ValueError("obligation ids must be unique")
        self.cap = cap
        self.profile_code = profile_code
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
        cap = self.cap(info.wage_fen, info.min_wage_fen)
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
            profile_code=self.profile_code,
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
