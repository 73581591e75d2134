"""R02 (第二条): report to the office before going out; sign back when the work ends.

"上班必须先到管理处报到,然后外出工作。工作结束后,必须及时到管理处签到。"
The working day is the duty, not the calendar day: a job belongs to the shift it began in
(a night shift holds its jobs after midnight), a job outside every shift is a call-out, and
the sign-back must come after the LAST job of a duty, within the grace.

Times: T0 is 09:00 Asia/Shanghai (01:00 UTC) on Tuesday 2024-03-05; the day shift runs
09:00-18:00, i.e. T0 .. T0 + 9 h.
"""

from datetime import date, datetime, timedelta

import pytest

from policies import registry
from policies.base import EvidenceRef, Outcome
from policies.conduct.r02_attendance import duties, judge_check_in, judge_sign_back
from policies.facts import PunchFact, VisitFact
from policies.vocab import EvidenceKind

from .builders import D0, T0, bundle, punch, visit

R02 = registry.get("R02")
H, M = timedelta(hours=1), timedelta(minutes=1)
JOB = T0 + H  # 10:00
END = T0 + 9 * H  # 18:00, end of the day shift
LATE = END + timedelta(days=1)
D1 = D0 + timedelta(days=1)


def check_in(at: datetime, id: int = 21) -> PunchFact:
    return punch(id, "check_in", at)


def sign_back(at: datetime, id: int = 22) -> PunchFact:
    return punch(id, "sign_back", at)


def day_job(id: int = 11, **kw: object) -> VisitFact:
    """A job 10:00-11:05 inside the day shift."""
    return visit(id, **kw)  # type: ignore[arg-type]


def callout(id: int, arrive: datetime, stay: timedelta, **kw: object) -> VisitFact:
    """A job begun outside every rostered shift."""
    times = {
        "arrived_at": arrive,
        "done_at": arrive + stay,
        "left_at": arrive + stay + 5 * M,
        "shift_start_at": None,
        "shift_end_at": None,
        "roster_id": None,
    }
    return visit(id, **{**times, **kw})  # type: ignore[arg-type]


def one_duty(jobs: list[VisitFact], punches: list[PunchFact]):  # type: ignore[no-untyped-def]
    [duty] = duties(jobs, punches, 60)
    return duty


# Check-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "outcome"),
    [
        (T0, Outcome.PASS),
        (JOB, Outcome.PASS),
        (JOB + M, Outcome.BREACH),
        (None, Outcome.BREACH),
    ],
    ids=["before", "same minute", "one minute after the job", "never"],
)
def test_judge_check_in(at: datetime | None, outcome: Outcome) -> None:
    punches = [check_in(at)] if at else []
    assert judge_check_in(one_duty([day_job()], punches), punches) is outcome


def test_a_check_in_long_before_the_shift_reports_for_another_duty() -> None:
    punches = [check_in(T0 - 9 * H)]  # midnight: not reporting for the 09:00 shift
    assert judge_check_in(one_duty([day_job()], punches), punches) is Outcome.BREACH


def test_a_call_out_is_not_judged_for_check_in() -> None:
    job = callout(12, END + 3 * H, H)
    assert judge_check_in(one_duty([job], []), []) is Outcome.NOT_APPLICABLE


def test_no_check_in_breach() -> None:
    [decision] = R02.detect(bundle(visits=[day_job()], punches=[sign_back(END + 10 * M)]), {})
    assert decision.detector == "no_check_in"
    assert decision.dedupe_key == "fieldday:7:2024-03-05:checkin"
    assert set(decision.evidence) == {
        EvidenceRef(EvidenceKind.VISIT, 11),
        EvidenceRef(EvidenceKind.ROSTER, 50),
    }
    assert decision.occurred_at == JOB
    assert "没有到管理处报到" in decision.explanation_zh


def test_late_check_in_names_the_delay() -> None:
    punches = [check_in(JOB + 25 * M), sign_back(END + 10 * M)]
    [decision] = R02.detect(bundle(visits=[day_job()], punches=punches))
    assert "25 分钟" in decision.explanation_zh
    assert "25 min after" in decision.explanation_en
    assert EvidenceRef(EvidenceKind.ATTENDANCE, 21) in decision.evidence


