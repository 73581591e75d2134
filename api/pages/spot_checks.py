"""The spot-check form a manager fills in on a phone, and the result page it leads to."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, TranslatorDep, csrf_checked, require
from api.i18n import N_, Translator
from api.pages.forms import FormPage, local_datetime, remember_form
from api.templating import render
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.flows import spot_checks as service
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind, latest_judgment
from compliance.permissions import Permission
from compliance.residents.service import list_units
from compliance.staff.service import find_active, list_staff
from policies import registry
from policies.base import ChecklistItem

router = APIRouter(include_in_schema=False)
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


async def uploaded_photos(request: Request) -> list[tuple[bytes, str]]:
    """The files of the form's `photos` field (an empty file input sends nothing to keep)."""
    form = await request.form()
    out: list[tuple[bytes, str]] = []
    for value in form.getlist("photos"):
        if not isinstance(value, UploadFile):
            continue
        data = await value.read()
        if not data and not value.filename:
            continue
        out.append((data, value.filename or ""))
    return out


Photos = Annotated[list[tuple[bytes, str]], Depends(uploaded_photos)]


def staff_label(employee_no: str, name: str) -> str:
    """How a staff member is written in the picker: employee number, then name."""
    return f"{employee_no} {name}"


def _form_context(ctx: Ctx) -> dict[str, Any]:
    staff = list_staff(ctx, status="active")
    return {
        "staff": staff,
        "units": list_units(ctx),
        "groups": checklist(),
        "by_key": {i.key: i for i in registry.checklist_items()},
        "results": RESULTS,
    }


def _pick_staff(ctx: Ctx, typed: str) -> int:
    """The staff id for what was typed or picked: employee number or full name."""
    if not typed.strip():
        raise ValidationFailed.one("staff", N_("is required"))
    found = find_active(ctx, typed)
    if found is None:
        raise ValidationFailed.one("staff", N_("no staff member with this name or number"))
    return found.id


def _items(form: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answered checklist items, and the service's field names -> the form's."""
    items: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    errors: list[FieldError] = []
    for item in registry.checklist_items():
        result = form.get(f"result_{item.key}", "").strip()
        observed = form.get(f"observed_{item.key}", "").strip()
        if not result and not observed:
            continue
        if result not in RESULTS:
            errors.append(FieldError(f"result_{item.key}", N_("choose pass, fail or n.a.")))
            continue
        i = len(items)
        for part in ("item_key", "result", "note"):
            aliases[f"items.{i}.{part}"] = f"result_{item.key}"
        aliases[f"items.{i}.observed"] = f"observed_{item.key}"
        answer: dict[str, Any] = {"item_key": item.key, "result": result}
        if observed:
            answer["observed"] = observed
        items.append(answer)
    if errors:
        raise ValidationFailed(errors)
    return items, aliases


def _name_photo(error: FieldError, photos: list[tuple[bytes, str]], t: Translator) -> FieldError:
    """Say which file a photo error is about (the service counts uploads from 0)."""
    head, _, index = error.field.partition(".")
    if head != "photos" or not index.isdigit() or int(index) >= len(photos):
        return error
    name = photos[int(index)][1] or t("photo %(n)s", n=int(index) + 1)
    return FieldError("photos", f"{name}: {t(error.reason)}")


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
def new(request: Request, ctx: CtxDep) -> Response:
    """The spot-check form: who, where, the checklist by rule, photos, notes."""
    now_local = ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "pages/spot_check_new.html",
        {**_form_context(ctx), "values": {"checked_at": now_local}},
    )


@router.post("/spot-checks/new", dependencies=[INSPECTORS, csrf_checked])
def create(
    request: Request, ctx: CtxDep, form: FormValues, photos: Photos, t: TranslatorDep
) -> Response:
    """Record the check with its photos; on any error nothing is saved and the form returns."""
    aliases: dict[str, str] = {"staff_id": "staff", "items": "items", "checked_at": "checked_at"}
    aliases.update({f"photos.{i}": "photos" for i in range(MAX_PHOTOS + len(photos))})
    aliases.update({f"photos.{i}.file_id": "photos" for i in range(MAX_PHOTOS + len(photos))})
    # The form's lists (every active staff member, every unit) are read only if it fails.
    page = FormPage(
        "pages/spot_check_new.html",
        lambda: _form_context(ctx),
        form,
        aliases=aliases,
        session=ctx.session,
    )
    remember_form(request, page)
    errors: list[FieldError] = []
    staff_id, items = 0, []
    try:
        staff_id = _pick_staff(ctx, form.get("staff", ""))
    except ValidationFailed as exc:
        errors += exc.errors
    try:
        items, item_aliases = _items(form)
        aliases.update(item_aliases)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    data: dict[str, Any] = {
        "staff_id": staff_id,
        "area": form.get("area", ""),
        "notes": form.get("notes", ""),
        "items": items,
        "checked_at": local_datetime(form.get("checked_at", "").strip(), ctx.tz),
    }
    if form.get("unit_id", "").strip():
        data["unit_id"] = form["unit_id"].strip()
    try:
        done = service.record_spot_check_with_photos(ctx, data, photos)
    except ValidationFailed as exc:
        raise ValidationFailed([_name_photo(e, photos, t) for e in exc.errors]) from None
    judge_saved(ctx, RecordKind.SPOT_CHECK, done.id)
    return RedirectResponse(f"/spot-checks/{done.id}", status_code=303)


@router.get("/spot-checks/{spot_check_id}", dependencies=[READERS])
def result(request: Request, spot_check_id: IdPath, ctx: CtxDep) -> Response:
    """What was recorded, what each rule concluded (with the measurement) and the findings."""
    check = service.get_spot_check(ctx, spot_check_id)
    items = {i.key: i for i in registry.checklist_items()}
    judgment = latest_judgment(ctx, RecordKind.SPOT_CHECK, spot_check_id)
    return render(
        request,
        "pages/spot_check_result.html",
        {"check": check, "checklist": items, "judgment": judgment},
    )
