"""Use cases for uploaded photos: validate, strip metadata, store, and read back."""

import hashlib
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import Select, select, union
from sqlmodel import col

from compliance.actors import Role
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import ComplianceError, NotFound, ValidationFailed
from compliance.files import storage
from compliance.files.models import StoredFile
from compliance.permissions import Permission
from compliance.usecase import transaction

# Pillow format -> (content type, extension, save options).
_FORMATS: dict[str, tuple[str, str, dict[str, object]]] = {
    "JPEG": ("image/jpeg", ".jpg", {"quality": 85, "optimize": True}),
    "PNG": ("image/png", ".png", {"optimize": True}),
    "WEBP": ("image/webp", ".webp", {"quality": 85}),
    # A document is kept as it came (checked to be a whole PDF), never decoded or re-encoded.
    "PDF": ("application/pdf", ".pdf", {}),
}
_MODES = {"JPEG": ("RGB", "L"), "PNG": ("RGB", "RGBA", "L", "LA"), "WEBP": ("RGB", "RGBA")}
# Far above any phone camera; stops a small file that decompresses into gigabytes.
MAX_PIXELS = 60_000_000


class FileTampered(ComplianceError):
    """The bytes on disk no longer match the SHA-256 recorded when they were stored."""


@dataclass(frozen=True)
class CleanImage:
    """An upload that passed the checks, re-encoded without metadata, not yet stored."""

    data: bytes
    fmt: str
    width: int
    height: int
    original_name: str


def clean_upload(ctx: Ctx, data: bytes, original_name: str) -> CleanImage:
    """Check an upload (size, image type from the bytes) and strip it; writes nothing."""
    ctx.require(Permission.UPLOAD_FILES)
    limit = ctx.settings.max_upload_bytes
    if not data:
        raise ValidationFailed.one("file", "is empty")
    if len(data) > limit:
        raise ValidationFailed.one("file", f"is larger than the limit of {limit} bytes")
    fmt, clean, width, height = _clean_image(data, ctx.settings.max_image_side_px)
    return CleanImage(clean, fmt, width, height, original_name.strip()[:255])


def clean_attachment(ctx: Ctx, data: bytes, original_name: str) -> CleanImage:
    """Check a file a staff member attaches to their own case (a photo, or a PDF document);
    the caller checks that they may act on the case. Photos are cleaned as any upload."""
    limit = ctx.settings.max_upload_bytes
    if not data:
        raise ValidationFailed.one("file", "is empty")
    if len(data) > limit:
        raise ValidationFailed.one("file", f"is larger than the limit of {limit} bytes")
    name = original_name.strip()[:255]
    if data.startswith(b"%PDF-"):
        # A whole PDF ends with its end-of-file marker (a little trailing junk is allowed).
        if b"%%EOF" not in data[-2048:]:
            raise ValidationFailed.one("file", "not a PDF (the document is incomplete)")
        return CleanImage(data, "PDF", 0, 0, name)
    try:
        fmt, clean, width, height = _clean_image(data, ctx.settings.max_image_side_px)
    except ValidationFailed as exc:
        if exc.errors and exc.errors[0].reason.startswith("not an image (JPEG"):
            raise ValidationFailed.one("file", ATTACHMENT_TYPES) from None
        raise
    return CleanImage(clean, fmt, width, height, name)


ATTACHMENT_TYPES = "not a photo or PDF (JPEG, PNG, WebP or PDF expected)"


def save_clean(ctx: Ctx, image: CleanImage) -> StoredFile:
    """Write a cleaned image and its row (flushed, not committed; the caller commits).

    If the caller's transaction fails afterwards it must call `discard` on the rows.
    """
    content_type, extension, _ = _FORMATS[image.fmt]
    name = storage.new_name(extension)
    storage.write_atomic(ctx.settings.data_dir, name, image.data)
    try:
        row = StoredFile(
            office_id=ctx.actor.office_id,
            storage_name=name,
            sha256=hashlib.sha256(image.data).hexdigest(),
            content_type=content_type,
            size_bytes=len(image.data),
            width=image.width or None,
            height=image.height or None,
            original_name=image.original_name,
            created_at=ctx.now(),
            created_by=ctx.actor.user_id,
        )
        ctx.session.add(row)
        ctx.session.flush()
        payload = {"sha256": row.sha256, "content_type": content_type, "size": len(image.data)}
        audit.record(ctx, "file.stored", "stored_file", row.id, payload)
    except BaseException:
        storage.remove(ctx.settings.data_dir, name)
        raise
    return row


