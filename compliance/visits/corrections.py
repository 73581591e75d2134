"""Correcting a record with a reason: the old and new values go to the audit trail.

Shared by work orders (visits) and attendance (punches, roster shifts). A record that a case
cites as evidence is not changed: the case was argued on it (SPEC §6: nothing in a case is
edited, only annotated), so the correction is refused naming the case. Which cases cite a
record is a question for the layers above (findings, cases): they pass `Citations` in
(compliance/flows/citations.py).
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.context import Ctx
from compliance.errors import Conflict, ValidationFailed
from compliance.i18n import N_

# (ctx, evidence kind, record id, staff id) -> (numbers of the cases citing it, ids of the
# findings citing it).
Citations = Callable[[Ctx, str, int, int], tuple[list[str], list[int]]]

NOTHING_CHANGED = N_("nothing was changed: change a value, or leave the page")
CHANGED_SINCE = N_(
    "someone else changed this record after you opened it: look at it again, then correct it"
)
IN_A_CASE = N_(
    "this record is evidence in case %(cases)s and cannot be changed; "
    "write what was wrong as a note on the case instead"
)


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def seen(row: Any, fields: Iterable[str]) -> str:
    """A digest of the row's fields as stored: the edit form carries it, so that a correction
    made on values someone else has changed since is refused instead of overwriting theirs."""
    values = {k: _json(getattr(row, k)) for k in sorted(fields)}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def correct(
    ctx: Ctx,
    row: SQLModel,
    values: Mapping[str, Any],
    *,
    reason: str,
    kind: str,
    cited: Citations,
    action: str,
    entity: str,
    clash: tuple[str, str] | None = None,
    loaded: str | None = None,
) -> dict[str, Any]:
    """Set the changed values on the row, audited with the reason and the old values.

    Returns the audit payload. `clash` is the (field, reason) a unique constraint's refusal
    is reported as; `loaded` is `seen(row)` as the form was shown (None: not checked).
    """
    if loaded is not None and loaded != seen(row, values):
        raise Conflict(CHANGED_SINCE)
    record_id = int(getattr(row, "id"))  # noqa: B009
    cases, findings = cited(ctx, kind, record_id, int(getattr(row, "staff_id")))  # noqa: B009
    if cases:
        raise Conflict(IN_A_CASE, cases=", ".join(cases))
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        raise ValidationFailed.one("reason", NOTHING_CHANGED)
    before = {k: _json(getattr(row, k)) for k in changed}
    for k, v in changed.items():
        setattr(row, k, v)
    ctx.session.add(row)
    try:
        with ctx.session.begin_nested():
            ctx.session.flush()
    except IntegrityError:
        if clash is None:
            raise
        raise ValidationFailed.one(*clash) from None
    payload = {
        "reason": reason,
        "before": before,
        "after": {k: _json(v) for k, v in changed.items()},
        "cited_by_findings": findings,
    }
    audit.record(ctx, action, entity, record_id, payload)
    return payload


@dataclass(frozen=True)
class Correction:
    """One correction of a record as the audit trail holds it."""

    at: datetime
    by: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


def history(ctx: Ctx, entity: str, record_id: int, action: str) -> list[Correction]:
    """The record's corrections, oldest first, from the audit trail of the actor's office."""
    rows = ctx.session.execute(
        select(AuditEvent, col(User.display_name))
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .where(
            col(AuditEvent.office_id) == ctx.actor.office_id,
            col(AuditEvent.entity) == entity,
            col(AuditEvent.entity_id) == str(record_id),
            col(AuditEvent.action) == action,
        )
        .order_by(col(AuditEvent.seq))
    )
    out = []
    for event, name in rows:
        payload = json.loads(event.payload)
        out.append(
            Correction(
                event.at,
                name or "",
                str(payload.get("reason", "")),
                dict(payload.get("before", {})),
                dict(payload.get("after", {})),
            )
        )
    return out
