"""The office calendar: Chinese public holidays and 调休 make-up workdays, never guessed.

Expected days come from the State Council's notice on the 2026 holidays (国庆节、中秋节:
10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are working days; 清明 04-04..06 off).
"""

from datetime import date

import pytest
from sqlalchemy import select

from compliance.audit.models import AuditEvent
from compliance.calendar import repository as repo
from compliance.calendar import service as calendar
from compliance.calendar.service import CalendarNotCovered
from compliance.errors import Conflict, Forbidden, GuardrailViolation, ValidationFailed
from tests.compliance.cases.helpers import act
from tests.factories import office_set

D = date


def _office(office) -> int:
    return office.office.id


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 19), False),  # Saturday
        (D(2026, 9, 20), True),  # Sunday, 调休 working day
        (D(2026, 9, 30), True),  # Wednesday before the holiday
        (D(2026, 10, 1), False),
        (D(2026, 10, 3), False),  # Saturday inside the holiday
        (D(2026, 10, 7), False),  # Wednesday, the last day off
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, 调休 working day
        (D(2026, 10, 11), False),  # Sunday
        (D(2026, 4, 6), False),  # Monday of 清明
    ],
)
def test_national_day_2026_and_its_make_up_days(session, office, day, working):
    assert calendar.is_working_day(session, _office(office), day) is working


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # over 国庆
        (D(2026, 9, 29), 3, D(2026, 10, 9)),  # 09-30, 10-08, 10-09
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # the make-up Saturday counts
        (D(2026, 9, 18), 3, D(2026, 9, 22)),  # Sunday 09-20 counts: 09-20, 09-21, 09-22
        (D(2026, 4, 2), 3, D(2026, 4, 8)),  # over 清明: 04-03, 04-07, 04-08
        (D(2026, 3, 30), 3, D(2026, 4, 2)),  # an ordinary week
        (D(2026, 10, 2), 0, D(2026, 10, 2)),
    ],
)
def test_adding_working_days(session, office, start, n, due):
    assert calendar.add_working_days(session, _office(office), start, n) == due


