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


# A plan longer than this is said in words: a year of deductions is what an office can defend.
PLAN_LIMIT_MONTHS = 12


@dataclass(frozen=True)
class PlanNote:
    """Something about a plan said in words, with its figures: money that cannot be taken."""

    key: str  # nothing_taken | long | unrecovered | unscheduled
    text_zh: str
    text_en: str


def months_between(first: date, last: date) -> int:
    """Calendar months from `first`'s month to `last`'s, both counted (2026-04..2026-06: 3)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _relation(wage: int, floor: int) -> str:
    return "=" if wage == floor else "<" if wage < floor else ">"


def _zero_cap_note(run: list[MonthPlan]) -> PlanNote:
    first, last, cap = run[0].month, run[-1].month, run[0].cap
    when_zh = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} 至 {last:%Y-%m} 每月"
    when_en = f"{first:%Y-%m}" if first == last else f"each month {first:%Y-%m} to {last:%Y-%m}"
    if cap.wage_fen == 0:
        why_zh, why_en = "没有该月的工资记录", "no wage is recorded for it"
    else:
        rel = _relation(cap.wage_fen, cap.min_wage_fen)
        why_zh = f"工资 {yuan(cap.wage_fen)} {rel} 当地最低工资标准 {yuan(cap.min_wage_fen)}"
        why_en = f"wage {yuan(cap.wage_fen)} {rel} the local minimum wage {yuan(cap.min_wage_fen)}"
        if rel == ">":
            why_zh += f",20% 为 {yuan(cap.percent_cap_fen or 0)}"
            why_en += f", 20% is {yuan(cap.percent_cap_fen or 0)}"
    return PlanNote(
        "nothing_taken",
        f"{when_zh}无法扣款:{why_zh}(《工资支付暂行规定》第十六条)。",
        f"Nothing can be taken {when_en}: {why_en} (Interim Provisions on Wage Payment, art. 16).",
    )


def plan_notes(
    schedule: Schedule,
    *,
    obligation_ids: Iterable[int] | None = None,
    last_pay_month: date | None = None,
    limit_months: int = PLAN_LIMIT_MONTHS,
) -> tuple[PlanNote, ...]:
    """What a plan cannot do, in words with the figures, for some of its obligations (or all).

    Months whose cap is zero while they are owed (grouped when the figures repeat); a plan
    running beyond `limit_months`; what is left after the last pay month of a staff member who
    leaves (an unrecovered balance: a civil claim), or after the scheduled months.
    """
    wanted = set(obligation_ids) if obligation_ids is not None else None
    plans = [o for o in schedule.obligations if wanted is None or o.obligation.id in wanted]
    if not plans:
        return ()
    first = min(o.obligation.start_month for o in plans)
    remaining = sum(o.remaining_fen for o in plans)
    total = sum(o.obligation.amount_fen for o in plans)
    ends = [i.month for o in plans for i in o.instalments]
    end = max(ends) if ends and not remaining else None
    notes: list[PlanNote] = []
    run: list[MonthPlan] = []
    for m in schedule.months:
        owed = m.month >= first and (end is None or m.month <= end)
        if owed and m.cap.cap_fen == 0:
            same = run and (run[-1].cap.wage_fen, run[-1].cap.min_wage_fen) == (
                m.cap.wage_fen,
                m.cap.min_wage_fen,
            )
            if run and not (same and months_between(run[-1].month, m.month) == 2):
                notes.append(_zero_cap_note(run))
                run = []
            run.append(m)
    if run:
        notes.append(_zero_cap_note(run))
    if end is not None and months_between(first, end) > limit_months:
        n = months_between(first, end)
        notes.append(
            PlanNote(
                "long",
                f"按每月扣款上限,扣款计划共 {n} 个月({first:%Y-%m} 至 {end:%Y-%m}),"
                f"超过 {limit_months} 个月;尚待扣回 {yuan(total)}。",
                f"At the monthly cap the plan runs {n} months ({first:%Y-%m} to {end:%Y-%m}): "
                f"more than {limit_months} months; {yuan(total)} is still to be recovered.",
            )
        )
    if remaining and last_pay_month is not None:
        notes.append(
            PlanNote(
                "unrecovered",
                f"员工已离职,最后工资月为 {last_pay_month:%Y-%m},此后不再扣款:"
                f"{yuan(total)} 中尚余 {yuan(remaining)} 无法从工资中扣回,"
                "为未追回余额(须另行民事追偿)。",
                f"The staff member has left; the last pay month is {last_pay_month:%Y-%m} and "
                f"nothing is deducted after it: {yuan(remaining)} of {yuan(total)} cannot be "
                "recovered from pay and is an unrecovered balance (a civil claim).",
            )
        )
    elif remaining:
        months = len(schedule.months)
        notes.append(
            PlanNote(
                "unscheduled",
                f"在 {months} 个月内按每月上限无法扣完:{yuan(total)} 中尚余 {yuan(remaining)} "
                "未排入扣款计划。",
                f"Within {months} months the monthly cap cannot recover it: {yuan(remaining)} of "
                f"{yuan(total)} is not scheduled.",
            )
        )
    return tuple(notes)
