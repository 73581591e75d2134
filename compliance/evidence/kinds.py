"""The evidence kinds: one line per kind (its module declares the rest)."""

from compliance.evidence import (
    attendance,
    damage,
    feedback,
    inspection,
    overtime,
    roster,
    service,
    spot_check_item,
    tip_line,
    visit,
)
from compliance.evidence.registry import Kind

KINDS: tuple[Kind, ...] = (
    inspection.KIND,
    spot_check_item.KIND,
    feedback.KIND,
    attendance.KIND,
    roster.KIND,
    visit.KIND,
    overtime.KIND,
    tip_line.KIND,
    damage.KIND,
    service.ORDER,
    service.EVENT,
    service.CALL,
    service.NOTICE,
)


def get(key: str) -> Kind | None:
    """The kind stored as `key`, None for one no record table backs ('manual')."""
    for kind in KINDS:
        if kind.key == key:
            return kind
    return None


def every() -> tuple[Kind, ...]:
    """All kinds, in the registry's order."""
    return KINDS
