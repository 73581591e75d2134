"""Personal API tokens: minted, listed, revoked, and the bearer token of a request resolved
to its Principal (only the SHA-256 of a token is stored)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from compliance.accounts import repository as repo
from compliance.accounts.auth import TOUCH_EVERY, Principal, new_secret, token_hash
from compliance.accounts.auth_models import ApiToken
from compliance.accounts.auth_schemas import (
    READ,
    TokenCreate,
    TokenCreated,
    TokenRead,
    TokenReadAsAdmin,
)
from compliance.accounts.settings import AuthSettings, get_auth_settings
from compliance.actors import Actor
from compliance.audit import service as audit
from compliance.clock import Clock
from compliance.context import Ctx
from compliance.db import begin_read, begin_write
from compliance.errors import (
    Conflict,
    Forbidden,
    NotFound,
)
from compliance.i18n import N_
from compliance.permissions import Permission, holds
from compliance.usecase import use_case
from compliance.validation import parse

TOKEN_PREFIX = "cmp_"


@dataclass(frozen=True)
class TokenUse:
    """A live token's principal, and whether its last use is old enough to record again."""

    principal: Principal
    token_id: int
    stale: bool


def find_token(session: Session, clock: Clock, token: str) -> TokenUse | None:
    """The live API token of an active user, read only (no lock, no write), else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = repo.live_token(session, token_hash(token), clock.now())
    if row is None:
        return None
    actor = Actor.for_user(row)
    last = row["last_used_at"]
    stale = last is None or clock.now() - last >= TOUCH_EVERY
    principal = Principal(actor, token_id=row["token_id"], scope=row["scope"])
    return TokenUse(principal, row["token_id"], stale)


def touch_token(session: Session, clock: Clock, token_id: int) -> None:
    """Record that a token was used now (a short write transaction of its own)."""
    begin_write(session)
    session.execute(
        update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=clock.now())
    )
    session.commit()


def principal_for_token(session: Session, clock: Clock, token: str) -> Principal | None:
    """For a request that may write (anything but GET and HEAD): the principal of a live API
    token of an active user, else None (records its use). A read-only token is Forbidden.

    The look-up only reads, so it takes no write lock: on SQLite a writing request would
    otherwise hold the database's one write lock from here, while it goes back to the event
    loop and waits for its route's turn, and every other writer would queue behind it. The
    request's own writes take the lock when they begin.
    """
    begin_read(session)
    use = find_token(session, clock, token)
    session.rollback()  # nothing was written: end the read and hand back the connection
    if use is None:
        return None
    if use.principal.scope == READ:
        raise Forbidden(
            N_("this API token may only read (GET and HEAD); a read-write token is needed")
        )
    if use.stale:
        touch_token(session, clock, use.token_id)
    return use.principal


def refuse_token_minting(principal: Principal) -> None:
    """Only a signed-in browser session may create a token: a token that could make tokens
    would outlive its own expiry and revocation."""
    if principal.token_id is not None:
        raise Forbidden(
            N_("an API token cannot create tokens; sign in and create one on the page /me/tokens")
        )


@use_case
def create_token(
    ctx: Ctx, data: TokenCreate | dict[str, Any], cfg: AuthSettings | None = None
) -> TokenCreated:
    """Create a personal API token for the acting user; the secret is returned only now.

    It ends after COMPLIANCE_AUTH_TOKEN_DAYS days. Callers on the web make sure the request
    came from a signed-in browser session (refuse_token_minting)."""
    body = parse(TokenCreate, data)
    cfg = cfg or get_auth_settings()
    now = ctx.now()
    raw = TOKEN_PREFIX + new_secret()
    row = ApiToken(
        user_id=ctx.actor.user_id,
        name=body.name,
        token_hash=token_hash(raw),
        prefix=raw[:12],
        scope=body.scope,
        created_at=now,
        expires_at=now + timedelta(days=cfg.token_days),
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "api_token.created",
        "api_token",
        row.id,
        {"name": body.name, "scope": body.scope, "expires_at": row.expires_at.isoformat()},
    )
    return TokenCreated(**TokenRead.model_validate(row).model_dump(), token=raw)


def list_tokens(ctx: Ctx) -> list[TokenRead]:
    """The acting user's own API tokens, newest first."""
    return [TokenRead.model_validate(t) for t in repo.tokens_of(ctx.session, ctx.actor.user_id)]


def office_tokens(ctx: Ctx) -> list[TokenReadAsAdmin]:
    """Admin: every live (unrevoked, unexpired) API token of the office's users."""
    ctx.require(Permission.MANAGE_USERS)
    return [
        TokenReadAsAdmin(
            **TokenRead.model_validate(r["token"]).model_dump(),
            username=r["username"],
            display_name=r["display_name"],
        )
        for r in repo.live_tokens_of_office(ctx.session, ctx.actor.office_id, ctx.now())
    ]


@use_case
def revoke_token(ctx: Ctx, token_id: int) -> TokenRead:
    """Revoke one of the acting user's own tokens, or (an admin) any token of the office;
    another user's token is not found."""
    row = repo.token_of(ctx.session, ctx.actor.user_id, token_id)
    if row is None and holds(ctx.actor, Permission.MANAGE_USERS):
        row = repo.token_in_office(ctx.session, ctx.actor.office_id, token_id)
    if row is None:
        raise NotFound(f"token {token_id} not found")
    if repo.revoke_tokens(ctx.session, row.user_id, ctx.now(), token_id=token_id) != 1:
        raise Conflict(f"token {token_id} is already revoked")
    by_admin = row.user_id != ctx.actor.user_id
    audit.record(ctx, "api_token.revoked", "api_token", token_id, {"by_admin": by_admin})
    ctx.session.refresh(row)
    return TokenRead.model_validate(row)
