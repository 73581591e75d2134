"""Canonical JSON and the event hash: the same input gives the same bytes everywhere."""

import hashlib
import json
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"not JSON-serialisable in an audit payload: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text, datetimes as UTC ISO-8601."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def event_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_role: str,
    office_id: int | None,
    action: str,
    entity: str,
    entity_id: str,
    payload: str,
    prev_hash: str,
) -> str:
    """SHA-256 over every field of the event and the previous hash."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "office_id": office_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "payload": payload,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
