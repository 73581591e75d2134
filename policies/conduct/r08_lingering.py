"""R08 — self-respect; no improper relationship; do not linger; leave once work is done."""

from collections.abc import Iterator, Mapping
from datetime import timedelta

from policies.base import (
    ChecklistItem,
    Decision,
    Detector,
    EvidenceRef,
    Outcome,
    Parameter,
    Policy,
    breach,
)
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.conduct.feedback import category_detector
from policies.facts import FactBundle, VisitFact
from policies.text import duration_en, duration_zh
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R08"


def judge_lingering(visit: VisitFact, linger_minutes: int) -> Outcome:
    """Breach when the staff member left more than `linger_minutes` after the job was done."""
    if visit.done_at is None or visit.left_at is None:
        return Outcome.NOT_APPLICABLE
    if visit.left_at - visit.done_at > timedelta(minutes=linger_minutes):
        return Outcome.BREACH
    return Outcome.PASS


def _judged_once(visit: VisitFact) -> tuple[str, str]:
    """Say so when the stay ran past the shift: those minutes are judged here only.

    One act, one finding: R09 counts work until the job was done and R02's sign-back
    deadline runs from the leaving, so the lingering is never also overtime or a late
    sign-back.
    """
    assert visit.done_at is not None and visit.left_at is not None
    if visit.shift_end_at is None or visit.left_at <= visit.shift_end_at:
        return "", ""
    return (
        "停留延续到排班结束以后;这段时间只按本条认定,不另计为未经批准的加班(第九条)或迟签到(第二条)。",
        " The stay ran past the end of the shift; those minutes are judged under this rule "
        "only, not also as unapproved overtime (R09) or a late sign-back (R02).",
    )


def _run_lingering(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    limit = params["linger_minutes"]
    for visit in bundle.visits:
        if judge_lingering(visit, limit) is not Outcome.BREACH:
            continue
        assert visit.done_at is not None and visit.left_at is not None  # judged above
        stayed = visit.left_at - visit.done_at
        zh_once, en_once = _judged_once(visit)
        yield breach(
            explanation_zh=(
                f"工单 #{visit.id} 完成后 {duration_zh(stayed)}才离开住户家,"
                f"超过规定的 {limit} 分钟。{zh_once}"
            ),
            explanation_en=(
                f"Left the home {duration_en(stayed)} after visit #{visit.id} was marked done, "
                f"more than the {limit} min allowed.{en_once}"
            ),
            evidence=[EvidenceRef(EvidenceKind.VISIT, visit.id)],
            staff_id=visit.staff_id,
            occurred_at=visit.done_at,
            dedupe_key=f"visit:{visit.id}",
            inputs=visit,
            observed={"linger_seconds": int(stayed.total_seconds())},
        )


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=8,
    title_zh="不得无故停留",
    title_en="No lingering in a home",
    text_zh=(
        "自爱、自尊,不得与业主(住户)有不正当关系,不得在服务对象房内无故停留,工作完毕后应立即离开。"
    ),
    text_en=(
        "Staff respect themselves and keep their dignity; they have no improper relationship "
        "with residents, do not linger in a home without reason, and leave as soon as the "
        "work is done."
    ),
    evidence_kinds=(
        EvidenceKind.VISIT,
        EvidenceKind.FEEDBACK,
        EvidenceKind.INSPECTION,
        EvidenceKind.SPOT_CHECK_ITEM,
    ),
    checklist=(
        ChecklistItem(
            key="left_promptly",
            rule_code=CODE,
            label_zh="工作完毕后立即离开",
            label_en="Left as soon as the work was done",
        ),
    ),
    parameters=(
        Parameter(
            name="linger_minutes",
            default=15,
            unit="min",
            description_zh="工作完毕后允许在住户家停留的最长时间",
            description_en="Longest stay allowed in the home after the job is done",
            minimum=0,
            maximum=240,
        ),
    ),
    detectors=(
        Detector(
            key="lingering",
            rule_code=CODE,
            description_zh="工单完成后超过规定时间才离开住户家",
            description_en="Left the home too long after the job was marked done",
            needs=frozenset({"visits"}),
            params=("linger_minutes",),
            run=_run_lingering,
        ),
        category_detector(
            key="lingering_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.LINGERING}),
            description_zh="住户反映员工在房内无故停留",
            description_en="A resident reported the staff member lingering in the home",
        ),
        category_detector(
            key="improper_relationship_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.IMPROPER_RELATIONSHIP}),
            description_zh="住户反映员工与住户有不正当关系",
            description_en="A resident reported an improper relationship with a resident",
        ),
    ),
    sanction=DEFAULT_LADDER,
)