# Sign-back --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("back", "as_of", "outcome"),
    [
        (END + 30 * M, LATE, Outcome.PASS),
        (END + 60 * M, LATE, Outcome.PASS),
        (END + 61 * M, LATE, Outcome.BREACH),
        (None, LATE, Outcome.BREACH),
        (None, END + 59 * M, Outcome.NOT_APPLICABLE),
        (None, END + 60 * M, Outcome.BREACH),
        (END + 10 * M, END + 11 * M, Outcome.PASS),
    ],
    ids=[
        "within grace",
        "grace boundary",
        "one minute late",
        "never",
        "duty not over",
        "deadline reached",
        "early run, signed back",
    ],
)
def test_judge_sign_back(back: datetime | None, as_of: datetime, outcome: Outcome) -> None:
    punches = [check_in(T0), *([sign_back(back)] if back else [])]
    assert judge_sign_back(one_duty([day_job()], punches), punches, as_of, 60) is outcome


def test_a_sign_back_before_the_last_job_does_not_count() -> None:
    """Signed back at noon, went out again 13:00-15:00 and never signed back: a breach."""
    jobs = [day_job(), day_job(12, arrived_at=T0 + 4 * H, done_at=T0 + 6 * H, left_at=None)]
    punches = [check_in(T0), sign_back(T0 + 3 * H)]
    duty = one_duty(jobs, punches)
    assert judge_sign_back(duty, punches, LATE, 60) is Outcome.BREACH
    [decision] = R02.detect(bundle(visits=jobs, punches=punches))
    assert decision.dedupe_key == "fieldday:7:2024-03-05:signback"
    assert "没有回管理处签到" in decision.explanation_zh


def test_late_sign_back_breach() -> None:
    punches = [check_in(T0), sign_back(END + 75 * M)]
    [decision] = R02.detect(bundle(visits=[day_job()], punches=punches))
    assert decision.detector == "no_sign_back"
    assert decision.dedupe_key == "fieldday:7:2024-03-05:signback"
    assert "下班后 1 小时 15 分钟才回管理处签到,超过允许的 60 分钟" in decision.explanation_zh
    assert (
        "1 h 15 min after the end of the shift, more than the 60 min allowed"
        in decision.explanation_en
    )
    assert set(decision.evidence) == {
        EvidenceRef(EvidenceKind.VISIT, 11),
        EvidenceRef(EvidenceKind.ROSTER, 50),
        EvidenceRef(EvidenceKind.ATTENDANCE, 22),
    }


def test_a_proper_day_has_no_findings() -> None:
    punches = [check_in(T0), sign_back(END + 10 * M)]
    assert R02.detect(bundle(visits=[day_job()], punches=punches)) == []


def test_a_duty_with_neither_gives_two_findings() -> None:
    keys = [d.dedupe_key for d in R02.detect(bundle(visits=[day_job()]))]
    assert keys == ["fieldday:7:2024-03-05:checkin", "fieldday:7:2024-03-05:signback"]


def test_the_grace_is_a_parameter() -> None:
    punches = [check_in(T0), sign_back(END + 75 * M)]
    found = R02.detect(bundle(visits=[day_job()], punches=punches), {"signback_grace_minutes": 90})
    assert found == []


def test_a_job_that_never_began_makes_no_duty() -> None:
    assert duties([day_job(arrived_at=None, done_at=None, left_at=None)], [], 60) == []


# Jobs past the shift and evening call-outs ------------------------------------------------

OVERTIME_END = END + 2 * H


@pytest.mark.parametrize(
    ("back", "outcome"),
    [(OVERTIME_END + 60 * M, Outcome.PASS), (OVERTIME_END + 61 * M, Outcome.BREACH)],
    ids=["boundary", "one minute late"],
)
def test_a_job_run_past_the_shift_moves_the_deadline(back: datetime, outcome: Outcome) -> None:
    job = day_job(done_at=OVERTIME_END - 5 * M, left_at=OVERTIME_END)
    punches = [check_in(T0), sign_back(back)]
    assert judge_sign_back(one_duty([job], punches), punches, LATE, 60) is outcome


