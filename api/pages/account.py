"""The signed-in user's own account ("我的"), password and personal API tokens (and, for an admin,
every live token of the office)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import AuthSettingsDep, CtxDep, IdPath, PrincipalDep, csrf_checked, signed_in
from api.i18n import N_
from api.pages.forms import FormPage, remember_form
from api.read_models.person import who
from api.security import client_ip
from api.templating import render
from compliance.accounts import auth
from compliance.accounts import tokens as api_tokens
from compliance.accounts.auth_schemas import READ
from compliance.context import Ctx
from compliance.permissions import Permission, holds

router = APIRouter(include_in_schema=False)

# Why a new password is refused (compliance.accounts.strength), for the catalog.
PASSWORD_REASONS = (
    N_("is too short"),
    N_("must not be only spaces"),
    N_("contains your name, username or the office's name"),
    N_("is a commonly used password"),
    N_("repeats the same characters"),
    N_("is a sequence such as abc or 6543"),
    N_("is a row or pattern of keys on the keyboard"),
    N_("contains a date or a year"),
    N_("is too easy to guess: add more words or characters"),
)


@router.get("/me/password", dependencies=[signed_in])
def password_form(request: Request, cfg: AuthSettingsDep, done: int = 0) -> Response:
    """The change-password form."""
    return render(
        request,
        "pages/password.html",
        {"done": bool(done), "min_length": cfg.password_min_length},
    )


@router.post("/me/password", dependencies=[signed_in, csrf_checked])
def change_password(
    request: Request,
    ctx: CtxDep,
    cfg: AuthSettingsDep,
    principal: PrincipalDep,
    old_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_repeat: Annotated[str, Form()] = "",
) -> Response:
    """Change one's password; other sessions and every API token end, this session stays.

    The old password's check is throttled like signing in."""
    # Passwords are never echoed back into the form.
    remember_form(
        request,
        FormPage("pages/password.html", {"done": False, "min_length": cfg.password_min_length}, {}),
    )
    auth.set_password(
        ctx,
        cfg,
        ctx.actor.user_id,
        {
            "old_password": old_password,
            "new_password": new_password,
            "new_password_repeat": new_password_repeat,
        },
        keep_session_id=principal.session_id,
        ip=client_ip(request),
    )
    return RedirectResponse("/me/password?done=1", status_code=303)


def _tokens_page(ctx: Ctx, created: Any = None) -> dict[str, Any]:
    office = api_tokens.office_tokens(ctx) if holds(ctx.actor, Permission.MANAGE_USERS) else None
    return {"tokens": api_tokens.list_tokens(ctx), "office_tokens": office, "created": created}


@router.get("/me/tokens", dependencies=[signed_in])
def tokens(request: Request, ctx: CtxDep, cfg: AuthSettingsDep) -> Response:
    """One's API tokens and a form to create one; an admin also sees the office's."""
    return render(
        request,
        "pages/tokens.html",
        {**_tokens_page(ctx), "token_days": cfg.token_days},
    )


@router.post("/me/tokens", dependencies=[signed_in, csrf_checked])
def create_token(
    request: Request,
    ctx: CtxDep,
    cfg: AuthSettingsDep,
    principal: PrincipalDep,
    name: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = READ,
) -> Response:
    """Create a token and show its secret this once (only a signed-in browser can).

    Not a redirect: the secret must not travel in a URL or be kept anywhere to show later.
    """
    remember_form(
        request,
        FormPage(
            "pages/tokens.html",
            lambda: {**_tokens_page(ctx), "token_days": cfg.token_days},
            {"name": name, "scope": scope},
            session=ctx.session,
        ),
    )
    api_tokens.refuse_token_minting(principal)
    created = api_tokens.create_token(ctx, {"name": name, "scope": scope}, cfg)
    return render(
        request,
        "pages/tokens.html",
        {**_tokens_page(ctx, created), "token_days": cfg.token_days},
        headers={"Cache-Control": "no-store"},
    )


@router.post("/me/tokens/{token_id}/revoke", dependencies=[signed_in, csrf_checked])
def revoke_token(token_id: IdPath, ctx: CtxDep) -> Response:
    """Revoke one of one's tokens (an admin: any token of the office)."""
    api_tokens.revoke_token(ctx, token_id)
    return RedirectResponse("/me/tokens", status_code=303)


@router.get("/account", dependencies=[signed_in])
def account(request: Request, ctx: CtxDep) -> Response:
    """ "我的": who is signed in, with links to the password, API tokens and language."""
    return render(request, "pages/account.html", {"person": who(ctx)})
