"""Profile "CN": the deduction cap and schedule, economic compensation, dismissal gates."""

import itertools
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from policies.guardrails import (
    CN,
    NONE,
    CapBinding,
    DismissalFacts,
    MonthInfo,
    Obligation,
    blocking_failures,
    get_profile,
    months_from,
)

MIN = 236_000  # example minimum wage ¥2,360.00 (demo figure, not a real city's)
APR = date(2026, 4, 1)
MAY, JUN, JUL = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)


def month(m: date, wage: int = 500_000, taken: int = 0, min_wage: int = MIN) -> MonthInfo:
    return MonthInfo(m, wage, min_wage, taken)


# --- profiles --------------------------------------------------------------------------------


def test_profiles() -> None:
    assert get_profile() is CN and get_profile("CN") is CN and get_profile("none") is NONE
    assert CN.code == "CN" and NONE.code == "none"
    assert isinstance(CN.effective_from, date)
    with pytest.raises(ValueError, match="known: CN, none"):
        get_profile("HK")


# --- the monthly cap -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "min_wage", "cap", "binding"),
    [
        (500_000, MIN, 100_000, CapBinding.PERCENT),  # 20% binds
        (260_000, MIN, 24_000, CapBinding.FLOOR),  # 20% would be 52,000; floor leaves 24,000
        (295_000, MIN, 59_000, CapBinding.PERCENT),  # both limits equal: 20% reported
        (MIN, MIN, 0, CapBinding.FLOOR),
        (200_000, MIN, 0, CapBinding.FLOOR),  # wage below the minimum: nothing
        (0, MIN, 0, CapBinding.FLOOR),
        (333_333, 0, 66_666, CapBinding.PERCENT),  # rounded down to the fen
        (4, 0, 0, CapBinding.PERCENT),
    ],
)
def test_cn_cap(wage: int, min_wage: int, cap: int, binding: CapBinding) -> None:
    result = CN.deduction_cap(wage, min_wage)
    assert (result.cap_fen, result.binding) == (cap, binding)
    assert result.percent_cap_fen == wage * 20 // 100
    assert result.above_floor_fen == max(wage - min_wage, 0)


def test_cap_explains_itself() -> None:
    zh = CN.deduction_cap(260_000, MIN).explain_zh()
    assert "¥52,000.00" not in zh and "¥520.00" in zh and "¥240.00" in zh and "最低工资保底" in zh
    en = CN.deduction_cap(500_000, MIN).explain_en()
    assert "¥1,000.00" in en and "the 20% limit binds" in en


def test_profile_none_takes_at_most_the_whole_wage() -> None:
    cap = NONE.deduction_cap(200_000, MIN)
    assert (cap.cap_fen, cap.binding, cap.percent_cap_fen) == (200_000, CapBinding.WAGE, None)


@pytest.mark.parametrize(("wage", "min_wage"), [(-1, 0), (100, -1)])
def test_negative_money_is_rejected(wage: int, min_wage: int) -> None:
    with pytest.raises(ValueError):
        CN.deduction_cap(wage, min_wage)
    with pytest.raises(ValueError):
        NONE.deduction_cap(wage, min_wage)


# --- schedules -------------------------------------------------------------------------------


def test_damage_compensation_runs_over_three_months() -> None:
    schedule = CN.plan_deductions(
        [Obligation(1, 250_000, APR, "照价赔偿")],
        start=APR,
        wages={date(2020, 1, 1): 500_000},
        min_wages={date(2025, 7, 1): MIN},
    )
    assert [(m.month, m.taken_fen, m.carried_forward_fen) for m in schedule.months] == [
        (APR, 100_000, 150_000),
        (MAY, 100_000, 50_000),
        (JUN, 50_000, 0),
    ]
    [plan] = schedule.obligations
    assert [i.amount_fen for i in plan.instalments] == [100_000, 100_000, 50_000]
    assert (plan.taken_fen, plan.remaining_fen, schedule.complete) == (250_000, 0, True)
    zh = schedule.explanation_zh()
    assert zh[0].startswith("2026-04:") and "扣 #1 照价赔偿 ¥1,000.00" in zh[0]
    assert "结转 ¥1,500.00" in zh[0]
    assert "take ¥500.00 for #1 照价赔偿" in schedule.explanation_en()[2]


