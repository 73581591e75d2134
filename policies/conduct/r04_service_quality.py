"""R04 — finish service work to the resident's requirements in quality, quantity and time."""

from collections.abc import Iterator, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from policies.base import (
    ChecklistItem,
    Decision,
    Detector,
    EvidenceRef,
    Outcome,
    Policy,
    breach,
)
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.facts import FactBundle, VisitFact
from policies.text import CHANNEL_ZH
from policies.vocab import EvidenceKind, FeedbackChannel, Satisfaction

CODE = "R04"


# The office zone, used only when the caller gave no opened_date (facts built by hand).
OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def local_as_of_date(bundle: FactBundle) -> date:
    """The office-local date of the run, falling back to the UTC date of as_of."""
    return bundle.as_of_date if bundle.as_of_date is not None else bundle.as_of.date()


def opened_on(visit: VisitFact) -> date:
    """The office-local day the work order was opened (《服务工作单》 issued).

    The rulebook's 上门服务 clause limits a work order to 当日完成: the day counts from the
    opening, not from the first arrival, so an order opened one evening and first visited the
    next morning is already a day late when it is done.
    """
    if visit.opened_date is not None:
        return visit.opened_date
    return visit.requested_at.astimezone(OFFICE_TZ).date()


def judge_same_day(visit: VisitFact, today: date) -> Outcome:
    """Breach if done after the day it was opened, or still open once that day is over."""
    opened = opened_on(visit)
    if visit.done_date is not None:
        return Outcome.BREACH if visit.done_date > opened else Outcome.PASS
    return Outcome.BREACH if opened < today else Outcome.NOT_APPLICABLE


def _run_same_day(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    today = local_as_of_date(bundle)
    for visit in bundle.visits:
        if judge_same_day(visit, today) is not Outcome.BREACH:
            continue
        due = opened_on(visit).isoformat()
        if visit.done_date is not None:
            days = (visit.done_date - opened_on(visit)).days
            zh = (
                f"工单 #{visit.id} 于 {due} 开单,应当日完成,到 {visit.done_date.isoformat()} "
                f"才完成,晚了 {days} 天,没有当天完成。"
            )
            en = (
                f"Visit #{visit.id} was opened on {due} and due that day but completed on "
                f"{visit.done_date.isoformat()}, {days} day(s) late, not the same day."
            )
        else:
            zh = f"工单 #{visit.id} 于 {due} 开单,应当日完成,截至 {today.isoformat()} 仍未完成。"
            en = (
                f"Visit #{visit.id} was opened on {due} and due that day, and was still open "
                f"on {today.isoformat()}."
            )
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=[EvidenceRef(EvidenceKind.VISIT, visit.id)],
            staff_id=visit.staff_id,
            occurred_at=visit.requested_at,
            dedupe_key=f"visit:{visit.id}",
            inputs={"visit": visit, "opened_date": opened_on(visit), "as_of_date": today},
        )


def _run_unsatisfied(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    for fb in bundle.feedback:
        if fb.channel is not FeedbackChannel.RETURN_VISIT:
            continue
        if fb.satisfaction is not Satisfaction.UNSATISFIED:
            continue
        yield breach(
            explanation_zh=(
                f"{fb.work_date.isoformat()} {CHANNEL_ZH[fb.channel]}评价为「不满意」"
                f"(反馈 #{fb.id})。"
            ),
            explanation_en=(
                f"The return visit on {fb.work_date.isoformat()} rated the work "
                f"'unsatisfied' (feedback #{fb.id})."
            ),
            evidence=[EvidenceRef(EvidenceKind.FEEDBACK, fb.id)],
            staff_id=fb.staff_id,
            occurred_at=fb.occurred_at,
            dedupe_key=f"feedback:{fb.id}",
            inputs=fb,
        )


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=4,
    title_zh="按质、按量、按时完成",
    title_en="Work done well and on time",
    text_zh="根据业主(住户)的要求,按质、按量、按时完成服务工作,保证客户满意。",
    text_en=(
        "Service work is finished to the resident's requirements in quality, quantity and "
        "time, so that the customer is satisfied."
    ),
    evidence_kinds=(
        EvidenceKind.VISIT,
        EvidenceKind.FEEDBACK,
        EvidenceKind.INSPECTION,
        EvidenceKind.SPOT_CHECK_ITEM,
        # A missed service standard (compliance.flows.service_clocks).
        EvidenceKind.SERVICE_ORDER,
        EvidenceKind.SERVICE_EVENT,
        EvidenceKind.SERVICE_CALL,
        EvidenceKind.LOBBY_NOTICE,
    ),
    checklist=(
        ChecklistItem(
            key="work_to_requirement",
            rule_code=CODE,
            label_zh="按质、按量、按时完成服务工作",
            label_en="Work done to requirement in quality, quantity and time",
        ),
    ),
    parameters=(),
    detectors=(
        Detector(
            key="not_same_day",
            rule_code=CODE,
            description_zh="工单没有在开单当日完成",
            description_en="A work order not completed on the day it was opened",
            needs=frozenset({"visits"}),
            params=(),
            run=_run_same_day,
        ),
        Detector(
            key="unsatisfied_return_visit",
            rule_code=CODE,
            description_zh="回访评价为不满意",
            description_en="A return visit rated the work unsatisfied",
            needs=frozenset({"feedback"}),
            params=(),
            run=_run_unsatisfied,
        ),
    ),
    sanction=DEFAULT_LADDER,
)
