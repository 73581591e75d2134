"""R12 — no tips; an insisted-on tip goes to the office; concealing one is punished."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from policies.base import (
    Decision,
    Detector,
    EvidenceRef,
    Outcome,
    Parameter,
    Policy,
    Severity,
    breach,
)
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.draft import Draft
from policies.facts import FactBundle, FeedbackFact, TipLineFact
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep
from policies.text import CHANNEL_ZH, duration_en, duration_zh, yuan
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R12"


# Only for showing a declared tip's receipt time in the office's own clock.
OFFICE_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TipCheck:
    """How a reported tip compares with the handovers matched to it."""

    outcome: Outcome
    declared_fen: int
    concealed_fen: int | None
    candidates: tuple[TipLineFact, ...]
    first_late: TipLineFact | None


class TipIndex:
    """Tip lines per (staff, unit) and per staff, sorted by received_at for range lookups."""

    def __init__(self, lines: Sequence[TipLineFact]) -> None:
        by_unit: defaultdict[tuple[int, int], list[TipLineFact]] = defaultdict(list)
        by_staff: defaultdict[int, list[TipLineFact]] = defaultdict(list)
        for line in lines:
            by_unit[(line.staff_id, line.unit_id)].append(line)
            by_staff[line.staff_id].append(line)
        self._by_unit = {k: _sorted(v) for k, v in by_unit.items()}
        self._by_staff = {k: _sorted(v) for k, v in by_staff.items()}

    def between(
        self, staff_id: int, unit_id: int | None, start: datetime, end: datetime
    ) -> tuple[TipLineFact, ...]:
        """Lines of the staff member (and unit, if known) received within [start, end]."""
        keys, lines = (
            self._by_staff.get(staff_id, ([], []))
            if unit_id is None  # a report without a unit matches any of the staff's tips
            else self._by_unit.get((staff_id, unit_id), ([], []))
        )
        return tuple(lines[bisect_left(keys, start) : bisect_right(keys, end)])


def _sorted(lines: list[TipLineFact]) -> tuple[list[datetime], list[TipLineFact]]:
    ordered = sorted(lines, key=lambda line: (line.received_at, line.id))
    return [line.received_at for line in ordered], ordered


def _reports(feedback: Iterable[FeedbackFact]) -> tuple[list[FeedbackFact], list[FeedbackFact]]:
    """Tip reports in the order the tips were given, and any that cannot be placed in time."""
    tips = [fb for fb in feedback if fb.category is FeedbackCategory.TIP_REPORTED]
    good = [fb for fb in tips if isinstance(fb.occurred_at, datetime)]
    broken = [fb for fb in tips if not isinstance(fb.occurred_at, datetime)]
    return sorted(good, key=lambda fb: (fb.occurred_at, fb.id)), broken


def match_tips(
    reports: Sequence[FeedbackFact], lines: Sequence[TipLineFact], grace_hours: int
) -> dict[int, tuple[TipLineFact, ...]]:
    """Match every declared tip line to at most ONE resident report (report id -> its lines).

    One ¥100 line never settles two ¥100 reports. The matching is deterministic:

    1. A line the cashier linked to a report at handover (``feedback_id``) belongs to that
       report, and to no other.
    2. The other lines go to the reports in the order the tips were given (occurred_at, id).
       A report takes lines of the same staff member (and unit, when the report names one)
       received within the grace period either side of it, not yet taken by an earlier
       report: a line of exactly the amount still owed if there is one (the earliest such),
       otherwise the earliest line, until the amount is covered. A report without an amount
       takes one line.

    A report is settled by its lines declared in time; a line matched to a report but declared
    only after the report's deadline is part of that report's finding (隐匿). Every other line
    is judged on its own: declared, but not handed over to the office in time.
    """
    grace = timedelta(hours=grace_hours)
    ids = {r.id for r in reports}
    taken: dict[int, list[TipLineFact]] = {r.id: [] for r in reports}
    used: set[int] = set()
    for line in sorted(lines, key=lambda line: (line.received_at, line.id)):
        if line.feedback_id is not None and line.feedback_id in ids:
            taken[line.feedback_id].append(line)
            used.add(line.id)
    index = TipIndex([line for line in lines if line.id not in used and line.feedback_id is None])
    for report in reports:
        mine = taken[report.id]
        window = index.between(
            report.staff_id,
            report.unit_id,
            report.occurred_at - grace,
            report.occurred_at + grace,
        )
        free = [line for line in window if line.id not in used]
        if report.amount_fen is None:
            if not mine and free:
                mine.append(free[0])
                used.add(free[0].id)
            continue
        owed = report.amount_fen - sum(line.amount_fen for line in mine)
        while owed > 0 and free:
            pick = next((line for line in free if line.amount_fen == owed), free[0])
            free.remove(pick)
            mine.append(pick)
            used.add(pick.id)
            owed -= pick.amount_fen
    return {rid: tuple(v) for rid, v in taken.items()}


def declared_by(line: TipLineFact) -> datetime | None:
    """When the office first knew of the tip: its declaration or its handover, if earlier."""
    known = [t for t in (line.declared_at, line.handed_over_at) if t is not None]
    return min(known) if known else None


def _declared_in_time(line: TipLineFact, deadline: datetime) -> bool:
    at = declared_by(line)
    return at is not None and at <= deadline


def judge_tip(
    report: FeedbackFact, matched: Sequence[TipLineFact], as_of: datetime, grace_hours: int
) -> TipCheck:
    """Compare a reported tip with the lines matched to it that were declared in time.

    What the staff member declared within the grace period settles the report; what was
    not declared by then was kept quiet (隐匿). Whether a declared tip then reached the
    cashier in time is judged on the line itself (judge_line), so one tip is one finding
    whichever record came first.
    """
    deadline = report.occurred_at + timedelta(hours=grace_hours)
    in_time = [c for c in matched if _declared_in_time(c, deadline)]
    late = sorted(
        (c for c in matched if c.handed_over_at is not None and c.handed_over_at > deadline),
        key=lambda c: (c.handed_over_at, c.id),
    )
    handed = sum(c.amount_fen for c in in_time)
    settled = handed >= report.amount_fen if report.amount_fen is not None else bool(in_time)
    if settled:
        outcome = Outcome.PASS
    elif as_of < deadline:
        outcome = Outcome.NOT_APPLICABLE  # still within the grace period
    else:
        outcome = Outcome.BREACH
    concealed = None if report.amount_fen is None else max(report.amount_fen - handed, 0)
    return TipCheck(outcome, handed, concealed, tuple(matched), late[0] if late else None)


def judge_line(line: TipLineFact, as_of: datetime, grace_hours: int) -> Outcome:
    """A declared tip must reach the cashier within the grace period after it was received."""
    deadline = line.received_at + timedelta(hours=grace_hours)
    if line.handed_over_at is not None:
        return Outcome.PASS if line.handed_over_at <= deadline else Outcome.BREACH
    return Outcome.NOT_APPLICABLE if as_of < deadline else Outcome.BREACH


def _explain(report: FeedbackFact, check: TipCheck, grace_hours: int) -> tuple[str, str]:
    when = report.work_date.isoformat()
    amount_zh = f" {yuan(report.amount_fen)}" if report.amount_fen is not None else ""
    amount_en = f" of {yuan(report.amount_fen)}" if report.amount_fen is not None else ""
    head_zh = f"住户于 {when} 通过{CHANNEL_ZH[report.channel]}反映给付小费{amount_zh}"
    head_en = f"A resident reported giving a tip{amount_en} on {when}"
    if report.amount_fen is None:
        zh = f"{head_zh}(反馈 #{report.id}),该员工在 {grace_hours} 小时内没有登记上交小费的记录"
        en = (
            f"{head_en} (feedback #{report.id}); this staff member declared no tip for "
            f"handover within {grace_hours} h"
        )
    elif check.declared_fen == 0:
        zh = (
            f"{head_zh}(反馈 #{report.id}),该员工在 {grace_hours} "
            f"小时内没有登记上交,隐匿 {yuan(report.amount_fen)}"
        )
        en = (
            f"{head_en} (feedback #{report.id}); nothing was declared for "
            f"handover within {grace_hours} h, {yuan(report.amount_fen)} concealed"
        )
    else:
        short = yuan(check.concealed_fen or 0)
        zh = (
            f"{head_zh}(反馈 #{report.id}),该员工在 {grace_hours} "
            f"小时内仅登记上交 {yuan(check.declared_fen)},少交 {short}"
        )
        en = (
            f"{head_en} (feedback #{report.id}); only {yuan(check.declared_fen)} was "
            f"declared for handover within {grace_hours} h, {short} short"
        )
    if check.first_late is not None and check.first_late.handed_over_at is not None:
        after = check.first_late.handed_over_at - report.occurred_at
        zh += f"(另有一笔在给付后 {duration_zh(after)}才上交,已超过期限)"
        en += f" (one was handed over {duration_en(after)} after the tip, past the deadline)"
    return zh + "。", en + "."


def _run(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    grace_hours = params["handover_grace_hours"]
    serious_fen = params["serious_tip_fen"]
    reports, broken = _reports(bundle.feedback)
    matches = match_tips(reports, bundle.tip_lines, grace_hours)
    for report in reports:
        check = judge_tip(report, matches[report.id], bundle.as_of, grace_hours)
        if check.outcome is not Outcome.BREACH:
            continue
        zh, en = _explain(report, check, grace_hours)
        serious = check.concealed_fen is not None and check.concealed_fen >= serious_fen
        if serious:
            zh = zh[:-1] + f";金额不低于 {yuan(serious_fen)},建议按情节严重处理。"
            en = en[:-1] + f"; at least {yuan(serious_fen)}: suggested serious."
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=[EvidenceRef(EvidenceKind.FEEDBACK, report.id)]
            + [EvidenceRef(EvidenceKind.TIP_LINE, c.id) for c in check.candidates],
            staff_id=report.staff_id,
            occurred_at=report.occurred_at,
            dedupe_key=f"feedback:{report.id}",
            inputs={"report": report, "tip_lines": check.candidates},
            severity=Severity.SERIOUS if serious else Severity.STANDARD,
            observed=(
                {"concealed_fen": check.concealed_fen, "declared_fen": check.declared_fen}
                if check.concealed_fen is not None
                else {"declared_fen": check.declared_fen}
            ),
        )
    if broken:  # judged after the good ones, so one bad record hides nothing else
        raise TypeError(f"tip report(s) without a time: {', '.join(f'#{b.id}' for b in broken)}")


def _run_declared(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    grace_hours = params["handover_grace_hours"]
    serious_fen = params["serious_tip_fen"]
    reports = _reports(bundle.feedback)[0]
    matches = match_tips(reports, bundle.tip_lines, grace_hours)
    grace = timedelta(hours=grace_hours)
    # A line a report found kept quiet past the report's deadline is that report's finding
    # (隐匿), and so is a line linked to a report outside these facts. Every other line,
    # declared in time or reported by no one, is judged here on its own handover.
    matched = {line.id for lines in matches.values() for line in lines}
    judged_by_report = {
        line.id
        for report in reports
        for line in matches[report.id]
        if not _declared_in_time(line, report.occurred_at + grace)
    } | {line.id for line in bundle.tip_lines if line.feedback_id and line.id not in matched}
    for line in sorted(bundle.tip_lines, key=lambda line: (line.received_at, line.id)):
        if line.id in judged_by_report:
            continue
        if judge_line(line, bundle.as_of, grace_hours) is not Outcome.BREACH:
            continue
        received = line.received_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
        head_zh = (
            f"该员工登记于 {received} 收到住户小费 {yuan(line.amount_fen)}"
            f"(小费登记 #{line.id},已向管理处申报)"
        )
        head_en = (
            f"The staff member declared a tip of {yuan(line.amount_fen)} received at "
            f"{received} (tip line #{line.id})"
        )
        if line.handed_over_at is None:
            zh = f"{head_zh},{grace_hours} 小时内没有上交管理处。"
            en = f"{head_en}; it was not handed over to the office within {grace_hours} h."
            serious = line.amount_fen >= serious_fen
        else:
            after = line.handed_over_at - line.received_at
            zh = f"{head_zh},收到后 {duration_zh(after)}才上交,超过 {grace_hours} 小时的期限。"
            en = (
                f"{head_en}; it was handed over {duration_en(after)} after it was received, "
                f"past the {grace_hours} h allowed."
            )
            serious = False  # handed over in full, only late
        if serious:
            zh = zh[:-1] + f";金额不低于 {yuan(serious_fen)},建议按情节严重处理。"
            en = en[:-1] + f"; at least {yuan(serious_fen)}: suggested serious."
        handover_seconds = (
            {"handover_seconds": int((line.handed_over_at - line.received_at).total_seconds())}
            if line.handed_over_at is not None
            else {}
        )
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=[EvidenceRef(EvidenceKind.TIP_LINE, line.id)],
            staff_id=line.staff_id,
            occurred_at=line.received_at,
            dedupe_key=f"tip_line:{line.id}",
            inputs=line,
            severity=Severity.SERIOUS if serious else Severity.STANDARD,
            observed={"amount_fen": line.amount_fen, **handover_seconds},
        )


def handle_sanction(d: Draft) -> None:
    """Hand over the concealed tip and withhold the month's wage; serious: dismissal."""
    d.kinds = d.match(None)
    tip, wage = d.facts.concealed_tip_fen, d.facts.monthly_wage_fen
    d.amounts[OutcomeKind.RESTITUTION] = tip
    if tip is None:
        d.need("concealed_tip_fen", "须填写隐匿的小费金额。", "The concealed tip amount is needed.")
    tip_zh = yuan(tip) if tip is not None else "金额待定"
    tip_en = yuan(tip) if tip is not None else "amount to be set"
    if OutcomeKind.WAGE_DEDUCTION in d.kinds:
        d.amounts[OutcomeKind.WAGE_DEDUCTION] = wage
        if wage == 0:
            d.need("monthly_wage_fen", "须提供当月工资。", "The month's wage is needed.")
        risky = d.is_legal_risk(OutcomeKind.WAGE_DEDUCTION)
        d.say(
            f"上交隐匿的小费 {tip_zh};按规章制度扣发当月工资 {yuan(wage)}"
            f"{'(法律风险,见下)' if risky else ''}。",
            f"Hand over the concealed tip {tip_en}; the rulebook withholds the month's wage "
            f"{yuan(wage)}{' (a legal risk, see below)' if risky else ''}.",
        )
    else:
        d.say(
            f"情节严重:上交隐匿的小费 {tip_zh},作辞退处理。",
            f"Serious: hand over the concealed tip {tip_en}, and dismissal.",
        )
    if d.facts.prior_concealments:
        d.suggest_serious(
            f"此前已有 {d.facts.prior_concealments} 次隐匿小费经生效处理决定认定,本次为再次隐匿",
            f"{d.facts.prior_concealments} earlier decided concealment(s): this is a repeat",
        )
    threshold = d.params.get("serious_tip_fen")
    if tip is not None and threshold is not None and tip >= threshold:
        d.suggest_serious(
            f"隐匿金额 {yuan(tip)} 不低于 {yuan(threshold)}",
            f"the concealed {yuan(tip)} is at least {yuan(threshold)}",
        )


