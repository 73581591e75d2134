"""The units' QR codes, printed and stuck by each door. A code holds /units/scan?unit=ID, which
sends whoever scans it where that unit is wanted: a manager to the spot-check form with the unit
chosen, a staff member to the check-in of their job there (the phone's camera app is enough;
the pages' own scan buttons read the same code)."""

from functools import lru_cache
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, require
from api.templating import render
from compliance.permissions import Permission, holds
from compliance.residents.search import label, natural_key, units_in_order

router = APIRouter(include_in_schema=False)
KEEPERS = require(Permission.MANAGE_RESIDENTS)
SIGNED_IN = require(Permission.USE_APP)


def unit_link(base_url: str, unit_id: int) -> str:
    """The address a unit's code holds (see `scanned`)."""
    return f"{base_url.rstrip('/')}/units/scan?{urlencode({'unit': unit_id})}"


@router.get("/units/scan", dependencies=[SIGNED_IN])
def scanned(ctx: CtxDep, unit: int = 0) -> Response:
    """Where a scanned unit code leads: the spot check for one who records them, else the
    check-in of one's job at that unit, else home. The page it leads to checks the unit."""
    query = urlencode({"unit": unit})
    if holds(ctx.actor, Permission.RECORD_SPOT_CHECK):
        return RedirectResponse(f"/spot-checks/new?{query}", status_code=303)
    if holds(ctx.actor, Permission.WORK_SERVICE_ORDER):
        return RedirectResponse(f"/service/my/checkin?{query}", status_code=303)
    return RedirectResponse("/", status_code=303)


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
        {"label": label(u), "url": (url := unit_link(base, u.id)), "svg": qr_svg(url)}
        for u in shown
    ]
    return render(
        request,
        "pages/unit_qr.html",
        {"cards": cards, "buildings": buildings, "building": "" if every else building},
    )
