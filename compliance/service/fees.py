"""Fee collection (收费管理, rulebook 第2篇 6、; standard S15): each household's receivables and
payments per quarter — the management fee and the water and electricity shares — entered here
or imported from the billing system's export (compliance.imports.fees), the reminders sent,
the objections residents raise and the office's replies.

Money is integer fen throughout. The quarter's collection rate is

    Σ over households min(paid, billed) ÷ Σ over households billed

for the bills of the quarter (`fee_bill.quarter`) and the payments made against that quarter
(`fee_payment.quarter`, whenever paid): one household paying more than it owes does not cover
another's arrears. It is shown in tenths of a percent, floored (98.95% shows as 98.9%), and the
quarter meets the target when paid × 1000 ≥ billed × 990 exactly, in integers.

An objection is open until a reply to the household for that quarter is recorded after it.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field, field_validator
from sqlalchemy import func, select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import Conflict, ValidationFailed
from compliance.i18n import N_
from compliance.money import check_fen, parse_yuan
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.service.models import FeeBill, FeeContact, FeeItem, FeePayment
from compliance.staff.models import Staff
from compliance.usecase import record_new, use_case
from compliance.validation import AwareDatetime, Input, RecordId, parse

TARGET_PER_MILLE = 990  # S15: at least 99% of the quarter's receivables
ITEMS = {
    FeeItem.MANAGEMENT.value: N_("Management fee"),
    FeeItem.WATER.value: N_("Water share"),
    FeeItem.ELECTRICITY.value: N_("Electricity share"),
}
CONTACT_KINDS = {
    "reminder": N_("Reminder"),
    "objection": N_("Objection"),
    "reply": N_("Reply"),
    "escalated": N_("Referred to the office head"),
}
NOTE_REQUIRED = N_("say what the household raised or what it was told")
ALREADY_BILLED = N_("this household already has this bill for the quarter")
NOT_IN_OFFICE = N_("not found in this office")
BAD_QUARTER = N_("not a quarter (e.g. 2026-Q3)")
BAD_AMOUNT = N_("not an amount in yuan (e.g. 1,234.50 or ¥1234.5)")

# --- parsing at the edges -------------------------------------------------------------------

_QUARTER = re.compile(
    r"^\s*(\d{4})\s*(?:年|-|/|\s)?\s*(?:第)?\s*(?:q)?\s*([1-4一二三四])\s*(?:季度|季|q)?\s*$",
    re.IGNORECASE,
)
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def parse_quarter(text: str) -> str:
    """'2026-Q3', '2026Q3', '2026年第3季度', '2026年三季度' -> '2026-Q3'; ValueError else."""
    m = _QUARTER.match(unicodedata.normalize("NFKC", text))
    if not m:
        raise ValueError(f"not a quarter: {text!r}")
    return f"{m.group(1)}-Q{_CN_DIGITS.get(m.group(2), m.group(2))}"


def quarter_of(day: date) -> str:
    """The quarter a day falls in: 2026-08-15 -> '2026-Q3'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_last_day(quarter: str) -> date:
    """The last day of a quarter ('2026-Q3' -> 2026-09-30)."""
    year, q = int(quarter[:4]), int(quarter[-1])
    first_next = date(year + (q == 4), (q % 4) * 3 + 1, 1)
    return first_next - timedelta(days=1)


def shift_quarter(quarter: str, n: int) -> str:
    """The quarter n quarters after (before, if negative) the given one."""
    year, q = int(quarter[:4]), int(quarter[-1]) - 1
    y, r = divmod(year * 4 + q + n, 4)
    return f"{y}-Q{r + 1}"


_AMOUNT_NOISE = re.compile(r"\s+|元$|^rmb|^cny", re.IGNORECASE)


