"""Append events to the chain and verify it."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from compliance.audit import seals as _seals  # noqa: F401  (seals every commit)
from compliance.audit.canonical import canonical_json, event_hash
from compliance.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from compliance.context import Ctx
from compliance.errors import Conflict
from compliance.permissions import Permission


def record(ctx: Ctx, action: str, entity: str, entity_id: object, payload: Any) -> AuditEvent:
    """Append one event for the acting user inside the current transaction."""
    return append(
        ctx.session,
        at=ctx.now(),
        actor_id=ctx.actor.user_id,
        actor_role=ctx.actor.role.value,
        office_id=ctx.actor.office_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        payload=payload,
    )


def append(
    session: Session,
    *,
    at: Any,
    actor_id: int | None,
    actor_role: str,
    office_id: int | None,
    action: str,
    entity: str,
    entity_id: str,
    payload: Any,
) -> AuditEvent:
    """Append an event; the head row lock makes concurrent appends queue, never fork."""
    head = session.execute(
        select(col(AuditHead.seq), col(AuditHead.hash))
        .where(col(AuditHead.id) == 1)
        .with_for_update()
    ).one()
    seq = head.seq + 1
    body = canonical_json(payload)
    digest = event_hash(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_role=actor_role,
        office_id=office_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        payload=body,
        prev_hash=head.hash,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_role=actor_role,
        office_id=office_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        payload=body,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    moved = session.execute(
        update(AuditHead)
        .where(col(AuditHead.id) == 1, col(AuditHead.seq) == head.seq)
        .values(seq=seq, hash=digest)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the audit chain moved under this transaction; try again")
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    """Result of walking the chain."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


def _walk(session: Session) -> Iterator[AuditEvent]:
    stmt = select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=5000)
    for (event,) in session.execute(stmt):
        yield event


def verify(session: Session) -> ChainReport:
    """Recompute every hash; report the first sequence number that does not fit."""
    head = session.execute(
        select(col(AuditHead.seq), col(AuditHead.hash)).where(col(AuditHead.id) == 1)
    ).one()
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0

    def bad(seq: int, reason: str) -> ChainReport:
        return ChainReport(False, count, head.seq, head.hash, seq, reason)

    for ev in _walk(session):
        if ev.seq != expected_seq:
            return bad(expected_seq, f"event {expected_seq} is missing (next found is {ev.seq})")
        if ev.prev_hash != prev_hash:
            return bad(ev.seq, "previous-hash link does not match the event before it")
        recomputed = event_hash(
            seq=ev.seq,
            at=ev.at,
            actor_id=ev.actor_id,
            actor_role=ev.actor_role,
            office_id=ev.office_id,
            action=ev.action,
            entity=ev.entity,
            entity_id=ev.entity_id,
            payload=ev.payload,
            prev_hash=ev.prev_hash,
        )
        if recomputed != ev.hash:
            return bad(ev.seq, "content does not match its hash (edited)")
        prev_hash, expected_seq, count = ev.hash, expected_seq + 1, count + 1
    last_seq = expected_seq - 1
    if head.seq > last_seq:
        return bad(
            last_seq + 1, f"chain ends at {last_seq} but the head says {head.seq} (truncated)"
        )
    if head.seq < last_seq or head.hash != prev_hash:
        return bad(head.seq + 1 if head.seq < last_seq else head.seq, "head does not match chain")
    return ChainReport(True, count, head.seq, head.hash)


def sha256_text(value: str) -> str:
    """Hex SHA-256 of a UTF-8 string."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def verify_chain(ctx: Ctx) -> ChainReport:
    """Admin: walk and check the whole chain (the web's verify button)."""
    ctx.require(Permission.ADMINISTER)
    return verify(ctx.session)
