"""Use cases for the tip ledger (R12): declaring a tip and handing it over to the cashier."""

from datetime import datetime, timedelta
from typing import Any

from compliance.actors import Role
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.counters.service import next_number
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.permissions import Permission
from compliance.recording import record_new
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.tips import repository as repo
from compliance.tips.models import TipLine
from compliance.tips.schemas import (
    Countersigner,
    HandOver,
    TipDeclare,
    TipLedgerRow,
    TipQuery,
    TipRead,
    TipReceipt,
    TipReportChoice,
    TipWithHandover,
)
from compliance.usecase import use_case
from compliance.validation import not_in_future, parse
from policies.vocab import FeedbackCategory


def _own_only(ctx: Ctx, staff_id: int) -> None:
    # A staff user declares and sees only their own tips (SPEC §9).
    if ctx.actor.role == Role.STAFF and (
        ctx.actor.staff_id is None or ctx.actor.staff_id != staff_id
    ):
        raise Forbidden("staff may only act on their own tips")


def _check_declare(ctx: Ctx, body: TipDeclare) -> None:
    _own_only(ctx, body.staff_id)
    get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    get_unit_in_office(ctx.session, ctx.actor.office_id, body.unit_id)
    not_in_future("received_at", body.received_at, ctx.now())


def _insert(ctx: Ctx, body: TipDeclare) -> TipLine:
    # Checked by _check_declare; only the declaration's own fields (a handover comes later).
    declared = TipDeclare.model_validate(body.model_dump(include=set(TipDeclare.model_fields)))
    now = ctx.now()
    return record_new(
        ctx,
        TipLine,
        declared,
        update={"declared_at": now, "created_at": now, "created_by": ctx.actor.user_id},
        audit_action="tip.declared",
    )


def _check_report(ctx: Ctx, staff_id: int, unit_id: int, feedback_id: int) -> None:
    """The handover may name only a tip report about the same staff member (and unit)."""
    report = repo.tip_report_in_office(ctx.session, ctx.actor.office_id, feedback_id)
    if report is None:
        raise ValidationFailed.one("feedback_id", f"unknown feedback {feedback_id}")
    if report.category != FeedbackCategory.TIP_REPORTED.value:
        raise ValidationFailed.one("feedback_id", f"feedback {feedback_id} is not a tip report")
    if report.staff_id != staff_id:
        raise ValidationFailed.one(
            "feedback_id", f"feedback {feedback_id} is about another staff member"
        )
    if report.unit_id is not None and report.unit_id != unit_id:
        raise ValidationFailed.one("feedback_id", f"feedback {feedback_id} is about another unit")


def _check_handover(ctx: Ctx, received_at: datetime, body: HandOver) -> None:
    not_in_future("handed_over_at", body.handed_over_at, ctx.now())
    if body.handed_over_at < received_at:
        raise ValidationFailed.one("handed_over_at", "cannot be before the tip was received")
    if body.countersigned_by == ctx.actor.user_id:
        raise ValidationFailed.one(
            "countersigned_by", "the cashier cannot countersign their own receipt"
        )
    if repo.active_user_in_office(ctx.session, ctx.actor.office_id, body.countersigned_by) is None:
        raise ValidationFailed.one(
            "countersigned_by", f"unknown or inactive user {body.countersigned_by}"
        )


def _apply_handover(ctx: Ctx, tip: TipLine, body: HandOver) -> None:
    tip_id, office_id = tip.id or 0, ctx.actor.office_id
    # Claim the tip before taking a number: the loser of a race gets Conflict having written
    # nothing, so no receipt number is ever consumed by a handover that did not happen.
    won = repo.claim_handover(
        ctx.session,
        tip_id,
        handed_over_at=body.handed_over_at,
        cashier_id=ctx.actor.user_id,
        countersigned_by=body.countersigned_by,
        feedback_id=body.feedback_id,
    )
    if not won:
        raise Conflict(f"tip {tip_id} was handed over by someone else just now")
    year = local_date(body.handed_over_at, ctx.tz).year
    n = next_number(ctx.session, office_id, "tip_receipt", year)
    receipt_no = f"{repo.office_code(ctx.session, office_id)}-SJ-{year}-{n:05d}"
    repo.set_receipt_no(ctx.session, tip_id, receipt_no)
    ctx.session.refresh(tip)
    payload = {
        **body.model_dump(mode="json"),
        "receipt_no": receipt_no,
        "amount_fen": tip.amount_fen,
    }
    audit.record(ctx, "tip.handed_over", "tip_line", tip_id, payload)


@use_case
def declare_tip(ctx: Ctx, data: TipDeclare | dict[str, Any]) -> TipRead:
    """Declare a tip received from a resident (the staff member, or a cashier/manager for them)."""
    ctx.require(Permission.DECLARE_TIP)
    body = parse(TipDeclare, data)
    _check_declare(ctx, body)
    row = _insert(ctx, body)
    return TipRead.model_validate(row)