def test_late_sign_back_after_a_job_past_the_shift_names_the_job_end() -> None:
    job = day_job(done_at=OVERTIME_END - 5 * M, left_at=OVERTIME_END)
    punches = [check_in(T0), sign_back(OVERTIME_END + 75 * M)]
    [decision] = R02.detect(bundle(visits=[job], punches=punches))
    assert decision.occurred_at == OVERTIME_END
    assert "最后一项入户工作结束后 1 小时 15 分钟才回管理处签到" in decision.explanation_zh
    assert "1 h 15 min after the last home job ended" in decision.explanation_en


def test_an_evening_call_out_after_signing_back_needs_its_own_sign_back() -> None:
    """Signed back at 18:10; called out 20:00-21:05; never signed back again."""
    evening = callout(12, END + 2 * H, H)
    punches = [check_in(T0), sign_back(END + 10 * M)]
    shift, call = duties([day_job(), evening], punches, 60)
    assert (shift.roster_id, call.roster_id) == (50, None)
    assert judge_sign_back(shift, punches, LATE, 60) is Outcome.PASS
    assert judge_sign_back(call, punches, LATE, 60) is Outcome.BREACH
    [decision] = R02.detect(bundle(visits=[day_job(), evening], punches=punches))
    assert decision.dedupe_key == "callout:7:12:signback"
    assert decision.occurred_at == evening.left_at
    assert "排班以外的入户工作(工单 #12)结束后 60 分钟内没有回管理处签到" in (
        decision.explanation_zh
    )


@pytest.mark.parametrize(
    ("back", "outcome"),
    [(END + 3 * H + 5 * M + 60 * M, Outcome.PASS), (END + 3 * H + 5 * M + 61 * M, Outcome.BREACH)],
    ids=["signed back within the grace", "one minute late"],
)
def test_an_evening_call_out_signed_back_within_the_grace(back: datetime, outcome: Outcome) -> None:
    evening = callout(12, END + 2 * H, H)  # left 21:05
    punches = [check_in(T0), sign_back(END + 10 * M), sign_back(back, 23)]
    _, call = duties([day_job(), evening], punches, 60)
    assert judge_sign_back(call, punches, LATE, 60) is outcome


def test_a_call_out_with_no_end_recorded_is_not_judged_for_sign_back() -> None:
    open_job = callout(12, END + 3 * H, H, done_at=None, left_at=None)
    assert judge_sign_back(one_duty([open_job], []), [], LATE, 60) is Outcome.NOT_APPLICABLE
    # A rostered duty's open job still ends with the shift at the latest.
    shift_job = day_job(done_at=None, left_at=None)
    assert judge_sign_back(one_duty([shift_job], []), [], LATE, 60) is Outcome.BREACH


def test_a_call_out_straight_after_the_shift_continues_its_duty() -> None:
    """No sign-back between the shift and a call-out at 18:40: one duty, one sign-back."""
    evening = callout(12, END + 40 * M, H)  # left 19:45
    punches = [check_in(T0), sign_back(END + H + 50 * M)]  # 19:50
    [duty] = duties([day_job(), evening], punches, 60)
    assert [j.id for j in duty.jobs] == [11, 12] and duty.roster_id == 50
    assert R02.detect(bundle(visits=[day_job(), evening], punches=punches)) == []


def test_a_call_out_the_next_morning_does_not_hide_a_missing_sign_back() -> None:
    morning = callout(12, END + 13 * H, H)  # 07:00 the next day, no sign-back since 18:00
    punches = [check_in(T0), sign_back(END + 14 * H + 10 * M)]
    shift, call = duties([day_job(), morning], punches, 60)
    assert judge_sign_back(shift, punches, LATE + H, 60) is Outcome.BREACH
    assert judge_sign_back(call, punches, LATE + H, 60) is Outcome.PASS


# Midnight and night shifts ----------------------------------------------------------------

# The evening shift of 2024-03-05 runs 16:00-24:00 Shanghai (08:00-16:00 UTC).
EVE_START, EVE_END = T0 + 7 * H, T0 + 15 * H


