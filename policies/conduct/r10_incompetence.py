"""R10 — staff repeatedly reported as incompetent by residents are dealt with."""

from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Mapping
from datetime import timedelta

from policies.base import Decision, Detector, EvidenceRef, Parameter, Policy, breach
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.draft import Draft, names
from policies.facts import FactBundle, FeedbackFact
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep, Severity
from policies.text import yuan
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R10"


def _windows(
    reports: list[FeedbackFact], window_days: int
) -> Iterator[tuple[FeedbackFact, deque[FeedbackFact], int]]:
    """Yield each report with the reports up to it within the window, and their households.

    `reports` is one staff member's reports in (work_date, occurred_at, id) order. A report's
    window holds it and the earlier reports dated no more than `window_days` before it, so a
    finding is raised when the threshold is reached and never looks into the future.
    The yielded deque is the live window: copy it before the next step if it is kept.
    """
    window: deque[FeedbackFact] = deque()
    households: Counter[int] = Counter()
    span = timedelta(days=window_days)
    for report in reports:
        window.append(report)
        if report.unit_id is not None:
            households[report.unit_id] += 1
        while window[0].work_date < report.work_date - span:
            old = window.popleft()
            if old.unit_id is not None:
                households[old.unit_id] -= 1
                if households[old.unit_id] == 0:
                    del households[old.unit_id]
        yield report, window, len(households)


def _run(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    needed = params["incompetent_reports"]
    needed_households = params["distinct_households"]
    days = params["window_days"]
    by_staff: defaultdict[int, list[FeedbackFact]] = defaultdict(list)
    for fb in bundle.feedback:
        if fb.category is FeedbackCategory.INCOMPETENT:
            by_staff[fb.staff_id].append(fb)
    for staff_id in sorted(by_staff):
        reports = sorted(by_staff[staff_id], key=lambda f: (f.work_date, f.occurred_at, f.id))
        for trigger, live, households in _windows(reports, days):
            if len(live) < needed or households < needed_households:
                continue
            window = list(live)
            first = window[0].work_date.isoformat()
            last = trigger.work_date.isoformat()
            yield breach(
                explanation_zh=(
                    f"{days} 天内({first} 至 {last})收到 {len(window)} 次「不能胜任」反映,"
                    f"来自 {households} 户,达到 {needed} 次、{needed_households} 户的处理标准"
                    f"(最近一次为反馈 #{trigger.id})。"
                ),
                explanation_en=(
                    f"{len(window)} reports of incompetence from {households} households within "
                    f"{days} days ({first} to {last}), reaching the threshold of {needed} reports "
                    f"from {needed_households} households (latest: feedback #{trigger.id})."
                ),
                evidence=[EvidenceRef(EvidenceKind.FEEDBACK, f.id) for f in window],
                staff_id=staff_id,
                occurred_at=trigger.occurred_at,
                dedupe_key=f"feedback:{trigger.id}",
                inputs=window,
                observed={"reports": len(window), "households": households},
            )


# Termination for incompetence only after training and reassignment (劳动合同法第四十条).
STEPS_BEFORE_TERMINATION = 2


def handle_sanction(d: Draft) -> None:
    """Retraining, then reassignment, then termination with notice, counted by steps taken."""
    done = d.facts.prior_incompetence_steps
    d.step = min(done + 1, d.top())
    d.kinds = d.match(d.step)
    if OutcomeKind.TERMINATION_WITH_NOTICE in d.kinds and done < STEPS_BEFORE_TERMINATION:
        raise ValueError("the incompetence ladder may not terminate before two earlier steps")
    if d.step < d.top():
        d.say(
            f"已采取不能胜任处理措施 {done} 项 → 第 {d.step} 级:{names(d.kinds, True)}。"
            "不能胜任须先经培训或调整岗位,仍不能胜任方可解除,本次不建议解除。",
            f"{done} earlier incompetence step(s) → step {d.step}: {names(d.kinds, False)}. "
            "Incompetence requires training or reassignment first; no termination is proposed.",
        )
    else:
        wage = yuan(d.facts.monthly_wage_fen)
        d.say(
            f"已先后采取 {done} 项措施(培训、调整岗位)仍被反映不能胜任 → 第 {d.step} 级:"
            f"提前三十日书面通知或额外支付一个月工资 {wage} 后解除劳动合同。",
            f"{done} earlier steps (training, reassignment) did not help → step {d.step}: "
            f"termination with 30 days' notice or one month's wage {wage} in lieu.",
        )
    if d.severity is not Severity.STANDARD:
        d.say(
            "情节轻重不改变不能胜任阶梯。",
            "Severity does not move the incompetence ladder.",
        )


SANCTION = SanctionSchedule(
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
    handler=handle_sanction,
)


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=10,
    title_zh="不能胜任",
    title_en="Repeated reports of incompetence",
    text_zh=(
        "管理处将不定期进行工作检查,听取业主(住户)反映,如业主(住户)多次反映工作人员不能胜任,"
        "管理处将对该人员进行处理。"
    ),
    text_en=(
        "The office carries out unannounced inspections and listens to residents; a staff "
        "member whom residents repeatedly report as not competent for the work will be "
        "dealt with by the office."
    ),
    evidence_kinds=(
        EvidenceKind.FEEDBACK,
        EvidenceKind.INSPECTION,
        # Repeated missed service standards (compliance.flows.service_clocks).
        EvidenceKind.SERVICE_ORDER,
        EvidenceKind.SERVICE_CALL,
        EvidenceKind.LOBBY_NOTICE,
    ),
    checklist=(),
    parameters=(
        Parameter(
            name="incompetent_reports",
            default=3,
            unit="count",
            description_zh="窗口期内「不能胜任」反映的次数",
            description_en="Reports of incompetence needed within the window",
            minimum=2,
            maximum=50,
        ),
        Parameter(
            name="distinct_households",
            default=2,
            unit="count",
            description_zh="反映来自的不同住户数",
            description_en="Distinct households the reports must come from",
            minimum=1,
            maximum=50,
        ),
        Parameter(
            name="window_days",
            default=90,
            unit="days",
            description_zh="统计窗口期的长度",
            description_en="Length of the counting window",
            minimum=1,
            maximum=730,
        ),
    ),
    detectors=(
        Detector(
            key="repeated_incompetence",
            rule_code=CODE,
            description_zh="一段时间内多户多次反映不能胜任",
            description_en="Several households repeatedly report the staff member incompetent",
            needs=frozenset({"feedback"}),
            params=("incompetent_reports", "distinct_households", "window_days"),
            run=_run,
        ),
    ),
    sanction=SANCTION,
)