@use_case
def hand_over(
    ctx: Ctx,
    tip_id: int,
    countersigned_by: int,
    handed_over_at: datetime | str,
    feedback_id: int | str | None = None,
) -> TipRead:
    """Record a declared tip handed over to the cashier and issue a gap-free receipt number.

    feedback_id, when given, links the handover to the resident's tip report it settles.
    """
    ctx.require(Permission.KEEP_TIP_DESK)
    raw: dict[str, Any] = {"countersigned_by": countersigned_by, "handed_over_at": handed_over_at}
    if feedback_id not in (None, ""):
        raw["feedback_id"] = feedback_id
    body = parse(HandOver, raw)
    tip = repo.get_in_office(ctx.session, ctx.actor.office_id, tip_id)
    if tip is None:
        raise NotFound(f"tip {tip_id} not found")
    if tip.handed_over_at is not None:
        raise Conflict(f"tip {tip_id} was already handed over (receipt {tip.receipt_no})")
    _check_handover(ctx, tip.received_at, body)
    if body.feedback_id is not None:
        _check_report(ctx, tip.staff_id, tip.unit_id, body.feedback_id)
    _apply_handover(ctx, tip, body)
    return TipRead.model_validate(tip)


@use_case
def record_tip_with_handover(ctx: Ctx, data: TipWithHandover | dict[str, Any]) -> TipRead:
    """Declare a tip and hand it over in one transaction (the cashier's usual desk flow)."""
    ctx.require(Permission.KEEP_TIP_DESK)
    body = parse(TipWithHandover, data)
    handover = HandOver.model_validate(body.model_dump(include=set(HandOver.model_fields)))
    # Check everything before writing anything, so a bad handover leaves no declared line.
    _check_declare(ctx, body)
    _check_handover(ctx, body.received_at, handover)
    if handover.feedback_id is not None:
        _check_report(ctx, body.staff_id, body.unit_id, handover.feedback_id)
    row = _insert(ctx, body)
    _apply_handover(ctx, row, handover)
    return TipRead.model_validate(row)


def list_tips(ctx: Ctx, query: TipQuery | dict[str, Any] | None = None) -> list[TipRead]:
    """Ledger lines of the office for a staff member and/or period; staff see only their own."""
    ctx.require(Permission.USE_APP)
    q = parse(TipQuery, query or {})
    staff_id = q.staff_id
    if ctx.actor.role == Role.STAFF:
        if staff_id is None:
            staff_id = ctx.actor.staff_id
        _own_only(ctx, staff_id or 0)
    rows = repo.list_tips(
        ctx.session, ctx.actor.office_id, staff_id=staff_id, start=q.start, end=q.end
    )
    return [TipRead.model_validate(r) for r in rows]


def _ledger_row(row: Any) -> TipLedgerRow:
    tip, name, number, building, room = row[:5]
    return TipLedgerRow(
        **TipRead.model_validate(tip).model_dump(),
        staff_name=name,
        employee_no=number,
        unit=f"{building} {room}",
    )


def desk(ctx: Ctx) -> tuple[list[TipLedgerRow], list[TipLedgerRow]]:
    """The cashier's desk: tips declared but not handed over, and the latest receipts."""
    ctx.require(Permission.VIEW_TIP_DESK)
    office_id = ctx.actor.office_id
    pending = repo.ledger_rows(ctx.session, office_id, handed_over=False)
    done = repo.ledger_rows(ctx.session, office_id, handed_over=True, limit=20)
    return [_ledger_row(r) for r in pending], [_ledger_row(r) for r in done]


def countersigners(ctx: Ctx) -> list[Countersigner]:
    """Who may countersign the actor's receipts: active non-staff users other than the actor."""
    ctx.require(Permission.VIEW_TIP_DESK)
    rows = repo.countersigners(ctx.session, ctx.actor.office_id, ctx.actor.user_id)
    return [Countersigner.model_validate(u) for u in rows]


REPORT_DAYS = 30


def tip_reports(ctx: Ctx) -> list[TipReportChoice]:
    """Residents' tip reports of the last 30 days, for a handover to name the one it settles."""
    ctx.require(Permission.VIEW_TIP_DESK)
    since = ctx.now() - timedelta(days=REPORT_DAYS)
    rows = repo.recent_tip_reports(ctx.session, ctx.actor.office_id, since)
    return [
        TipReportChoice(
            id=r.id, staff_name=r.name, amount_fen=r.amount_fen, occurred_at=r.occurred_at
        )
        for r in rows
    ]


def get_receipt(ctx: Ctx, tip_id: int) -> TipReceipt:
    """The receipt of a handed-over tip, for printing (cashier, manager, HR, admin)."""
    ctx.require(Permission.VIEW_TIP_DESK)
    row: Any = repo.receipt_row(ctx.session, ctx.actor.office_id, tip_id)
    if row is None:
        raise NotFound(f"no receipt for tip {tip_id}")
    office_name, cashier_name, signer_name = row[5:]
    return TipReceipt(
        **_ledger_row(row).model_dump(),
        office_name=office_name,
        cashier_name=cashier_name,
        countersigner_name=signer_name,
    )
