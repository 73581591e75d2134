"""R09 — overtime a resident asks for needs the office director's approval beforehand."""

from collections.abc import Iterator, Mapping

from policies.base import Decision, Detector, EvidenceRef, Outcome, Policy, breach
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.facts import FactBundle, VisitFact
from policies.sanction import DEFAULT_LADDER
from policies.text import duration_en, duration_zh
from policies.vocab import EvidenceKind

CODE = "R09"


def outside_shift(visit: VisitFact) -> list[tuple[str, str]]:
    """Say in both languages how the visit fell outside the roster; empty if it did not."""
    if visit.arrived_at is None:
        return []
    if visit.shift_start_at is None or visit.shift_end_at is None:
        return [("当天没有排班", "no shift was rostered that day")]
    reasons: list[tuple[str, str]] = []
    if visit.arrived_at < visit.shift_start_at:
        early = visit.shift_start_at - visit.arrived_at
        reasons.append(
            (
                f"比排班开始早 {duration_zh(early)}到达",
                f"arrived {duration_en(early)} before the shift started",
            )
        )
    end = visit.left_at or visit.done_at
    if end is not None and end > visit.shift_end_at:
        late = end - visit.shift_end_at
        reasons.append(
            (
                f"比排班结束晚 {duration_zh(late)}结束",
                f"finished {duration_en(late)} after the shift ended",
            )
        )
    return reasons


def approved_in_advance(visit: VisitFact) -> bool:
    """The director approved the overtime no later than the arrival in the home."""
    return (
        visit.arrived_at is not None
        and visit.overtime_approved_at is not None
        and visit.overtime_approved_by_director
        and visit.overtime_approved_at <= visit.arrived_at
    )


def judge_overtime(visit: VisitFact) -> Outcome:
    """Breach when work in a home fell outside the roster without prior director approval."""
    if visit.arrived_at is None:
        return Outcome.NOT_APPLICABLE
    if not outside_shift(visit):
        return Outcome.PASS
    return Outcome.PASS if approved_in_advance(visit) else Outcome.BREACH


def _approval_text(visit: VisitFact) -> tuple[str, str]:
    if visit.overtime_id is None or visit.overtime_approved_at is None:
        return "没有经管理处主任批准的加班申请", "there was no overtime approved by the director"
    if not visit.overtime_approved_by_director:
        return "加班未经管理处主任批准", "the overtime was not approved by the office director"
    assert visit.arrived_at is not None  # only asked about visits that started
    late = visit.overtime_approved_at - visit.arrived_at
    return (
        f"主任在开始工作后 {duration_zh(late)}才批准",
        f"the director approved it only {duration_en(late)} after the work started",
    )


def _run_overtime(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    for visit in bundle.visits:
        if judge_overtime(visit) is not Outcome.BREACH:
            continue
        reasons = outside_shift(visit)
        approval_zh, approval_en = _approval_text(visit)
        refs = [EvidenceRef(EvidenceKind.VISIT, visit.id)]
        if visit.roster_id is not None:
            refs.append(EvidenceRef(EvidenceKind.ROSTER, visit.roster_id))
        if visit.overtime_id is not None:
            refs.append(EvidenceRef(EvidenceKind.OVERTIME, visit.overtime_id))
        yield breach(
            explanation_zh=(
                f"工单 #{visit.id} 在排班时间外入户工作({'、'.join(r[0] for r in reasons)}),"
                f"且{approval_zh}。"
            ),
            explanation_en=(
                f"Visit #{visit.id} was worked outside the rostered shift "
                f"({'; '.join(r[1] for r in reasons)}) and {approval_en}."
            ),
            evidence=refs,
            staff_id=visit.staff_id,
            occurred_at=visit.arrived_at,
            dedupe_key=f"visit:{visit.id}",
            inputs=visit,
        )


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=9,
    title_zh="加班须经批准",
    title_en="Overtime needs approval",
    text_zh=(
        "若业主(住户)有特殊情况需要服务人员加班,必须先通知管理处主任,经批准同意,"
        "并安排调整好其他业主(住户)服务时间后,方能进行。"
    ),
    text_en=(
        "If a resident has special circumstances and needs staff to work overtime, the "
        "office director must be told first; the overtime may go ahead only once approved "
        "and after other residents' service times have been rearranged."
    ),
    evidence_kinds=(EvidenceKind.OVERTIME, EvidenceKind.VISIT, EvidenceKind.ROSTER),
    checklist=(),
    parameters=(),
    detectors=(
        Detector(
            key="unapproved_overtime",
            rule_code=CODE,
            description_zh="在排班时间外入户工作,且事先没有管理处主任批准",
            description_en="Work in a home outside the roster without prior director approval",
            needs=frozenset({"visits"}),
            params=(),
            run=_run_overtime,
        ),
    ),
    sanction=DEFAULT_LADDER,
)
