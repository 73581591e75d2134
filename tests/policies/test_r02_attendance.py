"""R02: office check-in before the first home job; sign-back by the end of work + grace."""

from datetime import datetime, timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r02_attendance import judge_check_in, judge_sign_back
from policies.vocab import EvidenceKind

from .builders import T0, bundle, field_day

R02 = registry.get("R02")
JOB = T0 + timedelta(hours=1)
END = T0 + timedelta(hours=9)
LATE = END + timedelta(days=1)


@pytest.mark.parametrize(
    ("check_in", "outcome"),
    [
        (T0, Outcome.PASS),
        (JOB, Outcome.PASS),
        (JOB + timedelta(minutes=1), Outcome.BREACH),
        (None, Outcome.BREACH),
    ],
    ids=["before", "same minute", "after the job", "never"],
)
def test_judge_check_in(check_in: datetime | None, outcome: Outcome) -> None:
    assert judge_check_in(field_day(first_job_at=JOB, first_check_in_at=check_in)) is outcome


@pytest.mark.parametrize(
    ("sign_back", "shift_end", "as_of", "outcome"),
    [
        (END + timedelta(minutes=30), END, LATE, Outcome.PASS),
        (END + timedelta(minutes=60), END, LATE, Outcome.PASS),
        (END + timedelta(minutes=61), END, LATE, Outcome.BREACH),
        (None, END, LATE, Outcome.BREACH),
        (None, END, END + timedelta(minutes=59), Outcome.NOT_APPLICABLE),
        (None, END, END + timedelta(minutes=60), Outcome.BREACH),
        (END + timedelta(minutes=10), END, END + timedelta(minutes=11), Outcome.PASS),
        (None, None, LATE, Outcome.NOT_APPLICABLE),
    ],
    ids=[
        "within grace",
        "grace boundary",
        "one minute late",
        "never",
        "day not over",
        "deadline reached",
        "early run, signed back",
        "no roster",
    ],
)
def test_judge_sign_back(
    sign_back: datetime | None, shift_end: datetime | None, as_of: datetime, outcome: Outcome
) -> None:
    day = field_day(last_sign_back_at=sign_back, shift_end_at=shift_end)
    assert judge_sign_back(day, as_of, 60) is outcome


def test_no_check_in_breach() -> None:
    day = field_day(first_check_in_at=None)
    [decision] = R02.detect(bundle(field_days=[day]))
    assert decision.detector == "no_check_in"
    assert decision.dedupe_key == "fieldday:7:2024-03-05:checkin"
    assert decision.evidence == (EvidenceRef(EvidenceKind.VISIT, 11),)
    assert decision.occurred_at == day.first_job_at
    assert "没有到管理处报到" in decision.explanation_zh


def test_late_check_in_names_the_delay() -> None:
    day = field_day(first_check_in_at=JOB + timedelta(minutes=25))
    [decision] = R02.detect(bundle(field_days=[day]))
    assert "25 分钟" in decision.explanation_zh
    assert "25 min after" in decision.explanation_en
    assert EvidenceRef(EvidenceKind.ATTENDANCE, 21) in decision.evidence


def test_late_sign_back_breach() -> None:
    day = field_day(last_sign_back_at=END + timedelta(minutes=75))
    [decision] = R02.detect(bundle(field_days=[day]))
    assert decision.detector == "no_sign_back"
    assert decision.dedupe_key == "fieldday:7:2024-03-05:signback"
    assert "下班后 1 小时 15 分钟才回管理处签到,超过允许的 60 分钟" in decision.explanation_zh
    assert (
        "1 h 15 min after the end of the shift, more than the 60 min allowed"
        in decision.explanation_en
    )
    assert set(decision.evidence) == {
        EvidenceRef(EvidenceKind.VISIT, 11),
        EvidenceRef(EvidenceKind.ROSTER, 31),
        EvidenceRef(EvidenceKind.ATTENDANCE, 22),
    }


def test_a_proper_day_has_no_findings() -> None:
    assert R02.detect(bundle(field_days=[field_day()])) == []


def test_a_day_with_neither_gives_two_findings() -> None:
    day = field_day(first_check_in_at=None, last_sign_back_at=None)
    keys = [d.dedupe_key for d in R02.detect(bundle(field_days=[day]))]
    assert keys == ["fieldday:7:2024-03-05:checkin", "fieldday:7:2024-03-05:signback"]


def test_the_grace_is_a_parameter() -> None:
    day = field_day(last_sign_back_at=END + timedelta(minutes=75))
    assert R02.detect(bundle(field_days=[day]), {"signback_grace_minutes": 90}) == []


OVERTIME_END = END + timedelta(hours=2)


@pytest.mark.parametrize(
    ("sign_back", "job_end", "outcome"),
    [
        (OVERTIME_END + timedelta(minutes=60), OVERTIME_END, Outcome.PASS),
        (OVERTIME_END + timedelta(minutes=61), OVERTIME_END, Outcome.BREACH),
        (END + timedelta(minutes=61), END - timedelta(hours=3), Outcome.BREACH),
        (END + timedelta(minutes=60), END - timedelta(hours=3), Outcome.PASS),
    ],
    ids=[
        "evening job: grace runs from its end",
        "evening job: one minute late",
        "jobs ended in the shift: grace from the shift end",
        "jobs ended in the shift: boundary",
    ],
)
def test_sign_back_deadline_follows_a_job_past_the_shift(
    sign_back: datetime, job_end: datetime, outcome: Outcome
) -> None:
    day = field_day(last_sign_back_at=sign_back, last_job_end_at=job_end)
    assert judge_sign_back(day, LATE, 60) is outcome


def test_late_sign_back_after_an_evening_job_names_the_job_end() -> None:
    day = field_day(
        last_sign_back_at=OVERTIME_END + timedelta(minutes=75), last_job_end_at=OVERTIME_END
    )
    [decision] = R02.detect(bundle(field_days=[day]))
    assert decision.occurred_at == OVERTIME_END
    assert "最后一项入户工作结束后 1 小时 15 分钟才回管理处签到" in decision.explanation_zh
    assert "1 h 15 min after the last home job ended" in decision.explanation_en