def test_two_deductions_share_one_cap_oldest_first() -> None:
    older = Obligation(7, 150_000, APR, "R11")
    newer = Obligation(3, 80_000, MAY, "R12")
    schedule = CN.schedule_deductions([newer, older], [month(APR), month(MAY), month(JUN)])
    assert [[(i.obligation_id, i.amount_fen) for i in m.instalments] for m in schedule.months] == [
        [(7, 100_000)],
        [(7, 50_000), (3, 50_000)],
        [(3, 30_000)],
    ]
    assert all(m.taken_fen <= m.cap.cap_fen for m in schedule.months)
    assert [o.obligation.id for o in schedule.obligations] == [7, 3]
    assert schedule.complete


def test_already_taken_reduces_the_months_cap() -> None:
    schedule = CN.schedule_deductions(
        [Obligation(1, 100_000, APR)], [month(APR, taken=70_000), month(MAY)]
    )
    apr, may = schedule.months
    assert (apr.available_fen, apr.taken_fen, apr.carried_forward_fen) == (30_000, 30_000, 70_000)
    assert may.taken_fen == 70_000
    assert "本月已扣 ¥700.00,尚可扣 ¥300.00" in schedule.explanation_zh()[0]


def test_executed_instalments_above_a_lowered_cap_are_flagged() -> None:
    schedule = CN.schedule_deductions([Obligation(1, 10_000, APR)], [month(APR, 260_000, 50_000)])
    [apr] = schedule.months
    assert (apr.available_fen, apr.taken_fen, apr.over_cap_fen) == (0, 0, 26_000)
    assert "须人工处理" in schedule.explanation_zh()[0]


def test_months_running_out_leave_a_remainder() -> None:
    schedule = CN.schedule_deductions(
        [Obligation(1, 250_000, APR, "照价赔偿"), Obligation(2, 5_000, JUN)],
        [month(APR), month(MAY)],
    )
    assert [(o.taken_fen, o.remaining_fen) for o in schedule.obligations] == [
        (200_000, 50_000),
        (0, 5_000),
    ]
    assert schedule.remaining_fen == 55_000 and not schedule.complete
    assert schedule.months[-1].carried_forward_fen == 50_000  # #2 has not started yet
    assert "尚余 ¥500.00" in schedule.explanation_zh()[-2]


def test_wage_below_the_minimum_never_pays_off() -> None:
    schedule = CN.plan_deductions(
        [Obligation(1, 1_000, APR)], start=APR, wages={APR: 200_000}, min_wages={APR: MIN}
    )
    assert len(schedule.months) == 120
    assert schedule.remaining_fen == 1_000


def test_plan_uses_effective_dated_wages_and_minimums() -> None:
    schedule = CN.plan_deductions(
        [Obligation(1, 200_000, APR)],
        start=date(2026, 4, 17),
        wages={date(2025, 1, 1): 300_000, MAY: 500_000},
        min_wages={date(2025, 1, 1): 250_000, JUN: 280_000},
        already_taken={MAY: 40_000},
    )
    # APR: min(60,000, 50,000); MAY: 100,000 - 40,000; JUN: rest.
    assert [m.taken_fen for m in schedule.months] == [50_000, 60_000, 90_000]
    assert [m.cap.min_wage_fen for m in schedule.months] == [250_000, 250_000, 280_000]


def test_months_from() -> None:
    months = months_from(
        date(2026, 11, 20), 3, wages={}, min_wages={APR: MIN}, default_wage_fen=400_000
    )
    assert [m.month for m in months] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert {m.wage_fen for m in months} == {400_000}
    with pytest.raises(ValueError, match="minimum wage"):
        months_from(APR, 1, wages={APR: 1}, min_wages={MAY: MIN})
    with pytest.raises(ValueError, match="wage"):
        months_from(APR, 1, wages={}, min_wages={APR: MIN})


@pytest.mark.parametrize(
    ("obligations", "months"),
    [
        ([Obligation(1, 1, APR), Obligation(1, 2, APR)], [month(APR)]),
        ([Obligation(1, 1, APR)], [month(MAY), month(APR)]),
        ([Obligation(1, 1, APR)], [month(APR), month(APR)]),
    ],
)
def test_schedule_rejects_bad_input(obligations: list[Obligation], months: list[MonthInfo]) -> None:
    with pytest.raises(ValueError):
        CN.schedule_deductions(obligations, months)


def test_records_reject_bad_values() -> None:
    with pytest.raises(ValueError):
        Obligation(1, -1, APR)
    with pytest.raises(ValueError):
        Obligation(1, 1, date(2026, 4, 2))
    with pytest.raises(ValueError):
        MonthInfo(APR, 100, MIN, -1)


