"""Finding a unit by what a person types: "3-1203", "3栋1203", "3栋 1203" or just "1203".

Units are listed in natural order (building 2 before building 10, room 101 before 1001), the
way a manager reads them off the doors.
"""

import re
from collections.abc import Sequence

from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.residents import repository as repo
from compliance.residents.schemas import UnitRead

_PARTS = re.compile(r"(\d+)")
# Words and marks between a building and a room: 3栋1203, 3号楼1203, 3-1203, 3/1203, 3 1203.
_BUILDING_ROOM = re.compile(
    r"^(?P<b>[^\d\s]*\d+[A-Za-z]?)\s*(?:栋|幢|座|号楼|号|#|-|/|\s)+\s*(?P<r>\d+[A-Za-z]?)\s*(?:室|号)?$"
)
_ROOM = re.compile(r"^(?P<r>\d+[A-Za-z]?)\s*(?:室|号)?$")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key comparing runs of digits as numbers: 2 < 10, 101 < 1001."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _PARTS.split(text) if part
    )


def unit_order(unit: UnitRead) -> tuple[tuple[tuple[int, int | str], ...], ...]:
    """A unit's place in natural order: by building, then room."""
    return (natural_key(unit.building), natural_key(unit.room))


def label(unit: UnitRead) -> str:
    """How a unit is written in pickers and on QR sheets: "3栋 1203"."""
    return f"{unit.building} {unit.room}"


def units_in_order(ctx: Ctx) -> list[UnitRead]:
    """The office's units in natural order (every role: addresses are not personal data)."""
    ctx.require(Permission.USE_APP)
    rows = repo.list_units(ctx.session, ctx.actor.office_id)
    return sorted((UnitRead.model_validate(u) for u in rows), key=unit_order)


def _digits(text: str) -> str:
    """The number of a building or room without its words: "3栋" -> "3", "12A" -> "12A"."""
    found = re.search(r"\d+[A-Za-z]?", text)
    return found.group(0).lstrip("0").upper() if found else text.strip()


def _room(text: str) -> str:
    return text.strip().upper().lstrip("0")


def matching(units: Sequence[UnitRead], typed: str) -> list[UnitRead]:
    """The units the typed text can mean, in natural order (several when only a room is given
    and more than one building has it)."""
    text = " ".join(typed.split())
    if not text:
        return []
    squashed = text.replace(" ", "")
    exact = [u for u in units if (u.building + u.room).replace(" ", "") == squashed]
    if exact:
        return exact
    m = _BUILDING_ROOM.match(text)
    if m:
        b, r = _digits(m.group("b")), _room(m.group("r"))
        return [u for u in units if _digits(u.building) == b and _room(u.room) == r]
    m = _ROOM.match(text)
    if m:
        r = _room(m.group("r"))
        return [u for u in units if _room(u.room) == r]
    return []


def find_unit(ctx: Ctx, typed: str, field: str = "unit") -> UnitRead:
    """The one unit the typed text names; otherwise a field error saying what to type."""
    found = matching(units_in_order(ctx), typed)
    if not found:
        raise ValidationFailed.one(field, N_("no unit with this building and room"))
    if len(found) > 1:
        raise ValidationFailed.one(
            field, N_("several buildings have this room: type the building too, e.g. 3-1203")
        )
    return found[0]
