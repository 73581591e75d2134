"""Per-city minimum wages with effective dates; the example figure only through seeding."""

from datetime import date

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.pay.models import MinimumWage
from compliance.pay.service import (
    EXAMPLE_MINIMUM_WAGE,
    list_minimum_wages,
    minimum_wage_on,
    seed_example_minimum_wage,
    set_minimum_wage,
)
from tests.conftest import NOW, as_role


@pytest.fixture
def admin(ctx, office):
    return as_role(ctx, office, "admin")


def test_admin_sets_and_the_figure_in_force_is_picked(admin, office, session):
    first = set_minimum_wage(admin, "深圳", 236_000, date(2024, 1, 1), "深人社规〔2023〕")
    set_minimum_wage(admin, "深圳", 252_000, "2025-07-01")
    set_minimum_wage(admin, "广州", 230_000, date(2024, 3, 1))
    assert (first.city, first.monthly_fen, first.note) == ("深圳", 236_000, "深人社规〔2023〕")
    assert minimum_wage_on(session, "深圳", date(2023, 12, 31)) is None
    assert minimum_wage_on(session, "深圳", date(2024, 1, 1)) == 236_000
    assert minimum_wage_on(session, "深圳", date(2025, 6, 30)) == 236_000
    assert minimum_wage_on(session, "深圳", date(2026, 3, 1)) == 252_000
    assert minimum_wage_on(session, "广州", date(2026, 3, 1)) == 230_000
    rows = list_minimum_wages(as_role(admin, office, "hr"), "深圳")
    assert [(r.effective_from, r.monthly_fen) for r in rows] == [
        (date(2024, 1, 1), 236_000),
        (date(2025, 7, 1), 252_000),
    ]
    actions = session.execute(
        select(AuditEvent.action).where(AuditEvent.action == "minimum_wage.set")
    ).scalars()
    assert len(list(actions)) == 3


def test_duplicate_city_and_date_is_refused(admin, session):
    set_minimum_wage(admin, "深圳", 236_000, date(2024, 1, 1))
    with pytest.raises(ValidationFailed) as err:
        set_minimum_wage(admin, "深圳", 240_000, date(2024, 1, 1))
    assert err.value.errors[0].field == "effective_from"
    assert session.execute(select(func.count()).select_from(MinimumWage)).scalar_one() == 1


@pytest.mark.parametrize(
    ("fen", "field"),
    [(0, "monthly_fen"), (-1, "monthly_fen"), (2360.5, "monthly_fen"), ("x", "monthly_fen")],
)
def test_amount_must_be_positive_whole_fen(admin, fen, field):
    with pytest.raises(ValidationFailed) as err:
        set_minimum_wage(admin, "深圳", fen, date(2024, 1, 1))
    assert err.value.errors[0].field == field


def test_city_is_required(admin):
    with pytest.raises(ValidationFailed) as err:
        set_minimum_wage(admin, "  ", 236_000, date(2024, 1, 1))
    assert err.value.errors[0].field == "city"


@pytest.mark.parametrize("role", ["hr", "manager", "director", "cashier", "staff"])
def test_only_admin_sets_minimum_wage(ctx, office, role):
    with pytest.raises(Forbidden):
        set_minimum_wage(as_role(ctx, office, role), "深圳", 236_000, date(2024, 1, 1))


@pytest.mark.parametrize("role", ["cashier", "staff"])
def test_staff_and_cashiers_do_not_list(ctx, office, role):
    with pytest.raises(Forbidden):
        list_minimum_wages(as_role(ctx, office, role))


def test_example_figure_is_seeded_once_and_labelled(session):
    row = seed_example_minimum_wage(session, NOW)
    assert row is not None and (row.city, row.monthly_fen) == ("深圳", 236_000)
    assert row.note.startswith("示例数据：")
    assert seed_example_minimum_wage(session, NOW) is None
    assert minimum_wage_on(session, "深圳", date(2026, 3, 1)) == EXAMPLE_MINIMUM_WAGE.monthly_fen
