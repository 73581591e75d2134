"""Use cases for damage incidents (R11): record, value, sign off, settle (amounts), photograph."""

from collections import defaultdict
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from compliance.actors import Role
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.damages.models import DamageIncident, DamagePhoto, DamageSettlement, Settlement
from compliance.damages.schemas import (
    DamageCreate,
    DamageRead,
    PhotoAttach,
    Settle,
    SettlementRead,
    SignOff,
    ValuationSet,
)
from compliance.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.i18n import N_
from compliance.money import format_fen
from compliance.permissions import Permission
from compliance.recording import record_new
from compliance.usecase import transaction, use_case
from compliance.validation import not_in_future, parse

OVER_OWED = "is more than is still owed: assessed − settled outside the payroll − taken from pay"


def _get(ctx: Ctx, damage_id: int) -> DamageIncident:
    row = ctx.session.exec(
        select(DamageIncident).where(
            col(DamageIncident.id) == damage_id,
            col(DamageIncident.office_id) == ctx.actor.office_id,
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"damage incident {damage_id} not found")
    return row


def _read(ctx: Ctx, rows: list[DamageIncident]) -> list[DamageRead]:
    ids = [r.id for r in rows]
    photos: dict[int, list[int]] = defaultdict(list)
    stmt = (
        select(DamagePhoto).where(col(DamagePhoto.damage_id).in_(ids)).order_by(col(DamagePhoto.id))
    )
    for p in ctx.session.exec(stmt):
        photos[p.damage_id].append(p.file_id)
    settled: dict[int, list[SettlementRead]] = defaultdict(list)
    paid = select(DamageSettlement).where(col(DamageSettlement.damage_id).in_(ids))
    for s in ctx.session.exec(paid.order_by(col(DamageSettlement.id))):
        settled[s.damage_id].append(SettlementRead.model_validate(s))
    return [
        DamageRead.model_validate(r).model_copy(
            update={"photo_file_ids": photos[r.id or 0], "settlements": settled[r.id or 0]}
        )
        for r in rows
    ]


def _read_saved(ctx: Ctx, row: DamageIncident) -> DamageRead:
    # Read inside the use case: a read after its commit would open a new (on SQLite,
    # locking) transaction.
    ctx.session.refresh(row)
    return _read(ctx, [row])[0]


def _not_before_incident(field: str, value: datetime, row: DamageIncident) -> None:
    if value < row.occurred_at:
        raise ValidationFailed.one(field, "cannot be before the damage occurred")


def _update_if(ctx: Ctx, damage_id: int, condition: Any, message: str, **values: Any) -> None:
    # A conditional UPDATE: of two people acting at once, one wins and the other gets Conflict.
    result = ctx.session.exec(
        update(DamageIncident)
        .where(col(DamageIncident.id) == damage_id, condition)
        .values(**values)
        # Callers refresh on success; syncing here would dress a lost race up as a win.
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(message)


@use_case
def record_damage(ctx: Ctx, data: DamageCreate | dict[str, Any]) -> DamageRead:
    """Record that a staff member damaged a resident's property (manager)."""
    ctx.require(Permission.RECORD_DAMAGE)
    body = parse(DamageCreate, data)
    row = record_new(
        ctx,
        DamageIncident,
        body,
        staff_id=body.staff_id,
        unit_id=body.unit_id,
        not_future={"occurred_at": body.occurred_at},
        update={"created_at": ctx.now(), "created_by": ctx.actor.user_id},
        audit_action="damage.recorded",
    )
    return _read_saved(ctx, row)


@use_case
def set_valuation(ctx: Ctx, damage_id: int, data: ValuationSet | dict[str, Any]) -> DamageRead:
    """Set the assessed value and its basis while unsettled (manager or HR)."""
    ctx.require(Permission.VALUE_DAMAGE)
    body = parse(ValuationSet, data)
    row = _get(ctx, damage_id)
    changed = (row.assessed_value_fen, row.valuation_basis) != (body.assessed_value_fen, body.basis)
    # The resident signed off a figure; a different figure needs their signature again.
    lapse = row.resident_signed_off_at is not None and changed
    values: dict[str, Any] = {
        "assessed_value_fen": body.assessed_value_fen,
        "valuation_basis": body.basis.value,
        "valuation_note": body.note,
    }
    if lapse:
        values["resident_signed_off_at"] = None
    _update_if(
        ctx,
        damage_id,
        and_(
            col(DamageIncident.settlement) == Settlement.PENDING,
            col(DamageIncident.settled_fen) == 0,
        ),
        f"damage {damage_id} is already (partly) settled; its valuation can no longer change",
        **values,
    )
    payload = {**body.model_dump(mode="json"), "sign_off_lapsed": lapse}
    audit.record(ctx, "damage.valued", "damage_incident", damage_id, payload)
    return _read_saved(ctx, row)


@use_case
def record_sign_off(ctx: Ctx, damage_id: int, data: SignOff | dict[str, Any]) -> DamageRead:
    """Record when the resident signed off the incident and its valuation (manager)."""
    ctx.require(Permission.RECORD_DAMAGE)
    body = parse(SignOff, data)
    row = _get(ctx, damage_id)
    not_in_future("signed_off_at", body.signed_off_at, ctx.now())
    _not_before_incident("signed_off_at", body.signed_off_at, row)
    if row.assessed_value_fen is None:
        raise ValidationFailed.one("assessed_value_fen", "value the damage before the sign-off")
    _update_if(
        ctx,
        damage_id,
        col(DamageIncident.resident_signed_off_at).is_(None),
        f"damage {damage_id} is already signed off",
        resident_signed_off_at=body.signed_off_at,
    )
    audit.record(
        ctx, "damage.signed_off", "damage_incident", damage_id, body.model_dump(mode="json")
    )
    return _read_saved(ctx, row)


class PayRecovery(Protocol):
    """What pay recovers of one damage's compensation (filled in by pay; see flows)."""

    def taken_fen(self, session: Session, damage_id: int) -> int:
        """Taken from pay so far for the damage."""
        ...

    def cancel_for_settlement(self, ctx: Ctx, damage_id: int, settlement_id: int, fen: int) -> int:
        """Cancel up to `fen` of the planned recovery; returns what was cancelled."""
        ...


@use_case
def settle(ctx: Ctx, damage_id: int, data: Settle | dict[str, Any], pay: PayRecovery) -> DamageRead:
    """Record an amount of the compensation settled outside the payroll: paid to the resident
    by the staff member, paid by insurance, or waived (manager or HR).

    One account per damage: no more than assessed − settled − taken from pay can be settled
    (without an amount, all of that is). A deduction already planned for the damage stops
    recovering the settled amount: its planned instalments are reduced or removed.
    """
    ctx.require(Permission.VALUE_DAMAGE)
    body = parse(Settle, data)
    row = _get(ctx, damage_id)
    not_in_future("settled_at", body.settled_at, ctx.now())
    _not_before_incident("settled_at", body.settled_at, row)
    if row.assessed_value_fen is None:
        raise ValidationFailed.one("assessed_value_fen", "value the damage before settling it")
    taken_fen = pay.taken_fen(ctx.session, damage_id)
    owed = row.assessed_value_fen - row.settled_fen - taken_fen
    if owed <= 0:
        raise Conflict(
            N_(
                "damage %(id)s is already settled: assessed %(assessed)s, settled %(settled)s,"
                " taken from pay %(taken)s"
            ),
            id=damage_id,
            assessed=format_fen(row.assessed_value_fen),
            settled=format_fen(row.settled_fen),
            taken=format_fen(taken_fen),
        )
    fen = owed if body.amount_fen is None else body.amount_fen
    if fen > owed:
        # Two reasons: the rule in words (translated), the arithmetic in figures only.
        raise ValidationFailed(
            [
                FieldError("amount_fen", OVER_OWED),
                FieldError(
                    "amount_fen",
                    f"{format_fen(fen)} > {format_fen(row.assessed_value_fen)} − "
                    f"{format_fen(row.settled_fen)} − {format_fen(taken_fen)} = "
                    f"{format_fen(owed)}",
                ),
            ]
        )
    left = owed - fen
    _update_if(
        ctx,
        damage_id,
        col(DamageIncident.settled_fen) == row.settled_fen,
        f"damage {damage_id} was settled by someone else just now; look again",
        settled_fen=row.settled_fen + fen,
        settlement=Settlement.PENDING.value if left else body.kind.value,
        settled_at=body.settled_at,
    )
    entry = DamageSettlement(
        damage_id=damage_id,
        kind=body.kind.value,
        amount_fen=fen,
        at=body.settled_at,
        by=ctx.actor.user_id,
        note=body.note,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    entry.cancelled_fen = pay.cancel_for_settlement(ctx, damage_id, entry.id or 0, fen)
    ctx.session.add(entry)
    ctx.session.flush()
    payload = {
        **body.model_dump(mode="json"),
        "settlement_id": entry.id,
        "amount_fen": fen,
        "assessed_value_fen": row.assessed_value_fen,
        "settled_before_fen": row.settled_fen,
        "taken_from_pay_fen": taken_fen,
        "owed_after_fen": left,
        "deduction_cancelled_fen": entry.cancelled_fen,
    }
    audit.record(ctx, "damage.settled", "damage_incident", damage_id, payload)
    return _read_saved(ctx, row)


@use_case
def attach_photo(ctx: Ctx, damage_id: int, data: PhotoAttach | dict[str, Any]) -> DamageRead:
    """Attach a stored photo of the damage (manager)."""
    ctx.require(Permission.RECORD_DAMAGE)
    body = parse(PhotoAttach, data)
    row = _get(ctx, damage_id)
    stored = ctx.session.exec(
        select(StoredFile.id).where(
            col(StoredFile.id) == body.file_id, col(StoredFile.office_id) == ctx.actor.office_id
        )
    ).first()
    if stored is None:
        raise ValidationFailed.one("file_id", f"unknown file {body.file_id}")
    attached = ctx.session.exec(
        select(DamagePhoto.id).where(
            col(DamagePhoto.damage_id) == damage_id, col(DamagePhoto.file_id) == body.file_id
        )
    ).first()
    if attached is not None:
        raise ValidationFailed.one("file_id", "this photo is already attached")
    photo = DamagePhoto(damage_id=damage_id, file_id=body.file_id)
    ctx.session.add(photo)
    ctx.session.flush()
    audit.record(
        ctx, "damage.photo_attached", "damage_incident", damage_id, {"file_id": body.file_id}
    )
    return _read_saved(ctx, row)


def list_damages(ctx: Ctx, staff_id: int | None = None) -> list[DamageRead]:
    """Damage incidents of the office, newest first; staff see only their own."""
    ctx.require(Permission.LIST_DAMAGES)
    if ctx.actor.role == Role.STAFF:
        if staff_id not in (None, ctx.actor.staff_id) or ctx.actor.staff_id is None:
            raise Forbidden("staff may only see their own damage incidents")
        staff_id = ctx.actor.staff_id
    stmt = select(DamageIncident).where(col(DamageIncident.office_id) == ctx.actor.office_id)
    if staff_id is not None:
        stmt = stmt.where(col(DamageIncident.staff_id) == staff_id)
    stmt = stmt.order_by(col(DamageIncident.occurred_at).desc(), col(DamageIncident.id).desc())
    return _read(ctx, list(ctx.session.exec(stmt)))


def get_damage(ctx: Ctx, damage_id: int) -> DamageRead:
    """One damage incident of the office with its photos (manager, HR, admin)."""
    ctx.require(Permission.VIEW_DAMAGE)
    return _read(ctx, [_get(ctx, damage_id)])[0]


def attach_upload(ctx: Ctx, damage_id: int, data: bytes, original_name: str) -> DamageRead:
    """Store an uploaded photo and attach it to the incident in one transaction (manager)."""
    ctx.require(Permission.RECORD_DAMAGE)
    _get(ctx, damage_id)
    image = files.clean_upload(ctx, data, original_name)
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):  # committed here, so that a failed commit discards
            stored.append(files.save_clean(ctx, image))
            return attach_photo(ctx, damage_id, {"file_id": stored[0].id})
    except BaseException:  # the use case undid the rows; the files go too
        files.discard(ctx, stored)
        raise
