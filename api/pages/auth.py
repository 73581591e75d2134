"""Sign in, sign out, and the language switch."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import (
    AuthSettingsDep,
    ClockDep,
    MaybePrincipal,
    SessionDep,
    csrf_checked,
    public,
    signed_in,
)
from api.i18n import LANG_COOKIE
from api.pages.forms import FormPage, remember_form
from api.security import (
    ANON_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_session_cookie,
    client_ip,
    safe_next,
    set_session_cookie,
)
from api.templating import render
from compliance.accounts import auth

router = APIRouter(include_in_schema=False)


@router.get("/login", dependencies=[public])
def login_form(request: Request, _p: MaybePrincipal, next: str = "/") -> Response:
    """The sign-in form (for a signed-in user it carries their session's CSRF token)."""
    return render(request, "pages/login.html", {"next": safe_next(next)})


@router.post("/login", dependencies=[public, csrf_checked])
def login(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    cfg: AuthSettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password and start a new session (a new id, whatever cookie came in)."""
    target = safe_next(next)
    remember_form(
        request,
        FormPage("pages/login.html", {"next": target}, {"username": username}),
    )
    signed = auth.sign_in(
        session,
        clock,
        cfg,
        username,
        password,
        previous_token=request.cookies.get(SESSION_COOKIE),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, signed.session_token)
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[signed_in, csrf_checked])
def logout(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    """End this session."""
    auth.sign_out(session, clock, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, request)
    return response


def _switch(request: Request, lang: str, next: str) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=request.url.scheme == "https",
        httponly=True,
        path="/",
    )
    return response


@router.get("/lang/en", dependencies=[public])
def lang_en(request: Request, next: Annotated[str, Query()] = "/") -> Response:
    """Show pages in English."""
    return _switch(request, "en", next)


@router.get("/lang/zh", dependencies=[public])
def lang_zh(request: Request, next: Annotated[str, Query()] = "/") -> Response:
    """Show pages in Chinese (the default)."""
    return _switch(request, "zh", next)
