"""The billing export's import: every encoding and XLSX read alike, amounts to the fen, every
bad row named with its line and column, nothing imported while one remains, and a re-import
adds nothing."""

from datetime import UTC

import pytest
from sqlalchemy import func, select

from compliance.errors import Forbidden, ValidationFailed
from compliance.imports import fees as imp
from compliance.service import fees
from compliance.service.models import FeeBill, FeePayment
from tests.compliance.imports import fee_files
from tests.conftest import as_role

Q = "2026-Q1"


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(
    "data",
    [
        fee_files.csv_bytes("utf-8"),
        fee_files.csv_bytes("utf-8-sig"),
        fee_files.csv_bytes("gbk"),
        fee_files.xlsx_bytes(),
    ],
    ids=["utf-8", "bom", "gbk", "xlsx"],
)
def test_every_encoding_reads_the_same_amounts(ctx, office, data):
    p = imp.preview_fee_file(ctx, data)
    assert p.ok, p.errors()
    assert p.header_line == 2
    assert [(b.unit, b.item, b.amount_fen) for b in p.bills] == [
        ("1栋 101", "management", 123450),
        ("1栋 101", "water", 3680),
        ("1栋 102", "management", 123450),
        ("2栋 103", "electricity", 8800),
        ("2栋 104", "management", 123450),
    ]
    assert [(p_.unit, p_.amount_fen, p_.receipt_no) for p_ in p.payments] == [
        ("1栋 101", 123450, "P0001"),
        ("1栋 102", 60000, ""),
        ("2栋 103", 8800, "P0002"),
    ]
    assert {b.quarter for b in p.bills} == {Q}
    assert p.payments[2].paid_at.isoformat() == "2026-03-07T02:15:00+00:00"  # 10:15 local
    assert p.counts["billed_fen"] == 3 * 123450 + 3680 + 8800


def test_import_then_reimport_adds_nothing(ctx, office, session):
    first = imp.import_fee_file(ctx, fee_files.csv_bytes(), "fees.csv")
    assert (first.bills, first.payments) == (5, 3)
    c = fees.collection(ctx, Q)
    assert (c.billed_fen, c.collected_fen) == (3 * 123450 + 3680 + 8800, 123450 + 60000 + 8800)
    again = imp.preview_fee_file(ctx, fee_files.xlsx_bytes())
    assert again.ok and again.counts["bills"] == 0 and again.counts["payments"] == 0
    assert (again.counts["bills_recorded"], again.counts["payments_recorded"]) == (5, 3)
    second = imp.import_fee_file(ctx, fee_files.xlsx_bytes())
    assert (second.bills, second.payments) == (0, 0)
    assert (_count(session, FeeBill), _count(session, FeePayment)) == (5, 3)


def test_a_payment_entered_with_its_receipt_is_not_imported_again(ctx, office, session):
    fees.record_payment(
        ctx,
        {"unit_id": office.units[0].id, "quarter": Q, "paid_at": "2026-03-05T04:00:00+00:00",
         "amount_fen": 123450, "receipt_no": "P0001"},
    )  # fmt: skip
    p = imp.preview_fee_file(ctx, fee_files.csv_bytes())
    assert [x.receipt_no for x in p.payments if x.recorded] == ["P0001"]


def test_every_bad_row_is_named_and_nothing_is_imported(ctx, office, session):
    p = imp.preview_fee_file(ctx, fee_files.csv_bytes(bad=True))
    assert not p.ok
    named = [(x.line, x.column, x.text()) for x in p.problems]
    assert named == [
        (8, "应收金额", "not an amount in yuan (e.g. 1,234.50): 1,234.505"),
        (9, "房号", "no unit with this building and room"),
        (10, "所属季度", "not a quarter (e.g. 2026-Q3): 2026年第5季度"),
        (10, "收费项目", "not 管理费, 水费 or 电费: 停车费"),
        (11, "缴费日期", "a payment needs the day it was paid"),
    ]
    with pytest.raises(ValidationFailed) as exc:
        imp.import_fee_file(ctx, fee_files.csv_bytes(bad=True))
    assert [e.line for e in exc.value.errors] == [8, 9, 10, 10, 11]
    assert _count(session, FeeBill) == 0 and _count(session, FeePayment) == 0


