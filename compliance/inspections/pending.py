"""Photos chosen on a spot-check form that was refused, kept for the next try.

A browser cannot fill a file input again, so when the form comes back with an error the
photos that were fine are stored (without metadata, as every photo) and the form carries
them as `item_key:file_id:token`. The token is an HMAC keyed by the file's random storage
name (never shown to anyone) over the uploader and the file, so only the user who chose the
photo can attach it, and only once: a file already attached to a spot check is not pending.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import FieldError
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.files.service import CleanImage
from compliance.i18n import N_
from compliance.inspections.models import SpotCheckPhoto
from compliance.permissions import Permission
from compliance.usecase import transaction

GONE = N_("a photo kept from the last try is no longer available: choose it again")


@dataclass(frozen=True)
class Pending:
    """A stored photo waiting for its spot check; item_key "" means the whole check."""

    item_key: str
    file_id: int
    token: str
    name: str

    @property
    def value(self) -> str:
        """What the form sends back to claim it."""
        return f"{self.item_key}:{self.file_id}:{self.token}"


def _token(row: StoredFile, user_id: int | None) -> str:
    message = f"spot-check-pending:{user_id}:{row.id}".encode()
    return hmac.new(row.storage_name.encode(), message, hashlib.sha256).hexdigest()[:32]


def keep(ctx: Ctx, images: Sequence[tuple[str, CleanImage]]) -> list[Pending]:
    """Store the photos of a refused form (committed now: the refusal undoes the rest)."""
    if not images:
        return []
    ctx.require(Permission.UPLOAD_FILES)
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):
            stored = [files.save_clean(ctx, image) for _key, image in images]
    except BaseException:
        files.discard(ctx, stored)
        raise
    return [
        Pending(key, row.id or 0, _token(row, ctx.actor.user_id), row.original_name)
        for (key, _image), row in zip(images, stored, strict=True)
    ]


def _parse(value: str) -> tuple[str, int, str] | None:
    parts = value.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


def claim(ctx: Ctx, values: Sequence[str]) -> tuple[list[Pending], list[FieldError]]:
    """The kept photos the form sends back that this user may attach, and an error for any
    other (unknown, someone else's, or attached to a check meanwhile)."""
    wanted = [p for p in (_parse(v) for v in values if v.strip()) if p is not None]
    errors = [FieldError("photos", GONE)] * (len([v for v in values if v.strip()]) - len(wanted))
    if not wanted:
        return [], errors[:1]
    ids = sorted({file_id for _k, file_id, _t in wanted})
    rows = files.files_in_office(ctx, ids)
    used = set(
        ctx.session.execute(
            select(col(SpotCheckPhoto.file_id)).where(col(SpotCheckPhoto.file_id).in_(ids))
        ).scalars()
    )
    out: list[Pending] = []
    seen: set[int] = set()
    for key, file_id, token in wanted:
        row = rows.get(file_id)
        ok = (
            row is not None
            and row.created_by == ctx.actor.user_id
            and file_id not in used
            and file_id not in seen
            and hmac.compare_digest(token, _token(row, ctx.actor.user_id))
        )
        if not ok or row is None:
            errors.append(FieldError("photos", GONE))
            continue
        seen.add(file_id)
        out.append(Pending(key, file_id, token, row.original_name))
    return out, errors[:1]
