"""Return visits (第2篇 4、): the five-level rating and what it means for the satisfaction rate,
the topic written one way, the checks on what a visit points at, and the month's list."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from compliance.errors import Forbidden, ValidationFailed
from compliance.service import return_visits as rv
from compliance.service.models import ServiceCall, ServiceOrder
from tests.compliance.service.helpers_visits import front_desk, visit
from tests.conftest import NOW, as_role

MARCH = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_each_rating_has_its_words_and_only_4_and_5_are_satisfied():
    assert [rv.rating_word(r) for r in (5, 4, 3, 2, 1, None)] == [
        "Very satisfied",
        "Satisfied (rating)",
        "Neither satisfied nor dissatisfied",
        "Dissatisfied",
        "Very dissatisfied",
        "No valid answer",
    ]
    assert [rv.is_satisfied(r) for r in (5, 4, 3, 2, 1, None)] == [
        True, True, False, False, False, False,
    ]  # fmt: skip
    assert rv.is_valid_answer(1) and not rv.is_valid_answer(None)


def test_no_valid_answer_counts_in_neither_part_of_the_rate(ctx, office):
    for unit, rating in zip(office.units, (5, 4, 3, None), strict=True):
        visit(ctx, unit, MARCH, rating=rating)
    visit(ctx, office.units[0], MARCH + timedelta(hours=1), rating=1)
    page, summary = rv.list_visits(ctx, rv.VisitFilters())
    assert (summary.visits, summary.households, summary.valid, summary.satisfied) == (5, 4, 4, 2)
    assert summary.rate_tenths == 500  # 2 satisfied of 4 valid answers; None left out
    assert [v.rating for v in page.rows][:1] == [1]  # newest first


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(ctx, office, rating):
    with pytest.raises(ValidationFailed) as exc:
        visit(ctx, office.units[0], MARCH, rating=rating)
    assert exc.value.errors[0].field == "rating"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("电梯 噪音。", "电梯噪音"),
        ("  电梯噪音  ", "电梯噪音"),
        ("【电梯噪音】", "电梯噪音"),
        ("ＷＩＦＩ 信号", "wifi信号"),
        ("parking  fees!", "parking fees"),
        ("", ""),
        ("。。", ""),
    ],
)
def test_a_topic_is_written_one_way(typed, stored):
    assert rv.normalise_topic(typed) == stored


def test_the_topic_is_stored_normalised_and_offered_back(ctx, office):
    visit(ctx, office.units[0], MARCH, topic="电梯 噪音。")
    visit(ctx, office.units[1], MARCH, topic="电梯噪音")
    visit(ctx, office.units[2], MARCH, topic="绿化")
    assert rv.office_topics(ctx) == ["电梯噪音", "绿化"]
    _page, summary = rv.list_visits(ctx, rv.VisitFilters(topic="电梯噪音 "))
    assert summary.visits == 2


def _order(ctx, office, unit) -> ServiceOrder:
    row = ServiceOrder(
        office_id=office.office.id, number="WO-1", kind="repair", channel="phone",
        unit_id=unit.id, received_at=MARCH - timedelta(days=1), created_at=MARCH,
    )  # fmt: skip
    ctx.session.add(row)
    ctx.session.flush()
    return row


def test_the_work_order_must_be_about_the_visited_unit(ctx, office):
    order = _order(ctx, office, office.units[0])
    with pytest.raises(ValidationFailed) as exc:
        visit(ctx, office.units[1], MARCH, order_id=order.id)
    assert [e.field for e in exc.value.errors] == ["order_id"]
    done = visit(ctx, office.units[0], MARCH, order_id=order.id)
    assert done.order_id == order.id
    assert [o.number for o in rv.recent_orders(ctx, office.units[0].id)] == ["WO-1"]
    assert rv.recent_orders(ctx, office.units[1].id) == []


def test_a_phone_visit_logs_its_outgoing_call(ctx, office):
    done = visit(ctx, office.units[0], MARCH, log_call=True, call_seconds=95)
    call = ctx.session.execute(
        select(ServiceCall).where(col(ServiceCall.id) == done.call_id)
    ).scalar_one()
    assert (call.direction, call.duration_seconds, call.unit_id) == ("out", 95, office.units[0].id)
    assert call.called_at == MARCH
    again = visit(ctx, office.units[1], MARCH, call_id=call.id)
    assert again.call_id == call.id


def test_an_incoming_call_or_a_call_in_person_is_refused(ctx, office):
    incoming = ServiceCall(office_id=office.office.id, called_at=MARCH, direction="in",
                           created_at=MARCH)  # fmt: skip
    ctx.session.add(incoming)
    ctx.session.flush()
    with pytest.raises(ValidationFailed) as exc:
        visit(ctx, office.units[0], MARCH, call_id=incoming.id)
    assert [e.field for e in exc.value.errors] == ["call_id"]
    with pytest.raises(ValidationFailed):
        visit(ctx, office.units[0], MARCH, method="in_person", log_call=True)


def test_a_visit_in_the_future_is_refused(ctx, office):
    with pytest.raises(ValidationFailed) as exc:
        visit(ctx, office.units[0], NOW + timedelta(minutes=6))
    assert exc.value.errors[0].field == "visited_at"
    assert visit(ctx, office.units[0], NOW).visited_at == NOW


def test_the_front_desk_and_managers_record_visits_others_do_not(ctx, office, session):
    desk = ctx.__class__(session, front_desk(session, office), ctx.clock, ctx.settings)
    assert visit(desk, office.units[0], MARCH).created_by == desk.actor.user_id
    for role in ("staff", "cashier", "hr"):
        with pytest.raises(Forbidden):
            visit(as_role(ctx, office, role), office.units[0], MARCH)


def test_the_month_is_office_time(ctx, office):
    feb_last = datetime(2026, 2, 28, 15, 59, tzinfo=UTC)  # 23:59 on 28 Feb in Shanghai
    mar_first = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 00:00 on 1 March
    visit(ctx, office.units[0], feb_last)
    visit(ctx, office.units[1], mar_first)
    march = rv.VisitFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))
    page, _ = rv.list_visits(ctx, march)
    assert [v.unit_id for v in page.rows] == [office.units[1].id]
    page, _ = rv.list_visits(ctx, rv.VisitFilters(rating="none"))
    assert page.rows == []
