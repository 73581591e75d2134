"""The signed-in user's own account: password and personal API tokens."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from api.deps import AuthSettingsDep, CtxDep, IdPath, PrincipalDep, csrf_checked, signed_in
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.auth import service as auth

router = APIRouter(include_in_schema=False)


@router.get("/me/password", dependencies=[signed_in])
def password_form(request: Request, done: int = 0) -> Response:
    """The change-password form."""
    return render(request, "pages/password.html", {"done": bool(done)})


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
    """Change one's password; other sessions end, this one stays."""
    # Passwords are never echoed back into the form.
    remember_form(request, FormPage("pages/password.html", {"done": False}, {}))
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
    )
    return RedirectResponse("/me/password?done=1", status_code=303)


@router.get("/me/tokens", dependencies=[signed_in])
def tokens(request: Request, ctx: CtxDep) -> Response:
    """One's API tokens and a form to create one."""
    return render(request, "pages/tokens.html", {"tokens": auth.list_tokens(ctx), "created": None})


@router.post("/me/tokens", dependencies=[signed_in, csrf_checked])
def create_token(request: Request, ctx: CtxDep, name: Annotated[str, Form()] = "") -> Response:
    """Create a token and show its secret this once.

    Not a redirect: the secret must not travel in a URL or be kept anywhere to show later.
    """
    remember_form(
        request,
        FormPage(
            "pages/tokens.html",
            lambda: {"tokens": auth.list_tokens(ctx), "created": None},
            {"name": name},
            session=ctx.session,
        ),
    )
    created = auth.create_token(ctx, {"name": name})
    return render(
        request,
        "pages/tokens.html",
        {"tokens": auth.list_tokens(ctx), "created": created},
        headers={"Cache-Control": "no-store"},
    )


@router.post("/me/tokens/{token_id}/revoke", dependencies=[signed_in, csrf_checked])
def revoke_token(token_id: IdPath, ctx: CtxDep) -> Response:
    """Revoke one of one's tokens."""
    auth.revoke_token(ctx, token_id)
    return RedirectResponse("/me/tokens", status_code=303)
