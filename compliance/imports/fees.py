"""Import a billing system's export of receivables and payments (CSV in UTF-8, UTF-8 with BOM
or GBK/GB18030, or XLSX), previewed first and imported all or nothing.

A row names a household (房号 "3-1203" or "3栋1203", or 楼栋 + 房号), the quarter (所属季度:
"2026-Q3", "2026年第3季度"), the item (收费项目: 管理费, 水费/水费分摊, 电费/电费分摊), and
the amount billed (应收金额) and/or paid (实收金额, with 缴费日期 and optionally 票据号). Amounts
are read to integer fen exactly ("1,234.50", "¥1234.5"; compliance.service.fees.parse_amount).

Every bad row is named with its line and column; nothing is imported while any remains. A
re-import skips what is recorded: a bill already on file for the household, quarter and item
with the same amount, and a payment whose source key is on file (its receipt number, or
without one a digest of household, quarter, item, time and amount). A bill on file with a
different amount is a problem, never overwritten.

A row is in exactly one of: a problem (it blocks the import, and is neither skipped nor counted
to import), already recorded (skipped), or to import.

A 缴费日期 with a date alone (no time) is stored at 12:00 office time that day (PAID_NOON) and
the preview shows it as a date, marked "date only"; its source key is made from that time.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import col

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.i18n import N_
from compliance.imports.attendance import _local_to_utc
from compliance.imports.clock import Problem
from compliance.imports.reader import Column, Table, read_table
from compliance.money import format_fen
from compliance.permissions import Permission
from compliance.residents.search import matching, units_in_order
from compliance.service import fees
from compliance.service.models import FeeBill, FeeItem, FeePayment
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW

HEADER_WITHIN = 10
PAID_NOON = time(12)  # the office-local time a date-only payment is stored at
PREVIEW_ROWS = 20
COLUMNS = (
    Column("building", ("楼栋", "楼号", "栋号", "楼宇", "building"), required=False),
    Column("unit", ("房号", "房屋", "房间号", "户号", "房屋编号", "unit", "room"), required=True),
    Column("quarter", ("所属季度", "季度", "所属期", "账期", "收费期间", "quarter")),
    Column("item", ("收费项目", "项目", "费用项目", "费项", "item")),
    Column("billed", ("应收金额", "应收", "应缴金额", "billed"), required=False),
    Column("paid", ("实收金额", "实收", "已缴金额", "paid"), required=False),
    Column("paid_at", ("缴费日期", "收款日期", "缴费时间", "收款时间", "paid at"), required=False),
    Column("receipt_no", ("票据号", "收据号", "单据号", "票据编号", "receipt no"), required=False),
    Column("due_on", ("应缴日期", "到期日", "截止日期", "due on"), required=False),
)
ITEM_WORDS = {
    "管理费": FeeItem.MANAGEMENT,
    "物业管理费": FeeItem.MANAGEMENT,
    "物业费": FeeItem.MANAGEMENT,
    "management": FeeItem.MANAGEMENT,
    "水费": FeeItem.WATER,
    "水费分摊": FeeItem.WATER,
    "公摊水费": FeeItem.WATER,
    "水分摊": FeeItem.WATER,
    "water": FeeItem.WATER,
    "电费": FeeItem.ELECTRICITY,
    "电费分摊": FeeItem.ELECTRICITY,
    "公摊电费": FeeItem.ELECTRICITY,
    "电分摊": FeeItem.ELECTRICITY,
    "electricity": FeeItem.ELECTRICITY,
}

NO_AMOUNT_COLUMN = N_(
    "the file has neither an amount billed (应收金额) nor a paid (实收金额) column"
)
EMPTY = N_("is empty")
NO_UNIT = N_("no unit with this building and room")
SEVERAL_UNITS = N_("several buildings have this room: type the building too, e.g. 3-1203")
BAD_QUARTER = N_("not a quarter (e.g. 2026-Q3): %(value)s")
BAD_ITEM = N_("not 管理费, 水费 or 电费: %(value)s")
BAD_AMOUNT = N_("not an amount in yuan (e.g. 1,234.50): %(value)s")
BAD_DAY = N_("not a date like 2026-07-15: %(value)s")
PAID_WITHOUT_DAY = N_("a payment needs the day it was paid")
FUTURE = N_("is in the future")
NOTHING = N_("neither billed nor paid")
BILL_DIFFERS = N_(
    "already billed %(recorded)s for this household, quarter and item; the file says %(amount)s"
)
TWICE = N_("the same household, quarter and item appear again with another amount (line %(first)s)")

_FILE_REASONS = (
    ("required column is missing", N_("a required column is missing: %(names)s")),
    ("the file is empty", N_("the file is empty")),
    ("not a CSV", N_("not a CSV (UTF-8 or GBK text) or XLSX file")),
    ("not a readable XLSX", N_("not a CSV (UTF-8 or GBK text) or XLSX file")),
    ("old Excel", N_("old Excel (.xls) files are not supported; save as .xlsx or CSV")),
    ("larger than the limit", N_("the file is too large")),
    ("has a header but no data rows", N_("the file has a header but no rows")),
    ("appears twice", N_("a column appears twice in the header")),
    ("malformed CSV", N_("the CSV file is malformed (an unclosed quote?)")),
)


@dataclass(frozen=True)
class BillRow:
    """A receivable the file holds."""

    line: int
    unit_id: int
    unit: str
    quarter: str
    item: str
    amount_fen: int
    due_on: date
    recorded: bool = False


@dataclass(frozen=True)
class PaymentRow:
    """A payment the file holds."""

    line: int
    unit_id: int
    unit: str
    quarter: str
    item: str
    amount_fen: int
    paid_at: datetime
    receipt_no: str
    source_key: str
    recorded: bool = False
    date_only: bool = False  # the file gave the day alone (stored at PAID_NOON office time)


@dataclass(frozen=True)
class FeePreview:
    """What the file holds and what importing it would add."""

    sha256: str
    header_line: int
    mapping: dict[str, str]
    bills: tuple[BillRow, ...]
    payments: tuple[PaymentRow, ...]
    problems: tuple[Problem, ...]
    repeats: int  # rows the file holds twice (the same bill, the same payment)

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        """Bills and payments new and already recorded, amounts new (fen), problems."""
        new_bills = [b for b in self.bills if not b.recorded]
        new_pay = [p for p in self.payments if not p.recorded]
        return {
            "bills": len(new_bills),
            "bills_recorded": len(self.bills) - len(new_bills),
            "billed_fen": sum(b.amount_fen for b in new_bills),
            "payments": len(new_pay),
            "payments_recorded": len(self.payments) - len(new_pay),
            "paid_fen": sum(p.amount_fen for p in new_pay),
            "repeats": self.repeats,
            "problems": len(self.problems),
        }

    def errors(self) -> list[FieldError]:
        """Every problem as a field error with its line (the command line's words)."""
        return [FieldError(p.column or "row", p.text(), p.line) for p in self.problems]


def _read(ctx: Ctx, data: bytes) -> Table:
    try:
        return read_table(
            data,
            COLUMNS,
            max_bytes=ctx.settings.max_upload_bytes,
            header_within=HEADER_WITHIN,
            raise_row_problems=False,
        )
    except ValidationFailed as exc:
        errors = []
        for e in exc.errors:
            reason = next((r for key, r in _FILE_REASONS if key in e.reason), e.reason)
            if "%(names)s" in reason:
                names = e.reason.partition("(")[2].rstrip(")")
                reason = reason.replace("%(names)s", names)
            errors.append(FieldError("file", reason, e.line))
        raise ValidationFailed(errors) from None


def _day(text: str) -> date:
    t = text.strip().replace("/", "-").replace(".", "-").split(" ")[0]
    y, m, d = (int(p) for p in t.split("-"))
    return date(y, m, d)


def _paid_at(text: str, ctx: Ctx) -> tuple[datetime, bool]:
    """A payment's time: office-local date and time, or a date alone (taken at PAID_NOON);
    and whether it was a date alone."""
    t = text.strip().replace("/", "-")
    if " " in t or "T" in t:
        return _local_to_utc(t, ctx.tz), False
    return datetime.combine(_day(t), PAID_NOON, ctx.tz).astimezone(UTC), True


def row_key(unit_id: int, quarter: str, item: str, paid_at: datetime, fen: int) -> str:
    """A payment's source key when the file gives no receipt number."""
    raw = f"{unit_id}|{quarter}|{item}|{paid_at.astimezone(UTC).isoformat()}|{fen}"
    return "row:" + hashlib.sha256(raw.encode()).hexdigest()[:56]


class _Rows:
    """The rows read so far, and each row's problems."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.problems: list[Problem] = [
            Problem(p.line or 0, "", p.reason, {}) for p in table.problems
        ]

    def bad(self, line: int, key: str, message: str, **values: Any) -> None:
        self.problems.append(Problem(line, self.table.header(key), message, values))


def preview_fee_file(ctx: Ctx, data: bytes) -> FeePreview:
    """Read and check everything an import would, without writing anything."""
    ctx.require(Permission.MANAGE_FEES)
    table = _read(ctx, data)
    if "billed" not in table.headers and "paid" not in table.headers:
        raise ValidationFailed(FieldError("file", NO_AMOUNT_COLUMN, table.header_line))
    units = units_in_order(ctx)
    out = _Rows(table)
    latest = ctx.now() + CLOCK_SKEW
    bills: dict[tuple[int, str, str], BillRow] = {}
    payments: dict[str, PaymentRow] = {}
    repeats = 0
    for row in table.rows:
        v = row.values
        before = len(out.problems)
        typed = " ".join(p for p in (v.get("building", ""), v.get("unit", "")) if p.strip())
        unit = None
        if not typed.strip():
            out.bad(row.line, "unit", EMPTY)
        else:
            found = matching(units, typed)
            if len(found) == 1:
                unit = found[0]
            else:
                out.bad(row.line, "unit", NO_UNIT if not found else SEVERAL_UNITS)
        quarter = ""
        try:
            quarter = fees.parse_quarter(v.get("quarter", ""))
        except ValueError:
            out.bad(row.line, "quarter", BAD_QUARTER, value=v.get("quarter", ""))
        item = ITEM_WORDS.get(v.get("item", "").strip().lower())
        if item is None:
            out.bad(row.line, "item", BAD_ITEM, value=v.get("item", ""))
        billed = _amount(out, row.line, "billed", v.get("billed", ""))
        paid = _amount(out, row.line, "paid", v.get("paid", ""))
        paid_at = None
        date_only = False
        if paid:
            try:
                if not v.get("paid_at", "").strip():
                    out.bad(row.line, "paid_at", PAID_WITHOUT_DAY)
                else:
                    paid_at, date_only = _paid_at(v["paid_at"], ctx)
                    if paid_at > latest:
                        out.bad(row.line, "paid_at", FUTURE)
            except ValueError:
                out.bad(row.line, "paid_at", BAD_DAY, value=v.get("paid_at", ""))
        due = None
        if v.get("due_on", "").strip():
            try:
                due = _day(v["due_on"])
            except ValueError:
                out.bad(row.line, "due_on", BAD_DAY, value=v["due_on"])
        if not billed and not paid and len(out.problems) == before:
            out.bad(row.line, "billed" if "billed" in table.headers else "paid", NOTHING)
        if len(out.problems) > before or unit is None or item is None:
            continue
        label = f"{unit.building} {unit.room}"
        if billed:
            key = (unit.id, quarter, item.value)
            first = bills.get(key)
            if first is not None:
                if first.amount_fen != billed:
                    out.bad(row.line, "billed", TWICE, first=first.line)
                    continue  # a problem row: neither a repeat nor its payment to import
                repeats += 1
            else:
                bills[key] = BillRow(
                    row.line, unit.id, label, quarter, item.value, billed,
                    due or fees.quarter_last_day(quarter),
                )  # fmt: skip
        if paid and paid_at is not None:
            receipt = v.get("receipt_no", "").strip()[:40]
            skey = fees.receipt_key(receipt) or row_key(unit.id, quarter, item.value, paid_at, paid)
            if skey in payments:
                repeats += 1
            else:
                payments[skey] = PaymentRow(
                    row.line,
                    unit.id,
                    label,
                    quarter,
                    item.value,
                    paid,
                    paid_at,
                    receipt,
                    skey,
                    date_only=date_only,
                )
    bill_rows = _mark_bills(ctx, out, list(bills.values()))
    # A row with a problem is only a problem: its bill and payment are neither skipped nor
    # counted to import.
    bad = {p.line for p in out.problems}
    bill_rows = [b for b in bill_rows if b.line not in bad]
    pay_rows = _mark_payments(ctx, [p for p in payments.values() if p.line not in bad])
    return FeePreview(
        sha256=table.sha256,
        header_line=table.header_line,
        mapping=dict(table.headers),
        bills=tuple(bill_rows),
        payments=tuple(pay_rows),
        problems=tuple(sorted(out.problems, key=lambda p: p.line)),
        repeats=repeats,
    )


def _amount(out: _Rows, line: int, key: str, text: str) -> int:
    """An amount cell in fen (0 when blank); a bad one is a problem of the row."""
    if not text.strip():
        return 0
    try:
        return fees.parse_amount(text)
    except ValueError:
        out.bad(line, key, BAD_AMOUNT, value=text)
        return 0


def _mark_bills(ctx: Ctx, out: _Rows, rows: list[BillRow]) -> list[BillRow]:
    """Each bill marked if on file; on file with another amount: a problem."""
    if not rows:
        return []
    quarters = sorted({b.quarter for b in rows})
    found = ctx.session.execute(
        select(
            col(FeeBill.unit_id), col(FeeBill.quarter), col(FeeBill.item), col(FeeBill.amount_fen)
        ).where(col(FeeBill.office_id) == ctx.actor.office_id, col(FeeBill.quarter).in_(quarters))
    )
    on_file = {(r[0], r[1], r[2]): int(r[3]) for r in found}
    marked = []
    for b in rows:
        recorded = on_file.get((b.unit_id, b.quarter, b.item))
        if recorded is not None and recorded != b.amount_fen:
            values = {"recorded": format_fen(recorded), "amount": format_fen(b.amount_fen)}
            out.bad(b.line, "billed", BILL_DIFFERS, **values)
        marked.append(BillRow(**{**b.__dict__, "recorded": recorded is not None}))
    return marked


def _mark_payments(ctx: Ctx, rows: list[PaymentRow]) -> list[PaymentRow]:
    if not rows:
        return []
    keys = [p.source_key for p in rows]
    on_file: set[str] = set()
    for i in range(0, len(keys), 500):
        found = ctx.session.execute(
            select(col(FeePayment.source_key)).where(
                col(FeePayment.office_id) == ctx.actor.office_id,
                col(FeePayment.source_key).in_(keys[i : i + 500]),
            )
        )
        on_file |= {r[0] for r in found}
    return [PaymentRow(**{**p.__dict__, "recorded": p.source_key in on_file}) for p in rows]


@dataclass(frozen=True)
class FeeImportResult:
    """What an import added and skipped, and its audit event."""

    bills: int
    payments: int
    bills_recorded: int
    payments_recorded: int
    file_sha256: str
    audit_seq: int


@use_case
def import_fee_file(ctx: Ctx, data: bytes, filename: str = "") -> FeeImportResult:
    """Import the file's new bills and payments, all or nothing (cashier or manager)."""
    preview = preview_fee_file(ctx, data)
    if not preview.ok:
        raise ValidationFailed(preview.errors())
    now, office, user = ctx.now(), ctx.actor.office_id, ctx.actor.user_id
    bills = [b for b in preview.bills if not b.recorded]
    pays = [p for p in preview.payments if not p.recorded]
    if bills:
        ctx.session.execute(
            insert(FeeBill),
            [
                {
                    "office_id": office, "unit_id": b.unit_id, "quarter": b.quarter,
                    "item": b.item, "amount_fen": b.amount_fen, "due_on": b.due_on,
                    "source": "import", "created_at": now, "created_by": user,
                }
                for b in bills
            ],
        )  # fmt: skip
    if pays:
        ctx.session.execute(
            insert(FeePayment),
            [
                {
                    "office_id": office, "unit_id": p.unit_id, "quarter": p.quarter,
                    "item": p.item, "paid_at": p.paid_at, "amount_fen": p.amount_fen,
                    "receipt_no": p.receipt_no, "source": "import",
                    "source_key": p.source_key, "created_at": now, "created_by": user,
                }
                for p in pays
            ],
        )  # fmt: skip
    c = preview.counts
    payload = {
        "file_sha256": preview.sha256,
        "filename": filename,
        "bills": len(bills),
        "payments": len(pays),
        "billed_fen": c["billed_fen"],
        "paid_fen": c["paid_fen"],
        "bills_recorded": c["bills_recorded"],
        "payments_recorded": c["payments_recorded"],
    }
    event = audit.record(ctx, "fees.imported", "fee_import", preview.sha256, payload)
    return FeeImportResult(
        len(bills), len(pays), c["bills_recorded"], c["payments_recorded"], preview.sha256,
        event.seq,
    )  # fmt: skip
