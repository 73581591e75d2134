"""/api/spot-checks: record a spot check, with photos uploaded in the same request or by id."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.exceptions import HTTPException

from api.deps import CtxDep, IdPath, require
from api.judged import Judgment, judge
from api.pages.spot_checks import uploaded_photos
from compliance.errors import ValidationFailed
from compliance.flows import spot_checks as service
from compliance.flows.judgments import RecordKind
from compliance.flows.spot_checks import SpotCheckResult, Upload
from compliance.inspections.schemas import SpotCheckCreate, SpotCheckRead
from compliance.permissions import Permission

router = APIRouter(prefix="/api/spot-checks", tags=["spot checks"])


class SpotCheckSaved(SpotCheckRead):
    """The spot check as saved, and what each checklist item's rule concluded."""

    judgment: Judgment


MULTIPART_HELP = (
    "Either a JSON body (SpotCheckCreate; photos as ids of stored files), or "
    "multipart/form-data with a `data` field holding that JSON and one or more `photos` files."
)


class SpotCheckInput:
    """The check as JSON and the photo files uploaded with it (none for a JSON body)."""

    def __init__(self, data: dict[str, Any], uploads: list[Upload]) -> None:
        self.data = data
        self.uploads = uploads


async def spot_check_input(request: Request) -> SpotCheckInput:
    """Read either body shape; anything unreadable is a 422 on `body`."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await request.form()
        except HTTPException as exc:  # Starlette's 400 for a multipart body it cannot parse
            raise ValidationFailed.one("body", f"unreadable multipart body: {exc.detail}") from None
        raw = form.get("data")
        # Only the `photos` field: photos of one item are given by id in `data`.
        uploads = [u for u in await uploaded_photos(request) if u.item_key is None]
    else:
        raw = (await request.body()).decode("utf-8", "replace")
        uploads = []
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw.strip() else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ValidationFailed.one("body", "a JSON object (or multipart `data` field) is required")
    return SpotCheckInput(data, uploads)


@router.post(
    "",
    status_code=201,
    dependencies=[require(Permission.RECORD_SPOT_CHECK)],
    description=MULTIPART_HELP,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": SpotCheckCreate.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "data": {"type": "string", "description": "SpotCheckCreate as JSON"},
                            "photos": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                        "required": ["data"],
                    }
                },
            },
            "required": True,
        }
    },
)
def record(
    body: Annotated[SpotCheckInput, Depends(spot_check_input)], ctx: CtxDep
) -> SpotCheckSaved:
    """Record a spot check and judge it at once: each item's verdict with the measurement
    and the limit; failed items become findings (their ids are returned)."""
    saved = service.record_spot_check_with_photos(ctx, body.data, body.uploads)
    judgment = judge(ctx, RecordKind.SPOT_CHECK, saved.id)
    return SpotCheckSaved(**saved.model_dump(), judgment=judgment)


@router.get("/{spot_check_id}", dependencies=[require(Permission.VIEW_SPOT_CHECKS)])
def get(spot_check_id: IdPath, ctx: CtxDep) -> SpotCheckResult:
    """A recorded spot check with its answers, photos and the findings it raised."""
    return service.get_spot_check(ctx, spot_check_id)
