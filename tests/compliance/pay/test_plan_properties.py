"""Property test on the stored plan: cap, floor, oldest first, and nothing lost or invented."""

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from compliance.pay.models import Instalment, InstalmentStatus
from compliance.pay.schedule import replan
from compliance.pay.service import create_deductions_for_case
from policies.guardrails import add_months
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case, plan, set_wage
from tests.conftest import as_role

APRIL = date(2026, 4, 1)


def _in_force(lines: dict[date, int], month: date) -> int:
    return lines[max(d for d in lines if d <= month)]


def _cap(wage: int, floor: int) -> int:
    # Written out again on purpose: the test must not trust the code under test.
    return max(0, min(wage * 20 // 100, wage - floor))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    wage=st.integers(0, 1_500_000),
    raises=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 1_500_000)), max_size=2),
    floor=st.integers(100_000, 400_000),
    amounts=st.lists(st.integers(1, 3_000_000), min_size=1, max_size=4),
    taken_months=st.integers(0, 3),
)
def test_stored_plan_obeys_cap_floor_and_adds_up(
    ctx, office, wage, raises, floor, amounts, taken_months
):
    hr = as_role(ctx, office, "hr")
    staff = office.staff[0]
    nested = hr.session.begin_nested()
    try:
        add_min_wage(hr.session, floor)
        set_wage(hr.session, staff, wage)
        wages = {date(2023, 5, 1): wage}
        for offset, fen in raises:
            start = add_months(APRIL, offset)
            set_wage(hr.session, staff, fen, start=start)
            wages[start] = fen
        deductions = []
        for i, fen in enumerate(amounts):
            case, proposal = make_case(hr.session, office, staff, compensation(fen))
            deductions += create_deductions_for_case(hr, case, proposal)
            if i == 0 and taken_months:
                # Some months of the first deduction were taken before the others came.
                hr.session.execute(
                    update(Instalment)
                    .where(Instalment.month < add_months(APRIL, taken_months))
                    .values(status=InstalmentStatus.TAKEN.value)
                )
        stored = plan(hr.session, staff.id)
        schedule = replan(hr, staff.id, APRIL)
        assert plan(hr.session, staff.id) == stored  # replanning is idempotent

        per_month: dict[date, int] = defaultdict(int)
        per_deduction: dict[int, int] = defaultdict(int)
        for month, did, fen, _ in stored:
            assert fen > 0
            m = date.fromisoformat(month + "-01")
            per_month[m] += fen
            per_deduction[did] += fen
        for m, total in per_month.items():
            w = _in_force(wages, m)
            assert total <= _cap(w, floor), m
            assert w - total >= floor, m

        remaining = {o.obligation.id: o.remaining_fen for o in schedule.obligations}
        for d in deductions:
            assert per_deduction[d.id] + remaining.get(d.id, 0) == d.amount_fen

        # Work-conserving: every month before the last one used is filled to its cap, except
        # a month something was already taken in (it is settled: nothing is added to it).
        settled = {date.fromisoformat(m + "-01") for m, _, _, status in stored if status == "taken"}
        if per_month:
            last = max(per_month)
            m = APRIL
            while m < last:
                if m not in settled:
                    assert per_month[m] == _cap(_in_force(wages, m), floor), m
                m = add_months(m, 1)

        # Oldest first: a younger deduction is served in a month only once older ones are paid.
        paid_by: dict[int, int] = defaultdict(int)
        order = [d.id for d in deductions]
        for month in sorted({m for m, *_ in stored}):
            rows = [r for r in stored if r[0] == month]
            for _, did, fen, _ in rows:
                paid_by[did] += fen
            served = [order.index(did) for _, did, _, _ in rows]
            for older in order[: max(served)]:
                assert paid_by[older] == next(d.amount_fen for d in deductions if d.id == older)
    finally:
        nested.rollback()
