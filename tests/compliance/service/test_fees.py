"""Fees (第2篇 6、; S15): amounts read to integer fen exactly, the quarter's collection rate
against 99% (paid ÷ billed, per household at most what it owes), arrears with the last
reminder and whether an objection is open, and who may record what."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.money import format_fen
from compliance.service import fees
from tests.conftest import as_role

Q = "2026-Q1"
PAID = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.50", 123450),
        ("¥1234.5", 123450),
        ("￥1,234.50", 123450),
        ("1234.50元", 123450),
        ("１２３４．５", 123450),
        (" 0.01 ", 1),
        ("12", 1200),
        ("RMB 99.9", 9990),
    ],
)
def test_amounts_as_billing_exports_write_them(text, fen):
    assert fees.parse_amount(text) == fen


@pytest.mark.parametrize("text", ["-12.00", "12.345", "1.2.3", "abc", "", "12,34.00", "1e3"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        fees.parse_amount(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_every_fen_amount_round_trips_through_its_written_forms(fen):
    yuan, cents = divmod(fen, 100)
    assert fees.parse_amount(format_fen(fen)) == fen
    assert fees.parse_amount(f"{yuan}.{cents:02d}") == fen
    assert fees.parse_amount(f"￥{yuan:,}.{cents:02d}元") == fen
    if cents % 10 == 0:
        assert fees.parse_amount(f"{yuan}.{cents // 10}") == fen


@pytest.mark.parametrize(
    ("text", "quarter"),
    [("2026-Q3", "2026-Q3"), ("2026q3", "2026-Q3"), ("2026年第3季度", "2026-Q3"),
     ("2026年三季度", "2026-Q3"), ("2026 Q4", "2026-Q4"), ("2026-Q1", "2026-Q1")],
)  # fmt: skip
def test_quarters_as_written(text, quarter):
    assert fees.parse_quarter(text) == quarter


def test_quarter_arithmetic():
    assert fees.quarter_last_day("2026-Q4").isoformat() == "2026-12-31"
    assert fees.quarter_last_day("2026-Q1").isoformat() == "2026-03-31"
    assert fees.shift_quarter("2026-Q1", -1) == "2025-Q4"
    assert fees.quarter_of(date(2026, 8, 15)) == "2026-Q3"
    with pytest.raises(ValueError):
        fees.parse_quarter("2026-Q5")


def _bill(ctx, unit, fen, item="management"):
    data = {"unit_id": unit.id, "quarter": Q, "item": item, "amount_fen": fen}
    return fees.record_bill(ctx, data)


def _pay(ctx, unit, fen, receipt="", at=PAID):
    data = {"unit_id": unit.id, "quarter": Q, "paid_at": at, "amount_fen": fen}
    data["receipt_no"] = receipt
    return fees.record_payment(ctx, data)


@pytest.mark.parametrize(
    ("paid_last", "tenths", "meets"),
    [(8_900, 989, False), (8_950, 989, False), (8_999, 989, False), (9_000, 990, True),
     (10_000, 1000, True)],
)  # fmt: skip
def test_collection_rate_at_99_percent(ctx, office, paid_last, tenths, meets):
    # Four households billed 250.00 each (100,000 fen); three paid in full.
    for unit in office.units:
        _bill(ctx, unit, 25_000)
    for unit in office.units[:3]:
        _pay(ctx, unit, 25_000)
    _pay(ctx, office.units[3], 25_000 - 10_000 + paid_last)
    c = fees.collection(ctx, Q)
    assert c.rate_tenths == tenths and c.meets_target is meets
    assert fees.rate_text(c.rate_tenths) == f"{tenths // 10}.{tenths % 10}%"


def test_one_household_overpaying_does_not_cover_another(ctx, office):
    a, b = office.units[:2]
    _bill(ctx, a, 10_000)
    _bill(ctx, b, 10_000)
    _pay(ctx, a, 20_000)
    c = fees.collection(ctx, Q)
    assert (c.billed_fen, c.collected_fen, c.paid_fen) == (20_000, 10_000, 20_000)
    assert c.rate_tenths == 500 and c.meets_target is False
    assert [(x.unit_id, x.owed_fen) for x in c.arrears] == [(b.id, 10_000)]


def test_nothing_billed_has_no_rate(ctx):
    c = fees.collection(ctx, Q)
    assert c.rate_tenths is None and c.meets_target is None and fees.rate_text(None) == "—"


def test_arrears_show_the_last_reminder_and_an_open_objection(ctx, office):
    a, b = office.units[:2]
    _bill(ctx, a, 30_000)
    _bill(ctx, a, 1_250, item="water")
    _bill(ctx, b, 10_000)
    _pay(ctx, a, 5_000)
    first, second = PAID, PAID + timedelta(days=3)

    def contact(unit, kind, at, note=""):
        data = {"unit_id": unit.id, "quarter": Q, "kind": kind, "at": at, "note": note}
        return fees.record_contact(ctx, data)

    contact(a, "reminder", first)
    contact(a, "reminder", second)
    contact(a, "objection", second, "电梯常坏,不愿交费")
    contact(b, "objection", first, "水费偏高")
    contact(b, "reply", second, "已核对水表读数,解释分摊方法")
    by_unit = {x.unit_id: x for x in fees.collection(ctx, Q).arrears}
    assert by_unit[a.id].owed_fen == 26_250 and by_unit[a.id].last_reminder_at == second
    assert by_unit[a.id].objection_open and by_unit[a.id].last_objection == "电梯常坏,不愿交费"
    assert not by_unit[b.id].objection_open and by_unit[b.id].last_reminder_at is None
    assert list(by_unit) == [a.id, b.id]  # the largest owed first
    with pytest.raises(ValidationFailed) as exc:
        contact(a, "objection", second)
    assert exc.value.errors[0].field == "note"


def test_a_bill_or_a_receipt_is_recorded_once(ctx, office):
    _bill(ctx, office.units[0], 10_000)
    with pytest.raises(Conflict):
        _bill(ctx, office.units[0], 12_000)
    _pay(ctx, office.units[0], 100, receipt="R-0001")
    with pytest.raises(ValidationFailed) as exc:
        _pay(ctx, office.units[1], 100, receipt="R-0001")
    assert exc.value.errors[0].field == "receipt_no"


def test_amounts_are_whole_positive_fen(ctx, office):
    for bad in (0, -100, 12.5, "12.50"):
        with pytest.raises(ValidationFailed):
            _bill(ctx, office.units[0], bad)


def test_cashier_and_manager_record_others_only_read(ctx, office):
    _bill(as_role(ctx, office, "cashier"), office.units[0], 10_000)
    assert fees.collection(as_role(ctx, office, "hr"), Q).billed_fen == 10_000
    for role in ("hr", "admin", "staff"):
        with pytest.raises(Forbidden):
            _pay(as_role(ctx, office, role), office.units[0], 100)
    with pytest.raises(Forbidden):
        fees.collection(as_role(ctx, office, "staff"), Q)