def test_profile_none_takes_the_whole_wage_at_once() -> None:
    schedule = NONE.schedule_deductions([Obligation(1, 250_000, APR)], [month(APR), month(MAY)])
    assert [m.taken_fen for m in schedule.months] == [250_000, 0]


# --- economic compensation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hire", "end", "months", "amount"),
    [
        (date(2020, 1, 1), date(2023, 5, 31), Fraction(7, 2), 1_750_000),  # 3 y 5 m
        (date(2020, 1, 1), date(2023, 6, 30), Fraction(4), 2_000_000),  # 3 y 6 m
        (date(2023, 1, 1), date(2023, 4, 30), Fraction(1, 2), 250_000),  # 4 months
        (date(2020, 1, 1), date(2022, 12, 31), Fraction(3), 1_500_000),  # exactly 3 years
        (date(2020, 1, 1), date(2023, 1, 1), Fraction(7, 2), 1_750_000),  # 3 years and a day
        (date(2023, 3, 15), date(2023, 9, 14), Fraction(1), 500_000),  # exactly six months
        (date(2023, 3, 15), date(2023, 9, 13), Fraction(1, 2), 250_000),  # a day short
        (date(2023, 3, 15), date(2023, 3, 15), Fraction(1, 2), 250_000),  # one day
    ],
)
def test_economic_compensation(hire: date, end: date, months: Fraction, amount: int) -> None:
    comp = CN.economic_compensation(hire, end, 500_000)
    assert comp.months == months and comp.amount_fen == amount and comp.statutory
    wrongful = CN.wrongful_dismissal_cost(hire, end, 500_000)
    assert wrongful.amount_fen == 2 * amount and wrongful.multiplier == 2
    assert wrongful.months == months
    assert "第八十七条" in wrongful.explanation_zh[-1]


def test_compensation_rounds_down_to_the_fen() -> None:
    comp = CN.economic_compensation(date(2023, 1, 1), date(2023, 2, 1), 333_333)
    assert comp.amount_fen == 166_666


def test_compensation_explains_the_arithmetic() -> None:
    comp = CN.economic_compensation(date(2020, 1, 1), date(2023, 5, 31), 500_000)
    zh, en = "".join(comp.explanation_zh), " ".join(comp.explanation_en)
    assert "3 年 5 个月" in zh and "第四十七条" in zh and "¥5,000.00 × 3.5 = ¥17,500.00" in zh
    assert "3 years 5 months" in en and "art. 47" in en
    assert "三倍" in zh  # says the average-wage cap was not checked


def test_compensation_cap_at_three_times_the_average_wage() -> None:
    comp = CN.economic_compensation(
        date(2005, 1, 1), date(2024, 12, 31), 3_000_000, average_wage_fen=800_000
    )
    assert comp.base_wage_fen == 2_400_000 and comp.months == 12
    assert comp.amount_fen == 28_800_000
    assert any("第九十七条" in line for line in comp.explanation_zh)  # service before 2008
    uncapped = CN.economic_compensation(
        date(2015, 1, 1), date(2024, 12, 31), 500_000, average_wage_fen=800_000
    )
    assert uncapped.base_wage_fen == 500_000 and uncapped.months == 10


def test_compensation_rejects_an_end_before_the_start() -> None:
    with pytest.raises(ValueError):
        CN.economic_compensation(date(2024, 1, 2), date(2024, 1, 1), 1)


def test_profile_none_computes_no_compensation() -> None:
    comp = NONE.wrongful_dismissal_cost(date(2020, 1, 1), date(2023, 6, 30), 500_000)
    assert (comp.statutory, comp.amount_fen) == (False, 0)


# --- dismissal gates -------------------------------------------------------------------------

T = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # the incident, 10:00 in Shanghai
EFFECTIVE = T + timedelta(days=30)
GOOD: dict[str, Any] = {
    "incident_at": T,
    "rule_effective_from": date(2024, 1, 1),
    "rule_published_on": date(2023, 12, 15),
    "rulebook_ack_at": datetime(2024, 1, 5, 2, 0, tzinfo=UTC),
    "statement_step_done": True,
    "union_notified_at": T + timedelta(days=20),
    "union_reasons": "连续四次违反规章制度",
    "union_reply_at": T + timedelta(days=25),
    "effective_at": EFFECTIVE,
}
BAD: dict[str, dict[str, Any]] = {
    "rule_in_force": {"rule_effective_from": date(2026, 3, 3)},
    "rulebook_acknowledged": {"rulebook_ack_at": None},
    "statement": {"statement_step_done": False},
    "union_notified": {"union_notified_at": None},
    "union_reply": {"union_reply_at": None},
}
BLOCKING = {"rule_in_force", "statement", "union_notified", "union_reply"}