def test_a_job_ending_after_midnight_signed_back_at_0045_is_signed_back() -> None:
    """Job 23:00-00:25 on the evening shift; signed back 00:45 the next (calendar) day."""
    job = visit(
        13,
        work_date=D0,
        arrived_at=EVE_END - H,
        done_at=EVE_END + 20 * M,
        left_at=EVE_END + 25 * M,
        done_date=D1,
        shift_start_at=EVE_START,
        shift_end_at=EVE_END,
    )
    punches = [check_in(EVE_START - 10 * M), sign_back(EVE_END + 45 * M)]
    assert R02.detect(bundle(visits=[job], punches=punches), {}) == []
    late = [check_in(EVE_START - 10 * M), sign_back(EVE_END + 25 * M + 61 * M)]
    [decision] = R02.detect(bundle(visits=[job], punches=late))
    assert decision.dedupe_key == "fieldday:7:2024-03-05:signback"


# The night shift of 2024-03-05 runs 22:00 to 06:00 on 03-06 (14:00-22:00 UTC on 03-05).
NIGHT_START, NIGHT_END = T0 + 13 * H, T0 + 21 * H


def night_job(id: int, local_hour: int) -> VisitFact:
    """A job at local_hour (0-5) on 2024-03-06, inside the night shift of 03-05."""
    arrive = NIGHT_START + (local_hour + 2) * H
    return visit(
        id,
        work_date=D1,  # the calendar day of arrival in Shanghai
        arrived_at=arrive,
        done_at=arrive + 40 * M,
        left_at=arrive + 45 * M,
        done_date=D1,
        shift_start_at=NIGHT_START,
        shift_end_at=NIGHT_END,
        roster_id=51,
        roster_work_date=D0,
    )


def test_a_job_at_0100_belongs_to_the_night_shift_that_began_at_2200() -> None:
    jobs = [night_job(14, 1), night_job(15, 3)]
    punches = [check_in(NIGHT_START - 10 * M), sign_back(NIGHT_END + 5 * M)]
    [duty] = duties(jobs, punches, 60)
    assert duty.day == D0 and duty.roster_id == 51
    assert R02.detect(bundle(visits=jobs, punches=punches)) == []


def test_a_night_shift_without_check_in_is_one_finding_dated_by_its_shift() -> None:
    jobs = [night_job(14, 1), night_job(15, 3)]
    [decision] = R02.detect(bundle(visits=jobs, punches=[sign_back(NIGHT_END + 5 * M)]))
    assert decision.dedupe_key == "fieldday:7:2024-03-05:checkin"
    assert decision.occurred_at == jobs[0].arrived_at
    assert date(2024, 3, 5).isoformat() in decision.explanation_zh


def test_the_same_records_give_the_same_duties_in_any_order() -> None:
    jobs = [night_job(15, 3), day_job(), night_job(14, 1), callout(16, END + 2 * H, H)]
    punches = [check_in(T0), sign_back(END + 10 * M), check_in(NIGHT_START - 5 * M)]
    a = R02.detect(bundle(visits=jobs, punches=punches))
    b = R02.detect(bundle(visits=list(reversed(jobs)), punches=list(reversed(punches))))
    assert [(d.dedupe_key, d.input_digest) for d in a] == [
        (d.dedupe_key, d.input_digest) for d in b
    ]


def test_an_old_record_of_two_trips_as_one_visit_needs_only_the_shifts_sign_back() -> None:
    """Arrived 10:00, done 09:30 the next morning (no leaving of the first trip recorded):
    the sign-back at 18:10 that day counts; the next morning's end is not this duty's."""
    job = day_job(done_at=T0 + timedelta(days=1, minutes=30), left_at=None, done_date=D1)
    assert job.two_trips_in_one
    punches = [check_in(T0), sign_back(END + 10 * M)]
    assert judge_sign_back(one_duty([job], punches), punches, LATE + H, 60) is Outcome.PASS
    assert judge_sign_back(one_duty([job], []), [], LATE + H, 60) is Outcome.BREACH
