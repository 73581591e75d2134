"""Use case: record an unannounced spot check and raise findings for failed items."""

from typing import Any

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.files.service import files_in_office
from compliance.findings import service as findings
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.inspections.schemas import (
    SpotCheckCreate,
    SpotCheckItemRead,
    SpotCheckPhotoRead,
    SpotCheckRead,
)
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.users.models import Role
from compliance.validation import not_in_future, parse
from policies import registry
from policies.vocab import ItemResult


def record_spot_check(ctx: Ctx, data: SpotCheckCreate | dict[str, Any]) -> SpotCheckRead:
    """Record a spot check with its checklist and photos; failed items become findings."""
    ctx.require(Role.MANAGER)
    body = parse(SpotCheckCreate, data)
    office_id = ctx.actor.office_id
    get_in_office(ctx.session, office_id, body.staff_id)
    if body.unit_id is not None:
        get_unit_in_office(ctx.session, office_id, body.unit_id)
    now = ctx.now()
    not_in_future("checked_at", body.checked_at, now)
    rule_codes = _check_items(body)
    _check_photos(ctx, body)

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
    ctx.session.commit()
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
        elif measured is not None and item.observed is None and item.result is not ItemResult.NA:
            # Without the measurement the rule cannot be checked against its limit.
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
