"""Request dependencies: database session, clock, who is signed in, roles, CSRF, language."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.params import Depends as DependsParam
from sqlmodel import Session

from api.i18n import Translator, translator
from api.security import (
    ANON_CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    CsrfFailed,
    NotAuthenticated,
    bearer_token,
    is_api,
    tokens_match,
)
from compliance.auth import service as auth
from compliance.auth.service import Principal
from compliance.auth.settings import AuthSettings
from compliance.clock import Clock
from compliance.config import Settings
from compliance.context import Actor, Ctx
from compliance.errors import Forbidden
from compliance.users.models import Role


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_auth_settings(request: Request) -> AuthSettings:
    """The app's sign-in settings."""
    cfg: AuthSettings = request.app.state.auth_settings
    return cfg


def get_clock(request: Request) -> Clock:
    """The app's clock (a fixed one in tests)."""
    clock: Clock = request.app.state.clock
    return clock


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request; services commit, anything unfinished rolls back."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
        except Exception:
            session.rollback()
            raise


SettingsDep = Annotated[Settings, Depends(get_settings)]
AuthSettingsDep = Annotated[AuthSettings, Depends(get_auth_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SessionDep = Annotated[Session, Depends(get_session)]
TranslatorDep = Annotated[Translator, Depends(translator)]


def maybe_principal(
    request: Request, session: SessionDep, clock: ClockDep, cfg: AuthSettingsDep
) -> Principal | None:
    """Who is signed in: a bearer token for the API, the session cookie for pages."""
    principal: Principal | None = None
    if is_api(request):
        token = bearer_token(request)
        if token:
            principal = auth.principal_for_token(session, clock, token)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            principal = auth.resume(session, clock, cfg, cookie)
    # Error pages and the layout read it from here.
    request.state.principal = principal
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(maybe_principal)]


def current_principal(principal: MaybePrincipal) -> Principal:
    """The signed-in principal, or NotAuthenticated (login redirect or 401)."""
    if principal is None:
        raise NotAuthenticated()
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def current_actor(principal: PrincipalDep) -> Actor:
    """The signed-in user as the domain's Actor."""
    return principal.actor


CurrentUser = Annotated[Actor, Depends(current_actor)]


def get_ctx(session: SessionDep, actor: CurrentUser, clock: ClockDep, settings: SettingsDep) -> Ctx:
    """The use-case context for the signed-in user."""
    return Ctx(session=session, actor=actor, clock=clock, settings=settings)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


def _declare(check: Callable[..., None], allowed: frozenset[Role] | None) -> DependsParam:
    # The app refuses to start if a route has no dependency carrying this mark.
    check.access = allowed  # type: ignore[attr-defined]
    dependency: DependsParam = Depends(check)
    return dependency


def require_role(*roles: Role) -> DependsParam:
    """Admit only signed-in users with one of the roles (admin is not implied)."""
    allowed = frozenset(roles)

    def check_role(actor: CurrentUser) -> None:
        if actor.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"role {actor.role.value} may not do this (needs {names})")

    return _declare(check_role, allowed)


def _public() -> None:
    """Anyone, signed in or not."""


public = _declare(_public, None)
signed_in = require_role(*Role)


def declared_access(dependency: Any) -> bool:
    """Whether a dependency is a role declaration (require_role, signed_in or public)."""
    return hasattr(dependency, "access")


def check_csrf(
    principal: MaybePrincipal, request: Request, csrf_token: Annotated[str, Form()] = ""
) -> None:
    """The form's CSRF field must equal the session's token (before sign-in: the cookie's).

    The route checks it from the form FastAPI has already parsed (parameter name = field).
    """
    expected = principal.csrf_token if principal else request.cookies.get(ANON_CSRF_COOKIE)
    if not tokens_match(csrf_token, expected):
        raise CsrfFailed()


csrf_checked = Depends(check_csrf)


async def form_values(request: Request) -> dict[str, str]:
    """The already-parsed form's text fields (without the CSRF token), as typed."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


FormValues = Annotated[dict[str, str], Depends(form_values)]


def _director(actor: CurrentUser) -> None:
    # Checked before the body is read, so a manager gets 403 rather than a 422 on the input;
    # the overtime service checks the same again (deny by default at both layers).
    if not actor.is_director:
        raise Forbidden("only the office director may decide on overtime (R09)")


# A manager flagged as the office director (R09 overtime decisions).
DIRECTOR = [require_role(Role.MANAGER), Depends(_director)]