def gates(**kw: Any) -> dict[str, Any]:
    found = CN.dismissal_gates(DismissalFacts(**{**GOOD, **kw}))
    return {g.key: g for g in found}


@pytest.mark.parametrize("broken", list(itertools.product([False, True], repeat=len(BAD))))
def test_gate_combinations(broken: tuple[bool, ...]) -> None:
    changes: dict[str, Any] = {}
    for key, is_broken in zip(BAD, broken, strict=True):
        if is_broken:
            changes.update(BAD[key])
    expected_broken = {k for k, b in zip(BAD, broken, strict=True) if b}
    if "union_notified" in expected_broken:
        expected_broken.add("union_reply")  # a reply cannot come before the notice
    found = CN.dismissal_gates(DismissalFacts(**{**GOOD, **changes}))
    assert [g.key for g in found] == list(BAD)
    assert {g.key for g in found if not g.passed} == expected_broken
    assert {g.key for g in blocking_failures(found)} == expected_broken & BLOCKING
    assert {g.key for g in found if g.blocking} == BLOCKING
    assert all(g.text_zh and g.text_en and g.law_zh and g.law_en for g in found)


def test_all_gates_pass_with_dates_in_office_time() -> None:
    found = gates()
    assert all(g.passed for g in found.values())
    assert "2026-03-22 10:00" in found["union_notified"].text_zh
    assert "第四十三条" in found["union_notified"].law_zh
    assert "第四条" in found["rulebook_acknowledged"].law_zh


@pytest.mark.parametrize(
    ("change", "passed"),
    [
        ({"rule_effective_from": date(2026, 3, 2)}, True),  # in force on the day
        ({"rule_effective_from": date(2026, 3, 3)}, False),
        ({"rule_published_on": date(2026, 3, 1)}, True),
        ({"rule_published_on": date(2026, 3, 2)}, False),  # same day: not shown to precede
        # 01:00 on 3 March in Shanghai is still 2 March in UTC: the office's date counts.
        (
            {
                "incident_at": datetime(2026, 3, 2, 17, tzinfo=UTC),
                "rule_published_on": date(2026, 3, 2),
            },
            True,
        ),
    ],
)
def test_rule_in_force_and_published(change: dict[str, Any], passed: bool) -> None:
    assert gates(**change)["rule_in_force"].passed is passed


def test_acknowledgement_after_the_incident_is_a_risk_not_a_block() -> None:
    gate = gates(rulebook_ack_at=T + timedelta(hours=1))["rulebook_acknowledged"]
    assert not gate.passed and not gate.blocking
    assert "晚于事发" in gate.text_zh
    assert gates(rulebook_ack_at=T)["rulebook_acknowledged"].passed


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"union_reasons": "  "}, "没有写明解除理由"),
        ({"union_notified_at": EFFECTIVE}, "不早于解除生效"),
        ({"union_notified_at": EFFECTIVE + timedelta(days=1), "union_reply_at": None}, "不早于"),
    ],
)
def test_union_must_be_told_the_reasons_before_it_takes_effect(
    change: dict[str, Any], text: str
) -> None:
    gate = gates(**change)["union_notified"]
    assert not gate.passed and gate.blocking and text in gate.text_zh


def test_union_notice_without_a_dismissal_date_yet_passes() -> None:
    found = gates(effective_at=None)
    assert found["union_notified"].passed and found["union_reply"].passed


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"union_reply_at": T + timedelta(days=19)}, "早于通知工会"),
        ({"union_reply_at": EFFECTIVE + timedelta(minutes=1)}, "晚于解除生效"),
        ({"union_reply_at": None}, "尚未记录工会的意见"),
    ],
)
def test_union_reply_must_be_recorded_in_order(change: dict[str, Any], text: str) -> None:
    gate = gates(**change)["union_reply"]
    assert not gate.passed and gate.blocking and text in gate.text_zh


def test_profile_none_has_no_gates() -> None:
    assert NONE.dismissal_gates(DismissalFacts(**{**GOOD, **BAD["statement"]})) == ()


def test_gate_facts_reject_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        DismissalFacts(**{**GOOD, "effective_at": datetime(2026, 4, 1)})  # noqa: DTZ001