def discard(ctx: Ctx, rows: list[StoredFile]) -> None:
    """Remove the files of rows whose transaction rolled back (no row points at them)."""
    for row in rows:
        storage.remove(ctx.settings.data_dir, row.storage_name)


def store_image(ctx: Ctx, data: bytes, original_name: str) -> StoredFile:
    """Store an uploaded photo re-encoded without metadata (manager, HR or admin)."""
    image = clean_upload(ctx, data, original_name)
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):
            stored.append(save_clean(ctx, image))
    except BaseException:
        # No row will point at the file; remove it rather than leave an orphan.
        discard(ctx, stored)
        raise
    return stored[0]


def open_file(ctx: Ctx, file_id: int) -> bytes:
    """The bytes of a stored file of the actor's office, checked against its SHA-256."""
    row = _get(ctx, file_id)
    try:
        data = storage.read(ctx.settings.data_dir, row.storage_name)
    except FileNotFoundError:
        raise NotFound(f"the content of file {file_id} is missing") from None
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise FileTampered(f"file {file_id} does not match its recorded SHA-256")
    return data


# A domain whose records carry photos: the ids of the files on a staff member's own records.
StaffPhotos = Callable[[int], Select[Any]]


def open_visible(ctx: Ctx, file_id: int, owners: Sequence[StaffPhotos]) -> tuple[StoredFile, bytes]:
    """A photo's metadata and bytes for the viewer; staff get only the photos the owners
    (the domains holding photos) name as theirs; anything else: NotFound, as if absent."""
    ctx.require(Permission.VIEW_FILES)
    stmt = select(StoredFile).where(
        col(StoredFile.id) == file_id, col(StoredFile.office_id) == ctx.actor.office_id
    )
    if ctx.actor.role == Role.STAFF:
        own = ctx.actor.staff_id if ctx.actor.staff_id is not None else -1
        stmt = stmt.where(col(StoredFile.id).in_(union(*(photos(own) for photos in owners))))
    row: StoredFile | None = ctx.session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound(f"file {file_id} not found")
    return row, open_file(ctx, file_id)


def get_file(ctx: Ctx, file_id: int) -> StoredFile:
    """A stored file's metadata, if it belongs to the actor's office."""
    return _get(ctx, file_id)


def files_in_office(ctx: Ctx, file_ids: list[int]) -> dict[int, StoredFile]:
    """Those of the given files that belong to the actor's office, by id (one query)."""
    if not file_ids:
        return {}
    rows = ctx.session.execute(
        select(StoredFile).where(
            col(StoredFile.id).in_(sorted(set(file_ids))),
            col(StoredFile.office_id) == ctx.actor.office_id,
        )
    ).scalars()
    return {r.id: r for r in rows if r.id is not None}


def _get(ctx: Ctx, file_id: int) -> StoredFile:
    row: StoredFile | None = ctx.session.execute(
        select(StoredFile).where(
            col(StoredFile.id) == file_id, col(StoredFile.office_id) == ctx.actor.office_id
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"file {file_id} not found")
    return row


def _clean_image(data: bytes, max_side: int) -> tuple[str, bytes, int, int]:
    """Decode, orient, downscale and re-encode; return (format, bytes, width, height)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format or ""
                if fmt not in _FORMATS:
                    raise ValidationFailed.one("file", "not an image (JPEG, PNG or WebP expected)")
                if img.width * img.height > MAX_PIXELS:
                    raise ValidationFailed.one("file", "image has too many pixels")
                img.load()
                oriented = ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed.one("file", "not an image (JPEG, PNG or WebP expected)") from None
    except (OSError, SyntaxError, ValueError):
        # Truncated or corrupt image data that Pillow recognised but cannot decode.
        raise ValidationFailed.one("file", "not an image (the image data is damaged)") from None
    if oriented.mode not in _MODES[fmt]:
        has_alpha = "A" in oriented.mode or "transparency" in oriented.info
        target = "RGBA" if has_alpha and "RGBA" in _MODES[fmt] else "RGB"
        oriented = oriented.convert(target)
    oriented.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image carries pixels only: no EXIF (GPS), XMP, ICC, comments or text chunks.
    bare = Image.frombytes(oriented.mode, oriented.size, oriented.tobytes())
    out = io.BytesIO()
    bare.save(out, format=fmt, **_FORMATS[fmt][2])
    return fmt, out.getvalue(), bare.width, bare.height
