"""R09 (第九条): overtime needs the director's approval before it begins.

"若业主(住户)有特殊情况需要服务人员加班,必须先通知管理处主任,经批准同意,……方能进行。"
Overtime begins when work goes outside the shift: at arrival for a job begun outside it, at
the end of the shift for a job begun inside it that runs past it. An approval given by then
covers it, even one given after the arrival. Minutes in the home after the job was done are
lingering (R08), never overtime.
"""

from datetime import timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r09_overtime import judge_overtime, overtime_begins
from policies.facts import VisitFact
from policies.vocab import EvidenceKind

from .builders import D0, T0, bundle, visit

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
        (
            visit(done_at=END + timedelta(minutes=1), left_at=END + timedelta(minutes=2)),
            Outcome.BREACH,
        ),
        (visit(done_at=END, left_at=END + timedelta(minutes=14)), Outcome.PASS),
        (visit(left_at=None, done_at=END + timedelta(minutes=1)), Outcome.BREACH),
        (visit(done_at=None, left_at=END + timedelta(minutes=1)), Outcome.BREACH),
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
        "done one minute after the shift",
        "done at the end, left after it",
        "done late, no leave time",
        "left without done, one minute over",
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
    assert "排班结束 1 小时后才到达" in decision.explanation_zh
    assert "主任在加班开始后 20 分钟才批准" in decision.explanation_zh
    assert "20 min after the overtime began" in decision.explanation_en


def test_no_roster_is_explained() -> None:
    fact = visit(shift_start_at=None, shift_end_at=None, roster_id=None)
    [decision] = R09.detect(bundle(visits=[fact]))
    assert "没有排班" in decision.explanation_zh
    assert "no shift was rostered" in decision.explanation_en
    assert decision.evidence == (EvidenceRef(EvidenceKind.VISIT, 1),)


def test_non_director_approval_is_explained() -> None:
    fact = evening_job(overtime_approved_at=EVENING - timedelta(hours=1))
    [decision] = R09.detect(bundle(visits=[fact]))
    assert "批准人在批准时不是管理处主任" in decision.explanation_zh


# When overtime begins ---------------------------------------------------------------------

RUN_ON = END + timedelta(minutes=50)  # a job begun in the shift, done 50 min after its end


def run_on(**kw: object) -> VisitFact:
    times = {"arrived_at": END - timedelta(hours=1), "done_at": RUN_ON, "left_at": RUN_ON}
    return visit(**{**times, "overtime_id": 61, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("approved_at", "outcome"),
    [
        (END - timedelta(minutes=30), Outcome.PASS),
        (END, Outcome.PASS),
        (END + timedelta(minutes=1), Outcome.BREACH),
        (None, Outcome.BREACH),
    ],
    ids=[
        "approved after arrival, before the shift ended",
        "approved the minute the shift ended",
        "approved one minute into the overtime",
        "never approved",
    ],
)
def test_an_approval_given_before_the_overtime_began_covers_it(
    approved_at: object, outcome: Outcome
) -> None:
    fact = run_on(overtime_approved_at=approved_at, overtime_approved_by_director=True)
    assert overtime_begins(fact) == END
    assert judge_overtime(fact) is outcome


def test_overtime_in_a_job_run_on_is_dated_when_it_began() -> None:
    [decision] = R09.detect(bundle(visits=[run_on(overtime_id=None)]))
    assert decision.occurred_at == END
    assert "工作到排班结束后 50 分钟才完成" in decision.explanation_zh
    assert "the work went on 50 min past the end of the shift" in decision.explanation_en


def test_a_job_begun_outside_the_shift_is_overtime_from_its_arrival() -> None:
    assert overtime_begins(evening_job()) == EVENING
    assert overtime_begins(visit(arrived_at=START - timedelta(minutes=1))) == START - timedelta(
        minutes=1
    )
    assert overtime_begins(visit()) is None


# The night shift of the day runs 22:00-06:00 Shanghai: START + 13 h .. START + 21 h.
NIGHT_START, NIGHT_END = START + timedelta(hours=13), START + timedelta(hours=21)


@pytest.mark.parametrize(
    ("arrive", "outcome"),
    [
        (NIGHT_START + timedelta(hours=3), Outcome.PASS),  # 01:00, after midnight
        (NIGHT_END - timedelta(hours=1), Outcome.PASS),  # 05:00
        (NIGHT_START - timedelta(minutes=1), Outcome.BREACH),  # 21:59
    ],
    ids=["01:00 inside the night shift", "05:00", "one minute before it began"],
)
def test_a_night_shift_holds_its_jobs_after_midnight(arrive: object, outcome: Outcome) -> None:
    fact = visit(
        arrived_at=arrive,  # type: ignore[arg-type]
        done_at=arrive + timedelta(minutes=40),  # type: ignore[operator]
        left_at=arrive + timedelta(minutes=45),  # type: ignore[operator]
        shift_start_at=NIGHT_START,
        shift_end_at=NIGHT_END,
    )
    assert judge_overtime(fact) is outcome


def test_lingering_after_the_job_is_r08_not_overtime() -> None:
    """Done at 17:30, stayed until 19:30: one act, judged once, by R08."""
    fact = visit(done_at=END - timedelta(minutes=30), left_at=END + timedelta(hours=1, minutes=30))
    b = bundle(visits=[fact])
    assert R09.detect(b) == []
    [r08] = registry.get("R08").detect(b)
    assert r08.dedupe_key == "visit:1"


def test_an_old_record_of_one_visit_over_two_days_is_not_sixteen_hours_of_overtime() -> None:
    """Arrived 10:00, done 09:30 the next morning: two trips recorded as one, not overtime."""
    fact = visit(
        done_at=T0 + timedelta(days=1, minutes=30),
        left_at=T0 + timedelta(days=1, hours=1),
        done_date=D0 + timedelta(days=1),
    )
    assert overtime_begins(fact) is None
    assert R09.detect(bundle(visits=[fact])) == []
    # Twelve hours from arrival is still one trip: its run past the shift is overtime.
    one = visit(
        done_at=T0 + timedelta(hours=13),
        left_at=T0 + timedelta(hours=13),
        done_date=D0 + timedelta(days=1),
    )
    assert overtime_begins(one) == END
    # So is a long day's work done the same day: 10:00 to 23:59 is 13 h 59 min of one stay.
    long_day = visit(done_at=T0 + timedelta(hours=14, minutes=59), left_at=None)
    assert overtime_begins(long_day) == END
