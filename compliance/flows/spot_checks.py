"""Recording an unannounced spot check and judging it: failed items become findings
(inspections -> findings, so it lives in flows)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.cases.models import Case, CaseFinding
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, NotFound, ValidationFailed
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.files.service import CleanImage, files_in_office
from compliance.findings import service as findings
from compliance.findings.models import Finding, FindingSource
from compliance.findings.schemas import FindingRead
from compliance.i18n import N_
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.inspections.schemas import (
    SpotCheckCreate,
    SpotCheckItemRead,
    SpotCheckPhotoIn,
    SpotCheckPhotoRead,
    SpotCheckRead,
)
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.residents.repository import get_unit_in_office
from compliance.staff.models import Staff
from compliance.staff.repository import get_in_office
from compliance.usecase import transaction, use_case
from compliance.validation import not_in_future, parse
from policies import registry
from policies.vocab import ItemResult


class Consequence(BaseModel):
    """What a checklist item led to: the finding raised, its rule, and its case if the
    finding was confirmed into one (opened or joined)."""

    finding_id: int
    rule_code: str
    finding_status: str
    case_id: int | None = None
    case_number: str = ""


NEEDS_EVIDENCE = N_("a failed item needs evidence: add a photo of it or a note")


class SpotCheckResult(BaseModel):
    """A recorded check for its result page: who, where, answers, photos, raised findings."""

    id: int
    staff_id: int
    staff_name: str
    employee_no: str
    unit: str
    area: str
    checked_at: datetime
    notes: str
    items: list[SpotCheckItemRead]
    photo_file_ids: list[int]
    findings: list[FindingRead]
    # What each failed item led to (by item id), and the photos taken of each item.
    consequences: dict[int, Consequence] = {}
    item_photos: dict[int, list[int]] = {}
    inspector_name: str = ""


@use_case
def record_spot_check(ctx: Ctx, data: SpotCheckCreate | dict[str, Any]) -> SpotCheckRead:
    """Record a spot check with its checklist and photos; failed items become findings."""
    ctx.require(Permission.RECORD_SPOT_CHECK)
    body = parse(SpotCheckCreate, data)
    rule_codes = _validate(ctx, body)
    _check_photos(ctx, body)
    return _insert(ctx, body, rule_codes)


@dataclass(frozen=True)
class Upload:
    """A photo file sent with the form, for the whole check or one item (item_key)."""

    data: bytes
    name: str
    item_key: str | None = None


@dataclass(frozen=True)
class Cleaned:
    """An upload that passed the image checks, not yet stored."""

    image: CleanImage
    item_key: str | None


def clean_uploads(ctx: Ctx, uploads: Sequence[Upload]) -> tuple[list[Cleaned], list[FieldError]]:
    """Check every upload (writes nothing): the good ones, and `photos.N` errors for the rest
    (N counting from 0 in upload order)."""
    cleaned: list[Cleaned] = []
    errors: list[FieldError] = []
    for i, up in enumerate(uploads):
        try:
            cleaned.append(Cleaned(files.clean_upload(ctx, up.data, up.name), up.item_key))
        except ValidationFailed as exc:
            errors += [FieldError(f"photos.{i}", e.reason) for e in exc.errors]
    return cleaned, errors


def record_spot_check_with_photos(
    ctx: Ctx, data: dict[str, Any], uploads: Sequence[Upload]
) -> SpotCheckRead:
    """Record a spot check with photos uploaded in the same request, all or nothing.

    Every answer and every upload is checked before anything is written; a rejected upload
    is reported as `photos.N` (N counting from 0 in upload order), and nothing is kept.
    """
    ctx.require(Permission.RECORD_SPOT_CHECK)
    cleaned, errors = clean_uploads(ctx, uploads)
    return record_cleaned(ctx, data, cleaned, errors=errors)


def record_cleaned(
    ctx: Ctx,
    data: dict[str, Any],
    cleaned: Sequence[Cleaned],
    *,
    kept: Sequence[SpotCheckPhotoIn] = (),
    errors: Sequence[FieldError] = (),
    require_evidence: bool = False,
) -> SpotCheckRead:
    """Record a check with checked uploads and photos already stored (`kept`), all or nothing.

    `errors` found before (the uploads' own) are reported with the answers' errors. With
    `require_evidence` (the web form) a failed item needs its own photo or a note, else
    `items.N.evidence`.
    """
    ctx.require(Permission.RECORD_SPOT_CHECK)
    found: list[FieldError] = list(errors)
    body: SpotCheckCreate | None = None
    rule_codes: list[str] = []
    try:
        body = parse(SpotCheckCreate, data)
        body.photos += list(kept)
        rule_codes = _validate(ctx, body)
        _check_photos(ctx, body)
        if require_evidence:
            keys = {c.item_key for c in cleaned} | {p.item_key for p in body.photos}
            _check_evidence(body, keys)
    except ValidationFailed as exc:
        found += exc.errors
    if found or body is None:
        raise ValidationFailed(found)
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):  # committed here, so that a failed commit discards
            stored = [files.save_clean(ctx, c.image) for c in cleaned]
            body.photos += [
                SpotCheckPhotoIn(file_id=row.id or 0, item_key=c.item_key)
                for row, c in zip(stored, cleaned, strict=True)
            ]
            return _insert(ctx, body, rule_codes)
    except BaseException:  # the use case undid the rows; the files go too
        files.discard(ctx, stored)
        raise


def _check_evidence(body: SpotCheckCreate, photo_keys: set[str | None]) -> None:
    """A failed item needs its own evidence: a photo of it or a note."""
    errors = [
        FieldError(f"items.{i}.evidence", NEEDS_EVIDENCE)
        for i, item in enumerate(body.items)
        if item.result is ItemResult.FAIL
        and not item.note.strip()
        and item.item_key not in photo_keys
    ]
    if errors:
        raise ValidationFailed(errors)


def _validate(ctx: Ctx, body: SpotCheckCreate) -> list[str]:
    office_id = ctx.actor.office_id
    get_in_office(ctx.session, office_id, body.staff_id)
    if body.unit_id is not None:
        get_unit_in_office(ctx.session, office_id, body.unit_id)
    not_in_future("checked_at", body.checked_at, ctx.now())
    return _check_items(body)


def _insert(ctx: Ctx, body: SpotCheckCreate, rule_codes: list[str]) -> SpotCheckRead:
    office_id = ctx.actor.office_id
    now = ctx.now()
    check = SpotCheck(
        office_id=office_id,
        staff_id=body.staff_id,
        inspector_id=ctx.actor.user_id,
        unit_id=body.unit_id,
        area=body.area,
        checked_at=body.checked_at,
        work_date=local_date(body.checked_at, ctx.tz),
        notes=body.notes,
        created_at=now,
    )
    ctx.session.add(check)
    ctx.session.flush()
    assert check.id is not None
    items = [
        SpotCheckItem(
            spot_check_id=check.id,
            rule_code=code,
            item_key=item.item_key,
            result=item.result.value,
            observed=item.observed,
            note=item.note,
        )
        for item, code in zip(body.items, rule_codes, strict=True)
    ]
    ctx.session.add_all(items)
    ctx.session.flush()
    item_ids = {i.item_key: i.id for i in items}
    photos = [
        SpotCheckPhoto(
            spot_check_id=check.id,
            item_id=item_ids[p.item_key] if p.item_key else None,
            file_id=p.file_id,
        )
        for p in body.photos
    ]
    ctx.session.add_all(photos)
    ctx.session.flush()
    audit.record(ctx, "spot_check.recorded", "spot_check", check.id, body.model_dump(mode="json"))
    raised = findings.raise_from_spot_check(ctx, check, items)
    return SpotCheckRead(
        id=check.id,
        staff_id=check.staff_id,
        inspector_id=check.inspector_id,
        unit_id=check.unit_id,
        area=check.area,
        checked_at=check.checked_at,
        work_date=check.work_date,
        notes=check.notes,
        items=[SpotCheckItemRead.model_validate(i) for i in items],
        photos=[SpotCheckPhotoRead.model_validate(p) for p in photos],
        finding_ids=sorted(f.id for f in raised if f.id is not None),
    )


def _check_items(body: SpotCheckCreate) -> list[str]:
    """Validate every item against the rulebook; return each item's rule code."""
    errors: list[FieldError] = []
    codes: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(body.items):
        where = f"items.{i}"
        try:
            policy, spec = registry.find_item(item.item_key)
        except KeyError:
            errors.append(
                FieldError(f"{where}.item_key", f"unknown checklist item {item.item_key!r}")
            )
            codes.append("")
            continue
        codes.append(policy.code)
        if item.item_key in seen:
            errors.append(FieldError(f"{where}.item_key", "is answered twice in this check"))
        seen.add(item.item_key)
        measured = spec.observed
        if measured is None and item.observed is not None:
            errors.append(FieldError(f"{where}.observed", "this item records no measurement"))
        elif measured is not None and item.observed is None and item.result is ItemResult.FAIL:
            # A failure is judged against the limit: the measurement is needed (a pass
            # without one is the inspector's word that it was within the limit).
            errors.append(
                FieldError(f"{where}.observed", f"give the {measured.name} ({measured.unit})")
            )
    if errors:
        raise ValidationFailed(errors)
    return codes


def _check_photos(ctx: Ctx, body: SpotCheckCreate) -> None:
    """Every photo must be a stored file of this office, once, tied to an answered item."""
    known = files_in_office(ctx, [p.file_id for p in body.photos])
    keys = {item.item_key for item in body.items}
    errors: list[FieldError] = []
    seen: set[int] = set()
    for i, photo in enumerate(body.photos):
        if photo.file_id not in known:
            errors.append(FieldError(f"photos.{i}.file_id", f"unknown file {photo.file_id}"))
        elif photo.file_id in seen:
            errors.append(FieldError(f"photos.{i}.file_id", "is attached twice"))
        seen.add(photo.file_id)
        if photo.item_key is not None and photo.item_key not in keys:
            errors.append(FieldError(f"photos.{i}.item_key", "is not one of this check's items"))
    if errors:
        raise ValidationFailed(errors)


def get_spot_check(ctx: Ctx, spot_check_id: int) -> SpotCheckResult:
    """A recorded spot check with its answers, photos and the findings it raised (manager, HR)."""
    ctx.require(Permission.VIEW_SPOT_CHECKS)
    found = ctx.session.execute(
        select(
            SpotCheck, col(Staff.name), col(Staff.employee_no), col(Unit.building), col(Unit.room)
        )
        .join(Staff, col(Staff.id) == col(SpotCheck.staff_id))
        .outerjoin(Unit, col(Unit.id) == col(SpotCheck.unit_id))
        .where(col(SpotCheck.id) == spot_check_id, col(SpotCheck.office_id) == ctx.actor.office_id)
    ).one_or_none()
    if found is None:
        raise NotFound(f"spot check {spot_check_id} not found")
    check, staff_name, employee_no, building, room = found
    items = list(
        ctx.session.execute(
            select(SpotCheckItem)
            .where(col(SpotCheckItem.spot_check_id) == spot_check_id)
            .order_by(col(SpotCheckItem.id))
        ).scalars()
    )
    photos = list(
        ctx.session.execute(
            select(SpotCheckPhoto)
            .where(col(SpotCheckPhoto.spot_check_id) == spot_check_id)
            .order_by(col(SpotCheckPhoto.id))
        ).scalars()
    )
    keys = [f"spot_check_item:{i.id}" for i in items]
    raised = list(
        ctx.session.execute(
            select(Finding)
            .where(
                col(Finding.office_id) == ctx.actor.office_id,
                col(Finding.source) == FindingSource.SPOT_CHECK.value,
                col(Finding.dedupe_key).in_(keys),
            )
            .order_by(col(Finding.rule_code), col(Finding.id))
        ).scalars()
    )
    cases: dict[int, Case] = {
        finding_id: case
        for finding_id, case in ctx.session.execute(
            select(col(CaseFinding.finding_id), Case)
            .join(Case, col(Case.id) == col(CaseFinding.case_id))
            .where(col(CaseFinding.finding_id).in_([f.id for f in raised]))
        ).all()
    }
    consequences: dict[int, Consequence] = {}
    for f in raised:
        item_id = int(f.dedupe_key.rsplit(":", 1)[1])
        case = cases.get(f.id or 0)
        consequences[item_id] = Consequence(
            finding_id=f.id or 0,
            rule_code=f.rule_code,
            finding_status=f.status,
            case_id=case.id if case else None,
            case_number=case.number if case else "",
        )
    item_photos: dict[int, list[int]] = {}
    for p in photos:
        if p.item_id is not None:
            item_photos.setdefault(p.item_id, []).append(p.file_id)
    inspector = ctx.session.execute(
        select(col(User.display_name)).where(col(User.id) == check.inspector_id)
    ).scalar_one_or_none()
    return SpotCheckResult(
        id=check.id or 0,
        staff_id=check.staff_id,
        staff_name=staff_name,
        employee_no=employee_no,
        unit=f"{building} {room}" if building else "",
        area=check.area,
        checked_at=check.checked_at,
        notes=check.notes,
        items=[SpotCheckItemRead.model_validate(i) for i in items],
        photo_file_ids=[p.file_id for p in photos],
        findings=[FindingRead.model_validate(f) for f in raised],
        consequences=consequences,
        item_photos=item_photos,
        inspector_name=inspector or "",
    )
