"""R09 — overtime a resident asks for needs the office director's approval beforehand."""

from collections.abc import Iterator, Mapping
from datetime import datetime

from policies.base import Decision, Detector, EvidenceRef, Outcome, Policy, breach
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.facts import FactBundle, VisitFact
from policies.text import duration_en, duration_zh
from policies.vocab import EvidenceKind

CODE = "R09"


def work_end(visit: VisitFact) -> datetime | None:
    """When the work in the home ended: when it was done, else when the trip left.

    Minutes spent in the home after the job was done are not work: staying too long is
    lingering (R08), judged there and only there, never also as overtime.
    """
    return visit.done_at or visit.left_at


def overtime_begins(visit: VisitFact) -> datetime | None:
    """The moment work went outside the shift the job belongs to; None when it never did.

    A job begun outside the shift (before it, after it, or with no shift at all) is
    overtime from its arrival; a job begun inside the shift becomes overtime at the end of
    the shift, if the work ran past it.
    """
    if visit.arrived_at is None:
        return None
    if not visit.in_shift:
        return visit.arrived_at
    assert visit.shift_end_at is not None  # in_shift says so
    end = work_end(visit)
    if visit.two_trips_in_one:
        # An older record of one visit over two trips: when the first trip left is unknown,
        # so its run past the shift cannot be told from the night between the trips.
        return None
    if end is not None and end > visit.shift_end_at:
        return visit.shift_end_at
    return None


def outside_shift(visit: VisitFact) -> list[tuple[str, str]]:
    """Say in both languages how the visit fell outside the roster; empty if it did not."""
    if overtime_begins(visit) is None:
        return []
    assert visit.arrived_at is not None  # overtime_begins says so
    if visit.shift_start_at is None or visit.shift_end_at is None:
        return [("没有排班", "no shift was rostered")]
    if visit.arrived_at < visit.shift_start_at:
        early = visit.shift_start_at - visit.arrived_at
        return [
            (
                f"比排班开始早 {duration_zh(early)}到达",
                f"arrived {duration_en(early)} before the shift started",
            )
        ]
    if visit.arrived_at >= visit.shift_end_at:
        after = visit.arrived_at - visit.shift_end_at
        return [
            (
                f"排班结束 {duration_zh(after)}后才到达",
                f"arrived {duration_en(after)} after the shift ended",
            )
        ]
    end = work_end(visit)
    assert end is not None  # overtime_begins says the work ran past the shift
    late = end - visit.shift_end_at
    return [
        (
            f"工作到排班结束后 {duration_zh(late)}才完成",
            f"the work went on {duration_en(late)} past the end of the shift",
        )
    ]


def approved_in_advance(visit: VisitFact) -> bool:
    """The director approved the overtime no later than the moment it began."""
    began = overtime_begins(visit)
    return (
        began is not None
        and visit.overtime_approved_at is not None
        and visit.overtime_approved_by_director
        and visit.overtime_approved_at <= began
    )


def judge_overtime(visit: VisitFact) -> Outcome:
    """Breach when work in a home went outside the roster without prior director approval."""
    if visit.arrived_at is None:
        return Outcome.NOT_APPLICABLE
    if overtime_begins(visit) is None:
        return Outcome.PASS
    return Outcome.PASS if approved_in_advance(visit) else Outcome.BREACH


def _approval_text(visit: VisitFact, began: datetime) -> tuple[str, str]:
    if visit.overtime_id is None or visit.overtime_approved_at is None:
        return "没有经管理处主任批准的加班申请", "there was no overtime approved by the director"
    if not visit.overtime_approved_by_director:
        return (
            "批准人在批准时不是管理处主任",
            "whoever approved it was not the office director at the time",
        )
    late = visit.overtime_approved_at - began
    return (
        f"主任在加班开始后 {duration_zh(late)}才批准",
        f"the director approved it only {duration_en(late)} after the overtime began",
    )


def _run_overtime(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    for visit in bundle.visits:
        if judge_overtime(visit) is not Outcome.BREACH:
            continue
        began = overtime_begins(visit)
        assert began is not None  # a breach began somewhere
        reasons = outside_shift(visit)
        approval_zh, approval_en = _approval_text(visit, began)
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
            occurred_at=began,
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
            description_zh="在排班时间外入户工作,且加班开始前没有管理处主任批准",
            description_en=(
                "Work in a home outside the roster with no director approval given before the "
                "overtime began"
            ),
            needs=frozenset({"visits"}),
            params=(),
            run=_run_overtime,
        ),
    ),
    sanction=DEFAULT_LADDER,
)
