"""Request dependencies: database session, clock, who is signed in, roles, CSRF, language."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, cast

import anyio
from fastapi import Depends, Form, Path, Query, Request
from fastapi.params import Depends as DependsParam
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

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
from compliance.accounts import auth, tokens
from compliance.accounts.auth import Principal
from compliance.accounts.settings import AuthSettings
from compliance.actors import Actor, Role
from compliance.clock import Clock
from compliance.context import Ctx
from compliance.db import begin_read, end_read, request_slots
from compliance.permissions import Permission, holds, refusal, role_may, roles_for
from compliance.validation import MAX_ID

SAFE_METHODS = frozenset({"GET", "HEAD"})

# Dependencies that do no I/O are coroutines: FastAPI runs a plain function on a worker
# thread, one hop per dependency per request, and under load those hops cost more than the
# work. Every database call runs on a worker thread, never on the event loop.


async def get_auth_settings(request: Request) -> AuthSettings:
    """The app's sign-in settings."""
    cfg: AuthSettings = request.app.state.auth_settings
    return cfg


async def get_clock(request: Request) -> Clock:
    """The app's clock (a fixed one in tests)."""
    clock: Clock = request.app.state.clock
    return clock


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One database session per request; services commit, anything unfinished rolls back.

    GET and HEAD change nothing, so their sessions only read: they take no write lock and
    never wait for one (compliance.db.read_only).
    """
    safe = request.method in SAFE_METHODS
    engine = request.app.state.read_engine if safe else request.app.state.engine
    # A request holds its connection while it goes back and forth between the loop and the
    # worker threads. Were more requests to hold sessions than the pool has connections, the
    # rest would wait for one on worker threads, and with every thread waiting, those holding
    # connections could never get a thread to finish on: a stall until the pool times out
    # (500s). So requests queue here, on the loop, for a slot, before touching the pool.
    async with _slots(request.app, engine):
        # Making a session touches no database, so it needs no worker thread; closing it
        # gives its connection back (a rollback: I/O), so that runs on a worker thread.
        # Nothing that may touch the pool runs on the event loop: a loop waiting for a pooled
        # connection cannot run the very requests that would give one back.
        session = Session(engine, expire_on_commit=False)
        failed = False
        try:
            yield session
        except Exception:
            failed = True
            raise
        finally:
            with anyio.CancelScope(shield=True):  # a dropped connection must still close it
                await run_in_threadpool(_end, session, failed=failed)


def _slots(app: Any, engine: Any) -> Any:
    """The app's request slots on the running event loop (one per pooled connection)."""
    loop = asyncio.get_running_loop()
    kept = getattr(app.state, "session_slots", None)
    if kept is None or kept[0] is not loop:
        slots = request_slots(engine)
        kept = (loop, asyncio.Semaphore(slots) if slots else contextlib.nullcontext())
        app.state.session_slots = kept
    return kept[1]


def _end(session: Session, *, failed: bool) -> None:
    if failed:
        session.rollback()
    session.close()


# A record's id in the URL or the query: outside 1..MAX_ID it names nothing, so it is a 422
# on that parameter rather than a number the database cannot take.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]

