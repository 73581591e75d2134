"""Canonical JSON and SHA-256 digests, so equal inputs always hash the same."""

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    # fields() rebuilds its tuple on every call; digests of thousands of facts add up.
    return tuple(f.name for f in fields(cls))


def _default(value: object) -> object:
    # datetime is a subclass of date, so it must be tested first.
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"naive datetime {value.isoformat()} cannot be digested")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        # Shallow on purpose: json.dumps calls back here for nested values.
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} into canonical JSON")


def canonical_json(value: object) -> str:
    """Serialise to JSON with sorted keys, no spaces, UTF-8 text and UTC datetimes."""
    return json.dumps(
        value, default=_default, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def digest(value: object) -> str:
    """Return the SHA-256 hex digest of the value's canonical JSON."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def safe_digest(value: object) -> str:
    """Digest like `digest`, falling back to repr() so error reporting never fails."""
    try:
        return digest(value)
    except Exception:  # the value itself may be the broken input being reported
        return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()
