"""The spot-check form a manager fills in on a phone, and the result page it leads to."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from api.deps import (
    CtxDep,
    FormValues,
    IdPath,
    IdQuery,
    TranslatorDep,
    csrf_checked,
    require,
)
from api.i18n import N_, Translator
from api.pages import unit_qr
from api.pages.forms import FormPage, chosen_files, local_datetime, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.flows import spot_checks as service
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind, latest_judgment
from compliance.flows.spot_checks import Cleaned, Upload
from compliance.inspections import pending
from compliance.inspections.limits import checklist_limits
from compliance.inspections.pending import Pending
from compliance.inspections.schemas import SpotCheckPhotoIn
from compliance.permissions import Permission
from compliance.residents.search import find_unit, units_in_order
from compliance.residents.search import label as unit_label
from compliance.staff.service import find_active, list_staff
from policies import registry
from policies.base import ChecklistItem

router = APIRouter(include_in_schema=False)
router.include_router(unit_qr.router)  # the units' QR codes lead to this form
INSPECTORS = require(Permission.RECORD_SPOT_CHECK)
READERS = require(Permission.VIEW_SPOT_CHECKS)
RESULTS = ("pass", "fail", "na")
MAX_PHOTOS = 50


@dataclass(frozen=True)
class RuleGroup:
    """The checklist items of one rule, shown under its title."""

    code: str
    items: tuple[ChecklistItem, ...]


def checklist() -> list[RuleGroup]:
    """The policies' checklist items grouped by rule, in rule order."""
    groups: dict[str, list[ChecklistItem]] = {}
    for item in registry.checklist_items():
        groups.setdefault(item.rule_code, []).append(item)
    return [RuleGroup(code, tuple(items)) for code, items in groups.items()]


async def uploaded_photos(request: Request) -> list[Upload]:
    """The files of the form's `photos` field (the whole check) and of each item's
    `photo_<item key>` field."""
    keys = {i.key for i in registry.checklist_items()}
    out: list[Upload] = []
    for f in await chosen_files(request):
        item_key = f.field.removeprefix("photo_") if f.field.startswith("photo_") else None
        if f.field == "photos" or item_key in keys:
            out.append(Upload(f.data, f.name, item_key))
    return out


async def kept_photos(request: Request) -> list[str]:
    """The photos kept from a refused try that the form sends back (`kept` checkboxes)."""
    form = await request.form()
    return [v for v in form.getlist("kept") if isinstance(v, str)]


Photos = Annotated[list[Upload], Depends(uploaded_photos)]
Kept = Annotated[list[str], Depends(kept_photos)]


def staff_label(employee_no: str, name: str) -> str:
    """How a staff member is written in the picker: employee number, then name."""
    return f"{employee_no} {name}"


def _form_context(ctx: Ctx, kept: list[Pending] | None = None) -> dict[str, Any]:
    staff = list_staff(ctx, status="active")
    return {
        "staff": staff,
        "units": units_in_order(ctx),
        "unit_label": unit_label,
        "groups": checklist(),
        "by_key": {i.key: i for i in registry.checklist_items()},
        "results": RESULTS,
        "limits": checklist_limits(ctx),
        "kept": kept or [],
    }


def _pick_staff(ctx: Ctx, typed: str) -> int:
    """The staff id for what was typed or picked: employee number or full name."""
    if not typed.strip():
        raise ValidationFailed.one("staff", N_("is required"))
    found = find_active(ctx, typed)
    if found is None:
        raise ValidationFailed.one("staff", N_("no staff member with this name or number"))
    return found.id