def parse_amount(text: str) -> int:
    """An amount as billing exports and people write it, in fen, exactly: '1,234.50',
    '¥1234.5', '￥1,234.50', '1234.50元', '１２３４．５'. ValueError on anything else (a
    negative amount, three decimals, words). Never goes through float."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = _AMOUNT_NOISE.sub("", s)
    if s.endswith("元"):
        s = s[:-1]
    return parse_yuan(s)


# --- entry ----------------------------------------------------------------------------------


def _quarter(value: str) -> str:
    try:
        return parse_quarter(value)
    except ValueError:
        raise ValueError("not a quarter (e.g. 2026-Q3)") from None


class BillIn(Input):
    """A receivable entered by hand."""

    unit_id: RecordId
    quarter: str = Field(max_length=20)
    item: FeeItem
    amount_fen: int
    due_on: date | None = None

    @field_validator("quarter")
    @classmethod
    def _quarter_text(cls, v: str) -> str:
        return _quarter(v)

    @field_validator("amount_fen", mode="before")
    @classmethod
    def _whole_fen(cls, v: Any) -> int:
        return check_fen(v)


class PaymentIn(Input):
    """A payment entered by hand (the receipt number keeps it from being imported twice)."""

    unit_id: RecordId
    quarter: str = Field(max_length=20)
    item: FeeItem | Literal[""] = ""
    paid_at: AwareDatetime
    amount_fen: int
    receipt_no: str = Field(default="", max_length=40)

    @field_validator("quarter")
    @classmethod
    def _quarter_text(cls, v: str) -> str:
        return _quarter(v)

    @field_validator("amount_fen", mode="before")
    @classmethod
    def _whole_fen(cls, v: Any) -> int:
        return check_fen(v)


class ContactIn(Input):
    """A reminder, an objection, a reply, or a referral to the office head."""

    unit_id: RecordId
    quarter: str = Field(max_length=20)
    kind: Literal["reminder", "objection", "reply", "escalated"]
    at: AwareDatetime
    note: str = Field(default="", max_length=2000)
    staff_id: RecordId | None = None

    @field_validator("quarter")
    @classmethod
    def _quarter_text(cls, v: str) -> str:
        return _quarter(v)


def _unit_in_office(ctx: Ctx, unit_id: int) -> None:
    found = ctx.session.execute(
        select(col(Unit.id)).where(
            col(Unit.id) == unit_id, col(Unit.office_id) == ctx.actor.office_id
        )
    ).first()
    if found is None:
        raise ValidationFailed.one("unit_id", NOT_IN_OFFICE)


def receipt_key(receipt_no: str) -> str | None:
    """The payment's source key from its receipt number (None without one)."""
    no = receipt_no.strip()
    return f"receipt:{no}" if no else None


@use_case
def record_bill(ctx: Ctx, data: BillIn | dict[str, Any]) -> FeeBill:
    """Enter one household's bill for a quarter and item (cashier or manager)."""
    ctx.require(Permission.MANAGE_FEES)
    bill = data if isinstance(data, BillIn) else parse(BillIn, data)
    _unit_in_office(ctx, bill.unit_id)
    exists = ctx.session.execute(
        select(col(FeeBill.id)).where(
            col(FeeBill.office_id) == ctx.actor.office_id,
            col(FeeBill.unit_id) == bill.unit_id,
            col(FeeBill.quarter) == bill.quarter,
            col(FeeBill.item) == bill.item.value,
        )
    ).first()
    if exists is not None:
        raise Conflict(ALREADY_BILLED)
    due = bill.due_on or quarter_last_day(bill.quarter)
    return record_new(
        ctx,
        FeeBill,
        {**bill.model_dump(), "item": bill.item.value, "due_on": due},
        update={"source": "entered", "created_at": ctx.now(), "created_by": ctx.actor.user_id},
        audit_action="fee_bill.recorded",
        audit_payload={**bill.model_dump(mode="json"), "due_on": due.isoformat()},
    )


@use_case
def record_payment(ctx: Ctx, data: PaymentIn | dict[str, Any]) -> FeePayment:
    """Enter a payment received (cashier or manager); a receipt number recorded before is
    refused."""
    ctx.require(Permission.MANAGE_FEES)
    pay = data if isinstance(data, PaymentIn) else parse(PaymentIn, data)
    _unit_in_office(ctx, pay.unit_id)
    key = receipt_key(pay.receipt_no)
    if key is not None:
        dup = ctx.session.execute(
            select(col(FeePayment.id)).where(
                col(FeePayment.office_id) == ctx.actor.office_id,
                col(FeePayment.source_key) == key,
            )
        ).first()
        if dup is not None:
            raise ValidationFailed.one("receipt_no", N_("this receipt number is already recorded"))
    item = pay.item.value if isinstance(pay.item, FeeItem) else ""
    return record_new(
        ctx,
        FeePayment,
        {**pay.model_dump(), "item": item},
        update={
            "source": "entered",
            "source_key": key,
            "created_at": ctx.now(),
            "created_by": ctx.actor.user_id,
        },
        not_future={"paid_at": pay.paid_at},
        audit_action="fee_payment.recorded",
    )


@use_case
def record_contact(ctx: Ctx, data: ContactIn | dict[str, Any]) -> FeeContact:
    """Record a reminder, an objection, the reply to it, or a referral to the office head."""
    ctx.require(Permission.MANAGE_FEES)
    c = data if isinstance(data, ContactIn) else parse(ContactIn, data)
    _unit_in_office(ctx, c.unit_id)
    if c.kind != "reminder" and not c.note:
        raise ValidationFailed.one("note", NOTE_REQUIRED)
    staff_id = c.staff_id if c.staff_id is not None else ctx.actor.staff_id
    if staff_id is not None:
        found = ctx.session.execute(
            select(col(Staff.id)).where(
                col(Staff.id) == staff_id, col(Staff.office_id) == ctx.actor.office_id
            )
        ).first()
        if found is None:
            raise ValidationFailed.one("staff_id", NOT_IN_OFFICE)
    return record_new(
        ctx,
        FeeContact,
        {**c.model_dump(), "staff_id": staff_id},
        update={"created_at": ctx.now(), "created_by": ctx.actor.user_id},
        not_future={"at": c.at},
        audit_action="fee_contact.recorded",
    )