SANCTION = SanctionSchedule(
    text_zh="上交所收小费,扣发当月工资;情节严重者作辞退处理。",
    text_en="Hand over the kept tip and withhold that month's wage; serious cases are dismissed.",
    steps=(
        SanctionStep((OutcomeKind.RESTITUTION, OutcomeKind.WAGE_DEDUCTION)),
        SanctionStep((OutcomeKind.RESTITUTION, OutcomeKind.DISMISSAL), severity=Severity.SERIOUS),
    ),
    handler=handle_sanction,
)


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=12,
    title_zh="不准收受小费",
    title_en="No tips",
    text_zh=(
        "不准接受业主(住户)小费,如业主坚持付给而无法推脱,收下的小费一律上交管理处,"
        "私自收起小费隐匿不上交者,一经发现,将扣发当月工资,情节严重者作辞退处理。"
    ),
    text_en=(
        "Staff do not accept tips from residents. If a resident insists and it cannot be "
        "refused, every tip received is handed over to the office. Anyone found keeping and "
        "concealing a tip has that month's wage withheld; serious cases are dismissed."
    ),
    evidence_kinds=(EvidenceKind.TIP_LINE, EvidenceKind.FEEDBACK),
    checklist=(),
    parameters=(
        Parameter(
            name="handover_grace_hours",
            default=48,
            unit="h",
            description_zh="收到小费后上交管理处的期限",
            description_en="Time allowed to hand a tip over to the office",
            minimum=1,
            maximum=720,
        ),
        Parameter(
            name="serious_tip_fen",
            default=50_000,
            unit="fen",
            description_zh="隐匿金额达到此数时建议按情节严重处理",
            description_en="Concealed amount from which the case is suggested as serious",
            minimum=0,
            maximum=100_000_000,
        ),
    ),
    detectors=(
        Detector(
            key="concealed_tip",
            rule_code=CODE,
            description_zh="住户反映给付小费,但该员工在期限内没有足额上交",
            description_en="A resident reported a tip that was not fully handed over in time",
            needs=frozenset({"feedback", "tip_lines"}),
            params=("handover_grace_hours", "serious_tip_fen"),
            run=_run,
        ),
        Detector(
            key="declared_tip_not_handed_over",
            rule_code=CODE,
            description_zh="员工登记收到的小费没有在期限内上交管理处",
            description_en="A tip the staff member declared was not handed over in time",
            needs=frozenset({"feedback", "tip_lines"}),
            params=("handover_grace_hours", "serious_tip_fen"),
            run=_run_declared,
        ),
    ),
    sanction=SANCTION,
)
