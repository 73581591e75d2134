"""The units' QR codes, printed and stuck by each door: scanning one opens the spot-check
form with that unit chosen (the phone's camera app is enough; the form's scan button too)."""

from functools import lru_cache
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import CtxDep, require
from api.templating import render
from compliance.permissions import Permission
from compliance.residents.search import label, natural_key, units_in_order

router = APIRouter(include_in_schema=False)
KEEPERS = require(Permission.MANAGE_RESIDENTS)


def spot_check_link(base_url: str, unit_id: int) -> str:
    """The address a unit's code holds: the spot-check form with the unit chosen."""
    return f"{base_url.rstrip('/')}/spot-checks/new?{urlencode({'unit': unit_id})}"


@lru_cache(maxsize=4096)
def qr_svg(text: str) -> str:
    """A QR code as an SVG data: URL (crisp at any print size; the pages allow data: images).

    Choosing the best mask costs ~20 ms a code, so each address is drawn once per process.
    """
    uri: str = segno.make(text, error="m").svg_data_uri(scale=4, border=2)
    return uri


@router.get("/units/qr", dependencies=[KEEPERS])
def sheet(
    request: Request,
    ctx: CtxDep,
    building: str = "",
    every: Annotated[bool, Query(alias="all")] = False,
) -> Response:
    """A printable sheet of the office's units' QR codes: one building (the first unless
    one is named), or every unit with `?all=1`."""
    units = units_in_order(ctx)
    buildings = sorted({u.building for u in units}, key=natural_key)
    if not every and building not in buildings:
        building = buildings[0] if buildings else ""
    shown = [u for u in units if every or u.building == building]
    base = str(request.base_url)
    cards = [
        {"label": label(u), "url": (url := spot_check_link(base, u.id)), "svg": qr_svg(url)}
        for u in shown
    ]
    return render(
        request,
        "pages/unit_qr.html",
        {"cards": cards, "buildings": buildings, "building": "" if every else building},
    )
