"""Admin: rule parameters, minimum wages, users and roles, the audit chain."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import AuthSettingsDep, CtxDep, FormValues, IdPath, csrf_checked, require
from api.i18n import N_
from api.pages.forms import FormPage, present, remember_form, yuan_to_fen
from api.read_models.admin_overview import admin_overview
from api.templating import render
from compliance.accounts import auth, users
from compliance.actors import Role
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.pay import service as pay
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from policies import registry

router = APIRouter(include_in_schema=False)
ADMIN = require(Permission.ADMINISTER)
USERS = require(Permission.MANAGE_USERS)
# Why a parameter change from a past day is refused (compliance.policy_params.service.RETROACTIVE,
# the same text): listed here so that the translators' catalog has it.
RETROACTIVE = N_(
    "a new version cannot take effect before it is recorded: a rule binds staff only once it "
    "has been made known to them (Labour Contract Law, art. 4); choose tomorrow or a later day"
)


def _context(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    return {
        "o": admin_overview(ctx),
        "roles": [r.value for r in Role],
        "done": "",
        "chain": None,
        **extra,
    }


def _remember(
    request: Request,
    ctx: Ctx,
    values: dict[str, str],
    form_id: str,
    aliases: dict[str, str] | None = None,
) -> None:
    """On an error, show the admin page again at this form, with what was typed (the page's
    context is read only then)."""
    page = FormPage(
        "pages/admin.html",
        lambda: _context(ctx),
        values,
        form_id,
        aliases=aliases or {},
        session=ctx.session,
    )
    remember_form(request, page)


def _day(values: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(values.get(name, "").strip())
    except ValueError:
        raise ValidationFailed.one(name, N_("not a date (e.g. 2026-04-01)")) from None


def _money_params(rule_code: str) -> set[str]:
    """The rule's parameters kept in fen; an unknown rule is left to the service to refuse."""
    try:
        policy = registry.get(rule_code)
    except KeyError:
        return set()
    return {prm.name for prm in policy.parameters if prm.unit == "fen"}


@router.get("/admin", dependencies=[ADMIN])
def admin(request: Request, ctx: CtxDep, done: str = "") -> Response:
    """Settings, users and the audit chain of the office."""
    return render(request, "pages/admin.html", _context(ctx, done=done))


@router.get("/admin/audit/verify", dependencies=[ADMIN])
def verify(request: Request, ctx: CtxDep) -> Response:
    """Walk the audit chain now and show whether it is intact (changes nothing)."""
    chain = audit.verify_chain(ctx)
    return render(request, "pages/admin.html", _context(ctx, chain=chain))


@router.post("/admin/rules/{rule_code}", dependencies=[ADMIN, csrf_checked])
def publish(request: Request, rule_code: str, ctx: CtxDep, form: FormValues) -> Response:
    """A new version of a rule's parameters from a date on, with the reason."""
    values = dict(form)
    _remember(request, ctx, values, f"rule-{rule_code}")
    overrides: dict[str, Any] = {}
    errors = []
    money = _money_params(rule_code)
    for key, text in values.items():
        if not (key.startswith("p_") and text.strip()):
            continue
        name = key[2:]
        try:
            # Money is typed in yuan like every other amount in the app; the rule keeps fen.
            if name in money:
                yuan_to_fen(values, key, name, overrides)
            else:
                overrides[name] = int(text.strip())
        except ValueError:
            errors.append(FieldError(key, N_("must be a whole number")))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    policy_params.publish(
        ctx, rule_code, overrides, _day(values, "effective_from"), values.get("reason", "")
    )
    return RedirectResponse(f"/admin?done=rule-{rule_code}#rule-{rule_code}", status_code=303)


@router.post("/admin/minimum-wages", dependencies=[ADMIN, csrf_checked])
def minimum_wage(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Record a city's monthly minimum wage from a date on."""
    values = {k: form.get(k, "") for k in ("city", "amount", "effective_from", "note")}
    _remember(request, ctx, values, "minwage", aliases={"monthly_fen": "amount"})
    data: dict[str, Any] = {"monthly_fen": 0}
    yuan_to_fen(values, "amount", "monthly_fen", data)
    pay.set_minimum_wage(
        ctx, values["city"], data["monthly_fen"], values["effective_from"], values["note"]
    )
    return RedirectResponse("/admin?done=minwage#minwage", status_code=303)


@router.post("/admin/users", dependencies=[USERS, csrf_checked])
def create_user(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Add a user with a role (staff users are linked to their staff record)."""
    names = ("username", "display_name", "role", "staff_id", "is_director")
    values = {k: form.get(k, "") for k in names}
    _remember(request, ctx, values, "user")
    data: dict[str, Any] = present(values, "username", "display_name", "role", "staff_id")
    data["display_name"] = values["display_name"]
    data["is_director"] = values["is_director"] == "1"
    users.create_user(ctx, data)
    return RedirectResponse("/admin?done=user#users", status_code=303)


@router.post("/admin/users/password", dependencies=[USERS, csrf_checked])
def set_password(request: Request, ctx: CtxDep, cfg: AuthSettingsDep, form: FormValues) -> Response:
    """Set a user's password: a new user's first one, or a forgotten one (sessions end)."""
    # The password is never sent back into the form, even when something else is wrong.
    values = {"user_id": form.get("user_id", "")}
    _remember(request, ctx, values, "password")
    try:
        user_id = int(values["user_id"])
    except ValueError:
        raise ValidationFailed.one("user_id", N_("is required")) from None
    auth.set_password(ctx, cfg, user_id, {"new_password": form.get("new_password", "")})
    return RedirectResponse("/admin?done=password#users", status_code=303)


@router.post("/admin/users/{user_id}/disable", dependencies=[USERS, csrf_checked])
def disable_user(user_id: IdPath, ctx: CtxDep) -> Response:
    """Disable a user; their sessions and tokens end at once."""
    users.set_active(ctx, user_id, False)
    return RedirectResponse("/admin?done=disabled#users", status_code=303)


@router.post("/admin/users/{user_id}/enable", dependencies=[USERS, csrf_checked])
def enable_user(user_id: IdPath, ctx: CtxDep) -> Response:
    """Enable a disabled user again."""
    users.set_active(ctx, user_id, True)
    return RedirectResponse("/admin?done=enabled#users", status_code=303)
