"""Hypothesis: deduction schedules never break the cap or the floor and account for every fen."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.guardrails import (
    CN,
    NONE,
    GuardrailProfile,
    MonthInfo,
    Obligation,
    Schedule,
    add_months,
    get_profile,
    months_from,
    plan_notes,
)

START = date(2026, 1, 1)
wages = st.integers(min_value=0, max_value=3_000_000)
min_wages = st.integers(min_value=0, max_value=400_000)
profiles = st.sampled_from([CN, NONE])


@st.composite
def month_lists(draw: st.DrawFn) -> list[MonthInfo]:
    count = draw(st.integers(min_value=1, max_value=18))
    out = []
    for n in range(count):
        wage, min_wage = draw(wages), draw(min_wages)
        cap = CN.deduction_cap(wage, min_wage).cap_fen
        # Mostly what earlier instalments could lawfully take; sometimes more (a lowered cap).
        taken = draw(
            st.one_of(
                st.just(0),
                st.integers(min_value=0, max_value=cap),
                st.integers(min_value=0, max_value=wage),
            )
        )
        out.append(MonthInfo(add_months(START, n), wage, min_wage, taken))
    return out


@st.composite
def obligation_lists(draw: st.DrawFn, max_size: int = 5) -> list[Obligation]:
    size = draw(st.integers(min_value=0, max_value=max_size))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=size, max_size=size, unique=True))
    return [
        Obligation(
            id=i,
            amount_fen=draw(st.integers(min_value=0, max_value=5_000_000)),
            start_month=add_months(START, draw(st.integers(min_value=-2, max_value=8))),
        )
        for i in ids
    ]


def check_invariants(
    profile: GuardrailProfile, schedule: Schedule, months: list[MonthInfo]
) -> None:
    assert [m.month for m in schedule.months] == [m.month for m in months]
    for plan, info in zip(schedule.months, months, strict=True):
        cap = profile.deduction_cap(info.wage_fen, info.min_wage_fen).cap_fen
        assert plan.cap.cap_fen == cap
        assert plan.taken_fen >= 0 and plan.carried_forward_fen >= 0
        assert all(i.amount_fen > 0 and i.month == info.month for i in plan.instalments)
        assert plan.taken_fen == sum(i.amount_fen for i in plan.instalments)
        if info.already_taken_fen >= cap:
            assert plan.taken_fen == 0
        else:
            assert info.already_taken_fen + plan.taken_fen <= cap
        total = info.already_taken_fen + plan.taken_fen
        if profile is CN:
            assert cap * 100 <= info.wage_fen * 20  # never above 20%, rounded down
            if info.wage_fen <= info.min_wage_fen:
                assert plan.taken_fen == 0
            elif info.already_taken_fen <= cap:
                assert info.wage_fen - total >= info.min_wage_fen
        else:
            assert plan.taken_fen <= info.wage_fen
    by_id = {o.obligation.id: o for o in schedule.obligations}
    for ob_plan in schedule.obligations:
        ob = ob_plan.obligation
        assert ob_plan.taken_fen + ob_plan.remaining_fen == ob.amount_fen
        assert ob_plan.taken_fen == sum(i.amount_fen for i in ob_plan.instalments)
        assert ob_plan.remaining_fen >= 0
        assert all(i.month >= ob.start_month for i in ob_plan.instalments)
    # Oldest first: a newer obligation is paid in a month only once every older one that had
    # started is settled; and a month leaves nothing on the table while anything is owed.
    owed = {o.obligation.id: o.obligation.amount_fen for o in schedule.obligations}
    order = [o.obligation for o in schedule.obligations]
    for plan in schedule.months:
        for inst in plan.instalments:
            owed[inst.obligation_id] -= inst.amount_fen
        started = [o for o in order if o.start_month <= plan.month]
        paid_ids = {i.obligation_id for i in plan.instalments}
        for n, ob in enumerate(started):
            if ob.id in paid_ids:
                assert all(owed[older.id] == 0 for older in started[:n])
        if plan.taken_fen < plan.available_fen:
            assert all(owed[o.id] == 0 for o in started)
        assert plan.carried_forward_fen == sum(owed[o.id] for o in started)
    assert owed == {i: p.remaining_fen for i, p in by_id.items()}


@settings(max_examples=300, deadline=None)
@given(profiles, obligation_lists(), month_lists())
def test_schedule_invariants(
    profile: GuardrailProfile, obligations: list[Obligation], months: list[MonthInfo]
) -> None:
    schedule = profile.schedule_deductions(obligations, months)
    check_invariants(profile, schedule, months)
    assert schedule.profile_code == profile.code
    assert sum(o.amount_fen for o in obligations) == (
        sum(m.taken_fen for m in schedule.months) + schedule.remaining_fen
    )


@settings(max_examples=200, deadline=None)
@given(profiles, obligation_lists(max_size=4), month_lists(), st.integers(0, 5_000_000))
def test_adding_a_newer_obligation_leaves_older_instalments_alone(
    profile: GuardrailProfile, obligations: list[Obligation], months: list[MonthInfo], amount: int
) -> None:
    before = profile.schedule_deductions(obligations, months)
    latest = max((o.start_month for o in obligations), default=START)
    newer = Obligation(max((o.id for o in obligations), default=0) + 1, amount, latest)
    after = profile.schedule_deductions([*obligations, newer], months)
    check_invariants(profile, after, months)
    assert after.obligations[: len(before.obligations)] == before.obligations
    assert after.remaining_fen + sum(m.taken_fen for m in after.months) == (
        before.remaining_fen + sum(m.taken_fen for m in before.months) + amount
    )
    for old, new in zip(before.months, after.months, strict=True):
        assert new.taken_fen >= old.taken_fen
        assert new.instalments[: len(old.instalments)] == old.instalments


@settings(max_examples=200, deadline=None)
@given(wages, min_wages)
def test_cn_cap_is_the_lesser_of_twenty_percent_and_the_room_above_the_floor(
    wage: int, min_wage: int
) -> None:
    cap = CN.deduction_cap(wage, min_wage)
    assert 0 <= cap.cap_fen <= wage
    assert cap.cap_fen == min(wage * 20 // 100, max(wage - min_wage, 0))
    assert (wage - cap.cap_fen >= min_wage) or cap.cap_fen == 0
    assert NONE.deduction_cap(wage, min_wage).cap_fen == wage


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 2_000_000), min_size=1, max_size=4),
    st.integers(300_000, 2_000_000),
    st.integers(0, 299_999),
)
def test_plan_pays_everything_when_the_cap_is_positive(
    amounts: list[int], wage: int, min_wage: int
) -> None:
    obligations = [Obligation(n + 1, a, START) for n, a in enumerate(amounts)]
    schedule = get_profile("CN").plan_deductions(
        obligations, start=START, wages={START: wage}, min_wages={START: min_wage}
    )
    cap = CN.deduction_cap(wage, min_wage).cap_fen
    needed = -(-sum(amounts) // cap)  # ceiling division
    assert schedule.complete == (needed <= 120)
    assert len(schedule.months) == min(needed, 120)
    assert all(m.taken_fen == cap for m in schedule.months[:-1])


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2008, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(0, 12_000),
    st.integers(0, 3_000_000),
)
def test_compensation_grows_with_service_and_wrongful_is_double(
    hire: date, days: int, wage: int
) -> None:
    end = hire + timedelta(days=days)
    comp = CN.economic_compensation(hire, end, wage)
    longer = CN.economic_compensation(hire, end + timedelta(days=1), wage)
    assert comp.half_months >= 1 and longer.half_months >= comp.half_months
    assert comp.half_months <= 2 * (days // 365 + 1)
    assert comp.amount_fen == comp.half_months * wage // 2
    assert CN.wrongful_dismissal_cost(hire, end, wage).amount_fen == 2 * comp.amount_fen


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 1_000_000),
    st.integers(1, 400_000),
    st.integers(1, 500_000),
    st.integers(1, 24),
    st.one_of(st.none(), st.integers(0, 23)),
)
def test_plan_notes_say_exactly_what_pay_cannot_do(
    wage: int, min_wage: int, owed: int, months: int, leaves_after: int | None
) -> None:
    """Words follow the figures: a zero cap, a plan past 12 months, a balance left over."""
    count = months if leaves_after is None else min(months, leaves_after + 1)
    info = months_from(START, count, wages={START: wage}, min_wages={START: min_wage})
    schedule = CN.schedule_deductions([Obligation(1, owed, START)], info)
    last = add_months(START, count - 1) if leaves_after is not None else None
    keys = [n.key for n in plan_notes(schedule, last_pay_month=last)]
    cap = CN.deduction_cap(wage, min_wage).cap_fen
    assert ("nothing_taken" in keys) == (cap == 0)
    assert schedule.remaining_fen == max(owed - cap * count, 0)
    left = schedule.remaining_fen > 0
    assert ("unrecovered" in keys) == (left and last is not None)
    assert ("unscheduled" in keys) == (left and last is None)
    assert ("long" in keys) == (not left and -(-owed // cap if cap else 0) > 12)
    # Every figure in a note is integer fen shown as yuan: the cap's own arithmetic.
    if cap == 0 and wage:
        assert f"{wage // 100:,}.{wage % 100:02d}" in plan_notes(schedule)[0].text_zh