def _items(
    form: dict[str, str], photographed: set[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answered checklist items, and the service's field names -> the form's."""
    items: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    errors: list[FieldError] = []
    for item in registry.checklist_items():
        result = form.get(f"result_{item.key}", "").strip()
        observed = form.get(f"observed_{item.key}", "").strip()
        note = form.get(f"note_{item.key}", "").strip()
        if not result and not observed and not note and item.key not in photographed:
            continue
        if result not in RESULTS:
            errors.append(FieldError(f"result_{item.key}", N_("choose pass, fail or n.a.")))
            continue
        i = len(items)
        for part in ("item_key", "result"):
            aliases[f"items.{i}.{part}"] = f"result_{item.key}"
        aliases[f"items.{i}.observed"] = f"observed_{item.key}"
        aliases[f"items.{i}.note"] = f"note_{item.key}"
        aliases[f"items.{i}.evidence"] = f"note_{item.key}"
        answer: dict[str, Any] = {"item_key": item.key, "result": result, "note": note}
        if observed:
            answer["observed"] = observed
        items.append(answer)
    if errors:
        raise ValidationFailed(errors)
    return items, aliases


def _name_photo(error: FieldError, photos: list[Upload], t: Translator) -> FieldError:
    """Say which file a photo error is about (the service counts uploads from 0), next to
    the item's photo field when it was an item's photo."""
    head, _, index = error.field.partition(".")
    if head != "photos" or not index.isdigit() or int(index) >= len(photos):
        return error
    up = photos[int(index)]
    name = up.name or t("photo %(n)s", n=int(index) + 1)
    field = f"photo_{up.item_key}" if up.item_key else "photos"
    return FieldError(field, f"{name}: {t(error.reason)}")


def _name_item(error: FieldError, items: list[dict[str, Any]], t: Translator) -> FieldError:
    """Name the checklist item a missing-evidence error is about, in the reader's language."""
    head, _, rest = error.field.partition(".")
    index, _, part = rest.partition(".")
    if head != "items" or part != "evidence" or not index.isdigit():
        return error
    key = items[int(index)]["item_key"]
    spec = registry.find_item(key)[1]
    label = spec.label_zh if t.lang == "zh" else spec.label_en
    return FieldError(f"note_{key}", t("%(item)s: %(reason)s", item=label, reason=t(error.reason)))


# Reasons the services give for this form's fields, listed for translation.
REASONS = (
    N_("is empty"),
    N_("not an image (JPEG, PNG or WebP expected)"),
    N_("not an image (the image data is damaged)"),
    N_("image has too many pixels"),
    N_("give the ring_seconds (s)"),
    N_("give the gap_seconds (s)"),
    N_("this item records no measurement"),
    N_("give the unit or the area that was inspected"),
    N_("Input should be greater than or equal to 0"),
    N_("Input should be less than or equal to 86400"),
    N_("List should have at least 1 item after validation, not 0"),
)


@router.get("/spot-checks/new", dependencies=[INSPECTORS])
def new(request: Request, ctx: CtxDep, unit: IdQuery = None) -> Response:
    """The spot-check form: who, where, the checklist by rule with each item's limit, a
    photo and a note per item. `?unit=ID` (the unit's QR code) chooses the unit."""
    now_local = ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")
    values = {"checked_at": now_local}
    context = _form_context(ctx)
    chosen = next((u for u in context["units"] if u.id == unit), None)
    if chosen is not None:
        values["unit"] = unit_label(chosen)
    return render(
        request,
        "pages/spot_check_new.html",
        {**context, "values": values, "scanned": chosen is not None},
    )


def _all_pass(request: Request, ctx: CtxDep, form: dict[str, str], kept: list[Pending]) -> Response:
    """Without script, "all pass" comes back as the form with every item ticked pass."""
    values = dict(form)
    values.pop("all_pass", None)
    for item in registry.checklist_items():
        values[f"result_{item.key}"] = "pass"
    return render(
        request, "pages/spot_check_new.html", {**_form_context(ctx, kept), "values": values}
    )


@router.post("/spot-checks/new", dependencies=[INSPECTORS, csrf_checked])
def create(
    request: Request,
    ctx: CtxDep,
    form: FormValues,
    photos: Photos,
    kept_values: Kept,
    t: TranslatorDep,
) -> Response:
    """Record the check with its photos; on any error nothing is recorded and the form
    returns, with the photos that were fine kept for the next try."""
    aliases: dict[str, str] = {
        "staff_id": "staff",
        "unit_id": "unit",
        "items": "items",
        "checked_at": "checked_at",
    }
    aliases.update({f"photos.{i}": "photos" for i in range(MAX_PHOTOS + len(photos))})
    aliases.update({f"photos.{i}.file_id": "photos" for i in range(MAX_PHOTOS + len(photos))})
    kept: list[Pending] = []
    # The form's lists (every active staff member, every unit) are read only if it fails.
    page = FormPage(
        "pages/spot_check_new.html",
        lambda: _form_context(ctx, kept),
        form,
        aliases=aliases,
        session=ctx.session,
    )
    remember_form(request, page)
    claimed, errors = pending.claim(ctx, kept_values)
    cleaned, photo_errors = service.clean_uploads(ctx, photos)
    errors += [_name_photo(e, photos, t) for e in photo_errors]
    if form.get("all_pass"):
        kept += claimed + _keep(ctx, cleaned)
        return _all_pass(request, ctx, form, kept)
    staff_id, items = 0, []
    try:
        staff_id = _pick_staff(ctx, form.get("staff", ""))
    except ValidationFailed as exc:
        errors += exc.errors
    photographed = {c.item_key for c in cleaned} | {p.item_key for p in claimed}
    try:
        items, item_aliases = _items(form, {k for k in photographed if k})
        aliases.update(item_aliases)
    except ValidationFailed as exc:
        errors += exc.errors
    data: dict[str, Any] = {
        "staff_id": staff_id,
        "area": form.get("area", ""),
        "notes": form.get("notes", ""),
        "items": items,
        "checked_at": local_datetime(form.get("checked_at", "").strip(), ctx.tz),
    }
    try:
        _place(ctx, form, data)
    except ValidationFailed as exc:
        errors += exc.errors
    answered = {i["item_key"] for i in items}
    on_file = [
        SpotCheckPhotoIn(file_id=p.file_id, item_key=p.item_key if p.item_key in answered else None)
        for p in claimed
    ]
    try:
        # The form's own errors go in too: the service reports them with its own, saves nothing.
        done = service.record_cleaned(
            ctx, data, cleaned, kept=on_file, errors=errors, require_evidence=True
        )
    except ValidationFailed as exc:
        # The service's errors on a field the form already refused repeat it: left out.
        shown = {aliases.get(e.field, e.field) for e in errors}
        more = [e for e in exc.errors[len(errors) :] if aliases.get(e.field, e.field) not in shown]
        kept += claimed + _keep(ctx, cleaned)
        raise ValidationFailed([_name_item(e, items, t) for e in errors + more]) from None
    judge_saved(ctx, RecordKind.SPOT_CHECK, done.id)
    return RedirectResponse(f"/spot-checks/{done.id}", status_code=303)


def _keep(ctx: Ctx, cleaned: list[Cleaned]) -> list[Pending]:
    return pending.keep(ctx, [(c.item_key or "", c.image) for c in cleaned])


def _place(ctx: Ctx, form: dict[str, str], data: dict[str, Any]) -> None:
    """The unit typed (3-1203, 3栋1203, 1203) or picked, or the area."""
    typed = form.get("unit", "").strip()
    if typed:
        data["unit_id"] = find_unit(ctx, typed).id
    elif form.get("unit_id", "").strip():
        data["unit_id"] = form["unit_id"].strip()


@router.get("/spot-checks/{spot_check_id}", dependencies=[READERS])
def result(request: Request, spot_check_id: IdPath, ctx: CtxDep) -> Response:
    """What was recorded, what each rule concluded (with the measurement), and what each
    failed item led to: the finding, its rule, its case once one was opened or joined."""
    check = service.get_spot_check(ctx, spot_check_id)
    items = {i.key: i for i in registry.checklist_items()}
    judgment = latest_judgment(ctx, RecordKind.SPOT_CHECK, spot_check_id)
    return render(
        request,
        "pages/spot_check_result.html",
        {"check": check, "checklist": items, "judgment": judgment},
    )