# --- the quarter's figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Arrears:
    """A household that owes for the quarter."""

    unit_id: int
    billed_fen: int
    paid_fen: int
    last_reminder_at: datetime | None
    objection_open: bool
    last_objection: str

    @property
    def owed_fen(self) -> int:
        """What is still owed."""
        return self.billed_fen - self.paid_fen


@dataclass(frozen=True)
class Collection:
    """A quarter's receivables and what was collected against them."""

    quarter: str
    billed_fen: int
    collected_fen: int  # per household at most what it was billed
    paid_fen: int  # every payment against the quarter
    households_billed: int
    arrears: list[Arrears]

    @property
    def rate_tenths(self) -> int | None:
        """Collected ÷ billed in tenths of a percent, floored; None when nothing is billed."""
        return self.collected_fen * 1000 // self.billed_fen if self.billed_fen else None

    @property
    def meets_target(self) -> bool | None:
        """Whether at least 99% was collected (exact, in integers); None without bills."""
        if not self.billed_fen:
            return None
        return self.collected_fen * 1000 >= self.billed_fen * TARGET_PER_MILLE


def rate_text(tenths: int | None) -> str:
    """Tenths of a percent as '98.9%' (— without a figure)."""
    return "—" if tenths is None else f"{tenths // 10}.{tenths % 10}%"


def _per_unit(ctx: Ctx, model: Any, quarter: str) -> dict[int, int]:
    rows = ctx.session.execute(
        select(col(model.unit_id), func.sum(col(model.amount_fen)))
        .where(col(model.office_id) == ctx.actor.office_id, col(model.quarter) == quarter)
        .group_by(col(model.unit_id))
    )
    return {int(r[0]): int(r[1] or 0) for r in rows}


def collection(ctx: Ctx, quarter: str) -> Collection:
    """The quarter's receivables, collection rate and households in arrears (largest owed
    first), each with its last reminder and whether an objection is open."""
    ctx.require(Permission.VIEW_FEES)
    quarter = parse_quarter(quarter)
    billed = _per_unit(ctx, FeeBill, quarter)
    paid = _per_unit(ctx, FeePayment, quarter)
    collected = sum(min(paid.get(u, 0), b) for u, b in billed.items())
    owing = {u: b for u, b in billed.items() if paid.get(u, 0) < b}
    contacts = _contacts(ctx, quarter, sorted(owing))
    arrears = []
    for u, b in owing.items():
        c = contacts.get(u, {})
        objection, reply = c.get("objection"), c.get("reply")
        arrears.append(
            Arrears(
                unit_id=u,
                billed_fen=b,
                paid_fen=paid.get(u, 0),
                last_reminder_at=c.get("reminder"),
                objection_open=objection is not None and (reply is None or reply < objection),
                last_objection=c.get("objection_note", "") if objection is not None else "",
            )
        )
    arrears.sort(key=lambda a: (-a.owed_fen, a.unit_id))
    return Collection(
        quarter=quarter,
        billed_fen=sum(billed.values()),
        collected_fen=collected,
        paid_fen=sum(paid.values()),
        households_billed=len(billed),
        arrears=arrears,
    )


def _contacts(ctx: Ctx, quarter: str, unit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per unit: the latest time of each kind of contact, and the latest objection's note."""
    if not unit_ids:
        return {}
    rows = ctx.session.execute(
        select(
            col(FeeContact.unit_id), col(FeeContact.kind), col(FeeContact.at), col(FeeContact.note)
        )
        .where(
            col(FeeContact.office_id) == ctx.actor.office_id,
            col(FeeContact.quarter) == quarter,
            col(FeeContact.unit_id).in_(unit_ids),
        )
        .order_by(col(FeeContact.at), col(FeeContact.id))
    )
    out: dict[int, dict[str, Any]] = {}
    for unit_id, kind, at, note in rows:
        seen = out.setdefault(unit_id, {})
        seen[kind] = at
        if kind == "objection":
            seen["objection_note"] = note
    return out


def contacts_of(ctx: Ctx, quarter: str, limit: int = 50) -> list[FeeContact]:
    """The quarter's latest reminders, objections and replies."""
    ctx.require(Permission.VIEW_FEES)
    return list(
        ctx.session.execute(
            select(FeeContact)
            .where(
                col(FeeContact.office_id) == ctx.actor.office_id,
                col(FeeContact.quarter) == parse_quarter(quarter),
            )
            .order_by(col(FeeContact.at).desc(), col(FeeContact.id).desc())
            .limit(limit)
        ).scalars()
    )