AuthSettingsDep = Annotated[AuthSettings, Depends(get_auth_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SessionDep = Annotated[Session, Depends(get_session)]
TranslatorDep = Annotated[Translator, Depends(translator)]


# How a request's signed-in user reaches its route. FastAPI re-walks a dependency's whole
# tree each time the dependency is named, cached or not, and on the busiest API reads that
# walking cost more than the database work. So the chain is short: the role check takes the
# Ctx, the Ctx takes the session, and who is signed in is looked up by a plain function that
# remembers its answer on request.state (where error pages and the layout read it too). The
# app's clock and settings come from app.state rather than from dependencies of their own.
_UNKNOWN = object()


async def authenticate(request: Request, session: Session) -> Principal | None:
    """Who is signed in: a bearer token for the API, the session cookie for pages.

    Looked up once per request; later calls return the same answer.
    """
    known = getattr(request.state, "principal", _UNKNOWN)
    if known is not _UNKNOWN:
        return cast(Principal | None, known)
    clock: Clock = request.app.state.clock
    principal: Principal | None = None
    if is_api(request):
        token = bearer_token(request)
        if token and request.method in SAFE_METHODS:
            # The look-up reads (a pooled connection: a worker thread, never the loop).
            # Recording the token's use writes, once per burst.
            use = await run_in_threadpool(tokens.find_token, session, clock, token)
            if use is not None:
                if use.stale and use.token_id not in _TOUCHING:
                    await _record_use(session, clock, use.token_id)
                principal = use.principal
        elif token:  # a read, then perhaps a write (its use): a worker thread
            principal = await run_in_threadpool(tokens.principal_for_token, session, clock, token)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:  # resuming may refresh the session row: a write, so a worker thread
            cfg: AuthSettings = request.app.state.auth_settings
            principal = await run_in_threadpool(auth.resume, session, clock, cfg, cookie)
    request.state.principal = principal
    return principal


# Tokens whose use is being recorded right now: a burst of requests with a token not used
# for a while records it once, not once per request.
_TOUCHING: set[int] = set()


async def _record_use(session: Session, clock: Clock, token_id: int) -> None:
    _TOUCHING.add(token_id)
    try:
        await run_in_threadpool(_touch, session, clock, token_id)
    finally:
        _TOUCHING.discard(token_id)


def _touch(session: Session, clock: Clock, token_id: int) -> None:
    # Hand the read transaction's connection back first: a request must not hold one of the
    # pool's connections while it waits for the write lock.
    end_read(session)
    tokens.touch_token(session, clock, token_id)
    # The rest of the request reads again, in a read-only transaction.
    begin_read(session)


async def maybe_principal(request: Request, session: SessionDep) -> Principal | None:
    """Who is signed in, if anyone (for pages that visitors may see too)."""
    return await authenticate(request, session)


MaybePrincipal = Annotated[Principal | None, Depends(maybe_principal)]


async def current_principal(request: Request, session: SessionDep) -> Principal:
    """The signed-in principal, or NotAuthenticated (login redirect or 401)."""
    principal = await authenticate(request, session)
    if principal is None:
        raise NotAuthenticated()
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def current_actor(principal: PrincipalDep) -> Actor:
    """The signed-in user as the domain's Actor."""
    return principal.actor


CurrentUser = Annotated[Actor, Depends(current_actor)]


async def get_ctx(request: Request, session: SessionDep) -> Ctx:
    """The use-case context for the signed-in user (NotAuthenticated if nobody is)."""
    principal = await current_principal(request, session)
    state = request.app.state
    return Ctx(session=session, actor=principal.actor, clock=state.clock, settings=state.settings)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


Admits = Callable[[Actor | None], bool]


def _declare(
    check: Callable[..., None], allowed: frozenset[Role] | None, admits: Admits
) -> DependsParam:
    # The app refuses to start if a route has no dependency carrying this mark. `admits`
    # answers the same question for pages that link to the route (api/templating.py `can`).
    check.access = allowed  # type: ignore[attr-defined]
    check.admits = admits  # type: ignore[attr-defined]
    dependency: DependsParam = Depends(check)
    return dependency


def _refuse(actor: Actor, permission: Permission) -> None:
    raise refusal(actor, permission)


def require(permission: Permission) -> DependsParam:
    """Admit only signed-in users who hold the permission (compliance/permissions.py)."""

    def admits(actor: Actor | None) -> bool:
        return actor is not None and holds(actor, permission)

    async def check_permission(ctx: CtxDep) -> None:
        if not admits(ctx.actor):
            _refuse(ctx.actor, permission)

    return _declare(check_permission, roles_for(permission), admits)


def require_case_step(action: str) -> DependsParam:
    """A case step's route: admit the roles that may take the step; cases/lifecycle.py
    decides whether this user may, on this case (a manager may be the office director)."""
    permission = Permission(action)

    def admits(actor: Actor | None) -> bool:
        return actor is not None and role_may(actor.role, permission)

    async def check_role(ctx: CtxDep) -> None:
        if not admits(ctx.actor):
            _refuse(ctx.actor, permission)

    return _declare(check_role, roles_for(permission), admits)


async def _public() -> None:
    """Anyone, signed in or not."""


public = _declare(_public, None, lambda actor: True)
signed_in = require(Permission.USE_APP)


def declared_access(dependency: Any) -> bool:
    """Whether a dependency is a role declaration (require, signed_in or public)."""
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
