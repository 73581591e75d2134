"""R09: work outside the rostered shift needs the director's approval before it starts."""

from datetime import timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r09_overtime import judge_overtime
from policies.facts import VisitFact
from policies.vocab import EvidenceKind

from .builders import T0, bundle, visit

R09 = registry.get("R09")
START, END = T0, T0 + timedelta(hours=9)
EVENING = END + timedelta(hours=1)


def evening_job(**kw: object) -> VisitFact:
    """A job that starts an hour after the shift ends."""
    times = {
        "arrived_at": EVENING,
        "done_at": EVENING + timedelta(hours=1),
        "left_at": EVENING + timedelta(hours=1, minutes=5),
        "overtime_id": 60,
    }
    return visit(**{**times, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fact", "outcome"),
    [
        (visit(), Outcome.PASS),
        (visit(arrived_at=START, left_at=END), Outcome.PASS),
        (visit(arrived_at=START - timedelta(minutes=1)), Outcome.BREACH),
        (visit(left_at=END + timedelta(minutes=1)), Outcome.BREACH),
        (visit(left_at=None, done_at=END + timedelta(minutes=1)), Outcome.BREACH),
        (visit(shift_start_at=None, shift_end_at=None, roster_id=None), Outcome.BREACH),
        (visit(arrived_at=None), Outcome.NOT_APPLICABLE),
        (evening_job(), Outcome.BREACH),
        (
            evening_job(overtime_approved_at=EVENING, overtime_approved_by_director=True),
            Outcome.PASS,
        ),
        (
            evening_job(
                overtime_approved_at=EVENING - timedelta(hours=3),
                overtime_approved_by_director=True,
            ),
            Outcome.PASS,
        ),
        (
            evening_job(
                overtime_approved_at=EVENING + timedelta(minutes=20),
                overtime_approved_by_director=True,
            ),
            Outcome.BREACH,
        ),
        (
            evening_job(overtime_approved_at=EVENING - timedelta(hours=3)),
            Outcome.BREACH,
        ),
    ],
    ids=[
        "inside shift",
        "exactly the shift",
        "arrived early",
        "left late",
        "done late, no leave time",
        "no roster",
        "never arrived",
        "evening, no approval",
        "approved at arrival",
        "approved before",
        "approved after start",
        "approved, not by director",
    ],
)
def test_judge_overtime(fact: VisitFact, outcome: Outcome) -> None:
    assert judge_overtime(fact) is outcome


def test_late_approval_breach_is_explained() -> None:
    fact = evening_job(
        overtime_approved_at=EVENING + timedelta(minutes=20), overtime_approved_by_director=True
    )
    [decision] = R09.detect(bundle(visits=[fact]))
    assert decision.dedupe_key == "visit:1"
    assert decision.occurred_at == EVENING
    assert set(decision.evidence) == {
        EvidenceRef(EvidenceKind.VISIT, 1),
        EvidenceRef(EvidenceKind.ROSTER, 50),
        EvidenceRef(EvidenceKind.OVERTIME, 60),
    }
    assert "2 小时 5 分钟" in decision.explanation_zh  # finished after the shift
    assert "20 分钟" in decision.explanation_zh  # approval came after the start
    assert "20 min after the work started" in decision.explanation_en


def test_no_roster_is_explained() -> None:
    fact = visit(shift_start_at=None, shift_end_at=None, roster_id=None)
    [decision] = R09.detect(bundle(visits=[fact]))
    assert "当天没有排班" in decision.explanation_zh
    assert "no shift was rostered" in decision.explanation_en
    assert decision.evidence == (EvidenceRef(EvidenceKind.VISIT, 1),)


def test_non_director_approval_is_explained() -> None:
    fact = evening_job(overtime_approved_at=EVENING - timedelta(hours=1))
    [decision] = R09.detect(bundle(visits=[fact]))
    assert "未经管理处主任批准" in decision.explanation_zh