def test_a_bill_on_file_with_another_amount_is_a_problem(ctx, office):
    fees.record_bill(ctx, {"unit_id": office.units[0].id, "quarter": Q, "item": "water",
                           "amount_fen": 3000})  # fmt: skip
    p = imp.preview_fee_file(ctx, fee_files.csv_bytes())
    assert [(x.line, x.text()) for x in p.problems] == [
        (4, "already billed ¥30.00 for this household, quarter and item; the file says ¥36.80")
    ]


def test_a_file_without_amount_columns_or_unit_is_refused(ctx, office):
    with pytest.raises(ValidationFailed) as exc:
        imp.preview_fee_file(ctx, "房号,所属季度,收费项目\n1-101,2026-Q1,管理费\n".encode())
    assert "neither an amount billed" in exc.value.errors[0].reason
    with pytest.raises(ValidationFailed) as exc:
        imp.preview_fee_file(ctx, "所属季度,收费项目,应收金额\n2026-Q1,管理费,1\n".encode())
    assert exc.value.errors[0].reason.startswith("a required column is missing")
    with pytest.raises(ValidationFailed) as exc:
        imp.preview_fee_file(ctx, b"\xd0\xcf\x11\xe0old excel")
    assert "old Excel" in exc.value.errors[0].reason


def test_only_the_cashier_and_manager_import(ctx, office):
    assert imp.preview_fee_file(as_role(ctx, office, "cashier"), fee_files.csv_bytes()).ok
    with pytest.raises(Forbidden):
        imp.preview_fee_file(as_role(ctx, office, "hr"), fee_files.csv_bytes())


def test_a_problem_row_is_only_a_problem_never_skipped_nor_to_import(ctx, office):
    # Row 3 (1栋 101 管理费, billed and paid): the bill on file has another amount.
    fees.record_bill(ctx, {"unit_id": office.units[0].id, "quarter": Q, "item": "management",
                           "amount_fen": 75100})  # fmt: skip
    p = imp.preview_fee_file(ctx, fee_files.csv_bytes())
    assert [x.line for x in p.problems] == [3]
    assert 3 not in [b.line for b in p.bills] and 3 not in [x.line for x in p.payments]
    assert p.counts["bills_recorded"] == 0 and p.counts["payments_recorded"] == 0
    assert (p.counts["bills"], p.counts["payments"]) == (4, 2)
    assert p.counts["paid_fen"] == 60000 + 8800


def test_the_same_bill_twice_with_another_amount_is_not_counted_as_a_repeat(ctx, office):
    data = (
        "房号,所属季度,收费项目,应收金额,实收金额,缴费日期\n"
        "1-101,2026-Q1,管理费,100,,\n"
        "1-101,2026-Q1,管理费,300,300,2026-03-05\n"
    ).encode()
    p = imp.preview_fee_file(ctx, data)
    assert [x.line for x in p.problems] == [3]
    assert [b.line for b in p.bills] == [2] and p.payments == () and p.repeats == 0


def test_a_date_only_payment_is_stored_at_office_noon_and_marked(ctx, office, session):
    p = imp.preview_fee_file(ctx, fee_files.csv_bytes())
    by_receipt = {x.receipt_no: x for x in p.payments}
    assert by_receipt["P0001"].date_only and by_receipt[""].date_only  # 2026-03-05, 2026/3/6
    assert not by_receipt["P0002"].date_only  # 2026-03-07 10:15
    assert by_receipt["P0001"].paid_at.isoformat() == "2026-03-05T04:00:00+00:00"  # 12:00 local
    imp.import_fee_file(ctx, fee_files.csv_bytes())
    stored = session.execute(select(FeePayment).where(FeePayment.receipt_no == "P0001"))
    paid_at = stored.scalar_one().paid_at
    assert paid_at.replace(tzinfo=paid_at.tzinfo or UTC).astimezone(ctx.tz).hour == 12
