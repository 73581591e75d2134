"""Plans say in words, with the figures, when pay cannot take money (《工资支付暂行规定》第十六条).

Cap = min(wage × 20 // 100, wage − minimum wage): zero when the wage is at or below the
minimum; a plan longer than 12 months and a balance left after the last pay month are said too.
"""

from datetime import date

import pytest

from policies.guardrails import CN, Obligation, add_months, months_from, plan_notes

START = date(2026, 4, 1)
MIN = 236_000


def _schedule(wage: int, owed: int, months: int = 24):
    info = months_from(START, months, wages={date(2020, 1, 1): wage}, min_wages={START: MIN})
    return CN.schedule_deductions([Obligation(1, owed, START, "案件")], info)


def test_wage_equal_to_the_minimum_takes_nothing_and_says_so_with_the_figures():
    notes = plan_notes(_schedule(MIN, 50_000, months=12))
    assert [n.key for n in notes] == ["nothing_taken", "unscheduled"]
    zh = notes[0].text_zh
    assert zh.startswith("2026-04 至 2027-03 每月无法扣款")
    assert "工资 ¥2,360.00 = 当地最低工资标准 ¥2,360.00" in zh
    assert "第十六条" in zh
    assert "wage ¥2,360.00 = the local minimum wage ¥2,360.00" in notes[0].text_en
    assert "¥500.00" in notes[1].text_zh


def test_wage_below_the_minimum_says_less_than():
    notes = plan_notes(_schedule(MIN - 1, 50_000, months=1))
    assert "工资 ¥2,359.99 < 当地最低工资标准 ¥2,360.00" in notes[0].text_zh
    assert notes[0].text_zh.startswith("2026-04无法扣款")


def test_one_fen_above_the_minimum_can_take_one_fen_a_month_no_zero_cap_note():
    # 20% of ¥2,360.01 is ¥472.00 but only ¥0.01 is above the floor: the floor binds.
    schedule = _schedule(MIN + 1, 3, months=12)
    assert [(i.month, i.amount_fen) for i in schedule.obligations[0].instalments] == [
        (START, 1),
        (add_months(START, 1), 1),
        (add_months(START, 2), 1),
    ]
    assert plan_notes(schedule) == ()


@pytest.mark.parametrize(
    ("owed", "months", "long"),
    [
        (12 * 14_000, 12, False),  # exactly 12 months: no note
        (12 * 14_000 + 1, 13, True),  # one fen more runs into a 13th month
        (200_000, 15, True),
    ],
)
def test_a_plan_beyond_twelve_months_is_said(owed, months, long):
    # Wage ¥2,500: 20% is ¥500 but only ¥140 above the floor, so ¥140 a month.
    notes = plan_notes(_schedule(250_000, owed))
    assert [n.key for n in notes] == (["long"] if long else [])
    if long:
        assert f"扣款计划共 {months} 个月" in notes[0].text_zh
        assert "超过 12 个月" in notes[0].text_zh


def test_after_the_last_pay_month_the_rest_is_an_unrecovered_balance():
    # Leaving in May: two months of ¥1,000 (20% of ¥5,000), ¥3,000 left as a civil claim.
    info = months_from(START, 2, wages={START: 500_000}, min_wages={START: MIN})
    schedule = CN.schedule_deductions([Obligation(1, 500_000, START)], info)
    notes = plan_notes(schedule, last_pay_month=date(2026, 5, 1))
    assert [n.key for n in notes] == ["unrecovered"]
    assert "最后工资月为 2026-05" in notes[0].text_zh
    assert "尚余 ¥3,000.00 无法从工资中扣回" in notes[0].text_zh
    assert "民事追偿" in notes[0].text_zh
    assert "civil claim" in notes[0].text_en


def test_notes_only_for_the_obligations_asked_about():
    # One cap shared oldest first: #1 fills April and May; #2 gets nothing of the 2 months.
    info = months_from(START, 2, wages={START: 500_000}, min_wages={START: MIN})
    schedule = CN.schedule_deductions(
        [Obligation(1, 200_000, START), Obligation(2, 10_000, START)], info
    )
    assert plan_notes(schedule, obligation_ids=[1]) == ()
    [note] = plan_notes(schedule, obligation_ids=[2])
    assert (note.key, "尚余 ¥100.00" in note.text_zh) == ("unscheduled", True)
