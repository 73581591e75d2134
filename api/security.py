"""Cookies, bearer tokens, CSRF tokens and safe redirects: the web edge of sign-in."""

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

API_PREFIX = "/api"
SESSION_COOKIE = "sid"
# Before sign-in there is no session to hold a CSRF token: the login form is protected by
# a double-submit cookie instead.
ANON_CSRF_COOKIE = "csrf_anon"
CSRF_FIELD = "csrf_token"


class NotAuthenticated(Exception):
    """No valid session (pages) or bearer token (API)."""


class CsrfFailed(Exception):
    """A state-changing form came without the right CSRF token."""


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API (bearer tokens, problem+json)."""
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over https, gone with the browser."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget the session cookie."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )


def anon_csrf_token(request: Request, response: Response | None = None) -> str:
    """The pre-sign-in CSRF token; a new one is set as a cookie on the response if needed."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(request.state, "anon_csrf", None)
    if token:
        return str(token)
    token = secrets.token_urlsafe(32)
    request.state.anon_csrf = token
    if response is not None:
        set_anon_csrf_cookie(response, request, token)
    return token


def set_anon_csrf_cookie(response: Response, request: Request, token: str) -> None:
    """Store the pre-sign-in CSRF token in a strict cookie."""
    response.set_cookie(
        ANON_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )


def tokens_match(given: str, expected: str | None) -> bool:
    """Constant-time comparison; an empty or missing token never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything that could leave the site becomes the default."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target


def client_ip(request: Request) -> str:
    """The client's address as uvicorn gives it (the peer; behind a proxy, what uvicorn's
    own --proxy-headers/--forwarded-allow-ips put there).

    X-Forwarded-For is anyone's to write: it is read only when the sign-in settings say the
    app sits behind a proxy that appends to it (COMPLIANCE_AUTH_TRUST_FORWARDED_FOR), and
    then only its last address, the one that proxy added.
    """
    peer = request.client.host if request.client else ""
    cfg = getattr(request.app.state, "auth_settings", None)
    if cfg is not None and getattr(cfg, "trust_forwarded_for", False):
        added = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        if added:
            return added[:64]
    return peer