def test_working_days_between(session, office):
    o = _office(office)
    assert calendar.working_days_between(session, o, D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert calendar.working_days_between(session, o, D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert calendar.working_days_between(session, o, D(2026, 10, 8), D(2026, 10, 8)) == 0
    assert calendar.next_working_day(session, o, D(2026, 10, 3)) == D(2026, 10, 8)
    assert calendar.period_end(session, o, D(2026, 9, 28), 7) == D(2026, 10, 8)
    assert calendar.period_end(session, o, D(2026, 3, 31), 7) == D(2026, 4, 7)


def test_a_package_year_is_copied_into_the_office_calendar_on_first_use(session, office):
    o = _office(office)
    assert repo.year_row(session, o, 2026) is None
    calendar.is_working_day(session, o, D(2026, 10, 1))
    entered = repo.year_row(session, o, 2026)
    assert entered is not None and entered.source == "chinesecalendar"
    national = repo.day_row(session, o, D(2026, 10, 1))
    assert national is not None and (national.kind, national.name) == ("holiday", "国庆节")
    make_up = repo.day_row(session, o, D(2026, 10, 10))
    assert make_up is not None and make_up.kind == "workday"


def test_an_unentered_year_is_refused_with_what_to_enter(session, office):
    # chinesecalendar 1.11 stops at 2026: 春节 2027 is not in it.
    with pytest.raises(CalendarNotCovered) as err:
        calendar.add_working_days(session, _office(office), D(2027, 2, 3), 3)
    assert err.value.year == 2027
    zh = err.value.text("zh")
    assert "2027 年的节假日安排尚未录入" in zh and "国务院办公厅" in zh
    assert "compliance calendar set 2027-" in zh and "confirm-year 2027" in zh
    assert "compliance calendar set 2027-" in str(err.value)
    assert repo.year_row(session, _office(office), 2027) is None
    # A deadline that stays inside 2026 is counted; one that crosses into 2027 is refused.
    assert calendar.add_working_days(session, _office(office), D(2026, 12, 28), 3) == D(
        2026, 12, 31
    )
    with pytest.raises(CalendarNotCovered):
        calendar.add_working_days(session, _office(office), D(2026, 12, 29), 3)


def _enter_spring_festival_2027(ctx, office) -> None:
    # An admin's entry from the notice (example figures for the test): 02-06..02-12 off,
    # Saturday 02-13 worked.
    admin = act(ctx, office, "admin")
    for day in range(6, 13):
        calendar.set_day(admin, D(2027, 2, day), "holiday", "春节")
    calendar.set_day(admin, D(2027, 2, 13), "workday", "春节")
    calendar.set_day(admin, D(2027, 1, 1), "holiday", "元旦")


def test_an_admin_entered_year_counts_once_confirmed(ctx, office):
    o = _office(office)
    _enter_spring_festival_2027(ctx, office)
    with pytest.raises(CalendarNotCovered):  # entered but not declared complete: refused
        calendar.add_working_days(ctx.session, o, D(2027, 2, 5), 1)
    calendar.confirm_year(act(ctx, office, "admin"), 2027, "国办发明电〔2026〕示例号")
    assert calendar.add_working_days(ctx.session, o, D(2027, 2, 5), 1) == D(2027, 2, 13)
    assert calendar.add_working_days(ctx.session, o, D(2027, 2, 5), 2) == D(2027, 2, 15)
    assert not calendar.is_working_day(ctx.session, o, D(2027, 2, 8))  # Monday off
    assert calendar.is_working_day(ctx.session, o, D(2027, 3, 1))  # an ordinary Monday
    row = repo.year_row(ctx.session, o, 2027)
    assert row is not None and row.source == "admin" and "国办发明电" in row.basis
    actions = set(
        ctx.session.execute(
            select(AuditEvent.action).where(AuditEvent.action.like("calendar.%"))
        ).scalars()
    )
    assert actions == {"calendar.day_set", "calendar.year_confirmed"}


def test_confirming_a_year_needs_its_holidays_and_an_admin(ctx, office):
    admin = act(ctx, office, "admin")
    with pytest.raises(GuardrailViolation, match="no public holiday of 2028"):
        calendar.confirm_year(admin, 2028, "国办发明电〔2027〕示例号")
    with pytest.raises(ValidationFailed, match="basis"):
        calendar.confirm_year(admin, 2028, "  ")
    for role in ("hr", "manager", "staff"):
        with pytest.raises(Forbidden):
            calendar.set_day(act(ctx, office, role), D(2028, 1, 1), "holiday", "元旦")
    with pytest.raises(ValidationFailed, match="kind"):
        calendar.set_day(admin, D(2028, 1, 1), "day_off", "元旦")
    assert calendar.show_year(ctx.session, _office(office), 2028).days == []


def test_importing_a_year_from_the_package(ctx, office):
    admin = act(ctx, office, "admin")
    added = calendar.import_year(admin, 2025)
    assert added == len(calendar.package_days(2025)) > 20
    with pytest.raises(Conflict):
        calendar.import_year(admin, 2025)
    with pytest.raises(GuardrailViolation, match="not 2027"):
        calendar.import_year(admin, 2027)


def test_an_admin_correction_in_a_covered_year_wins(ctx, office):
    o = _office(office)
    assert calendar.is_working_day(ctx.session, o, D(2026, 10, 9))
    calendar.set_day(act(ctx, office, "admin"), D(2026, 10, 9), "holiday", "本处调休")
    assert not calendar.is_working_day(ctx.session, o, D(2026, 10, 9))
    assert calendar.add_working_days(ctx.session, o, D(2026, 9, 30), 2) == D(2026, 10, 10)


def test_each_office_keeps_its_own_calendar(ctx, office):
    other = office_set(ctx.session, code="LJY")
    calendar.set_day(act(ctx, office, "admin"), D(2026, 10, 9), "holiday", "本处调休")
    assert calendar.is_working_day(ctx.session, other.office.id, D(2026, 10, 9))
