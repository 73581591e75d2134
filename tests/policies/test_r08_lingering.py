"""R08: leave the home as soon as the job is done (limit in minutes, a parameter)."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies import registry
from policies.base import Outcome
from policies.conduct.r08_lingering import judge_lingering

from .builders import T0, bundle, visit

R08 = registry.get("R08")
DONE = T0 + timedelta(hours=2)


@pytest.mark.parametrize(
    ("after", "outcome"),
    [
        (timedelta(minutes=0), Outcome.PASS),
        (timedelta(minutes=15), Outcome.PASS),
        (timedelta(minutes=15, seconds=1), Outcome.BREACH),
        (timedelta(minutes=16), Outcome.BREACH),
        (timedelta(minutes=-3), Outcome.PASS),
    ],
    ids=["at once", "15 min", "15 min 1 s", "16 min", "left before marked done"],
)
def test_lingering_boundary(after: timedelta, outcome: Outcome) -> None:
    assert judge_lingering(visit(done_at=DONE, left_at=DONE + after), 15) is outcome


@pytest.mark.parametrize(
    "fact",
    [visit(done_at=None), visit(left_at=None), visit(done_at=None, left_at=None)],
    ids=["not done", "not left", "neither"],
)
def test_missing_times_are_not_applicable(fact: object) -> None:
    assert judge_lingering(fact, 15) is Outcome.NOT_APPLICABLE  # type: ignore[arg-type]
    assert R08.detect(bundle(visits=[fact])) == []


def test_sixteen_minutes_is_a_finding_with_the_numbers() -> None:
    late = visit(5, done_at=DONE, left_at=DONE + timedelta(minutes=16))
    ok = visit(6, done_at=DONE, left_at=DONE + timedelta(minutes=15))
    [decision] = R08.detect(bundle(visits=[late, ok]))
    assert decision.detector == "lingering"
    assert decision.dedupe_key == "visit:5"
    assert decision.observed == {"linger_seconds": 960}
    assert decision.explanation_zh == "工单 #5 完成后 16 分钟才离开住户家,超过规定的 15 分钟。"
    assert decision.explanation_en == (
        "Left the home 16 min after visit #5 was marked done, more than the 15 min allowed."
    )


@given(
    seconds=st.integers(min_value=0, max_value=4 * 3600),
    limit=st.integers(min_value=0, max_value=240),
)
def test_lingering_is_a_breach_iff_the_stay_exceeds_the_limit(seconds: int, limit: int) -> None:
    fact = visit(done_at=DONE, left_at=DONE + timedelta(seconds=seconds))
    found = R08.detect(bundle(visits=[fact]), {"linger_minutes": limit})
    assert bool(found) == (seconds > limit * 60)


# One act, one finding (第八条 vs 第九条 and 第二条) -----------------------------------------

SHIFT_END = T0 + timedelta(hours=9)  # 18:00 Shanghai


def test_lingering_past_the_shift_is_one_r08_finding_not_three() -> None:
    """Done at 17:30, left the home at 19:30, signed back at 19:45: only R08 is breached."""
    from policies.facts import PunchFact

    fact = visit(
        5,
        arrived_at=T0 + timedelta(hours=7),
        done_at=SHIFT_END - timedelta(minutes=30),
        left_at=SHIFT_END + timedelta(hours=1, minutes=30),
    )
    punches = [
        PunchFact(21, 7, "check_in", T0 - timedelta(minutes=5)),
        PunchFact(22, 7, "sign_back", SHIFT_END + timedelta(hours=1, minutes=45)),
    ]
    b = bundle(visits=[fact], punches=punches)
    found = [
        (code, d.dedupe_key) for code in ("R02", "R08", "R09") for d in registry.get(code).detect(b)
    ]
    assert found == [("R08", "visit:5")]
    [r08] = R08.detect(b)
    assert "不另计为未经批准的加班(第九条)或迟签到(第二条)" in r08.explanation_zh
    assert "not also as unapproved overtime (R09) or a late sign-back (R02)" in r08.explanation_en


def test_lingering_inside_the_shift_says_nothing_of_other_rules() -> None:
    [r08] = R08.detect(
        bundle(visits=[visit(5, done_at=DONE, left_at=DONE + timedelta(minutes=16))])
    )
    assert "第九条" not in r08.explanation_zh
