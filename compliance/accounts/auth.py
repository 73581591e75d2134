"""Use cases for signing in and out, passwords and sessions (API tokens: tokens.py)."""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from compliance.accounts import repository as repo
from compliance.accounts import strength
from compliance.accounts.auth_models import AuthSession, LoginAttempt
from compliance.accounts.auth_schemas import (
    PasswordChange,
)
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password, verify_and_update, verify_password
from compliance.accounts.settings import AuthSettings
from compliance.actors import Actor
from compliance.audit import service as audit
from compliance.clock import Clock
from compliance.context import Ctx
from compliance.db import begin_read, begin_write
from compliance.errors import (
    ComplianceError,
    FieldError,
    NotFound,
    ValidationFailed,
)
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.usecase import transaction
from compliance.validation import parse

# Writing last_seen_at on every request would make every page view a write; a minute is
# far below the idle time-out, so the time-out stays accurate to the minute.
TOUCH_EVERY = timedelta(minutes=1)


class SignInRefused(ComplianceError):
    """Wrong username or password, or too many failures (then `retry_after` seconds to wait);
    never says whether the account exists."""

    def __init__(self, *, locked: bool, retry_after: int = 0) -> None:
        self.locked = locked
        self.retry_after = max(1, retry_after) if locked else 0
        if locked:
            super().__init__(
                N_("too many attempts; try again in %(seconds)s seconds"), seconds=self.retry_after
            )
        else:
            super().__init__(N_("sign-in failed"))


@dataclass(frozen=True)
class Principal:
    """Who a request acts as, and through which session or token."""

    actor: Actor
    session_id: int | None = None
    csrf_token: str | None = None
    token_id: int | None = None
    # A token's scope: "read" or "read-write" (None for a browser session).
    scope: str | None = None


@dataclass(frozen=True)
class SignedIn:
    """A new session: the cookie value (shown to the browser only) and who it is."""

    session_token: str
    principal: Principal


def token_hash(raw: str) -> str:
    """The SHA-256 of a cookie or token value: only the hash is stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A new random cookie or token value."""
    # 32 random bytes: 256 bits, far above the 128 bits a session id needs.
    return secrets.token_urlsafe(32)


def actor_of(user: User) -> Actor:
    """The Actor for a user row."""
    return Actor.for_user(user)


def _delay_left(fails: list[datetime], free: int, base: int, cap: int, now: datetime) -> int:
    """Seconds still to wait: after `free` failures in a row each further attempt waits
    `base` seconds after the last failure, doubled at every further failure, at most `cap`."""
    if len(fails) < free:
        return 0
    doublings = min(len(fails) - free, 30)
    until = fails[0] + timedelta(seconds=min(cap, base * 2**doublings))
    return math.ceil((until - now).total_seconds()) if now < until else 0


def wait_seconds(session: Session, cfg: AuthSettings, name: str, ip: str, now: datetime) -> int:
    """How long the account `name` must wait before it may be tried again from address `ip`
    (0: now): the longer of the per-account and the per-address delays (ASVS 5.0 §6.3)."""
    since = now - timedelta(hours=cfg.failure_memory_hours)
    # Past this many failures the delay is at its cap: older ones change nothing.
    enough = 40
    account = _delay_left(
        repo.recent_failures(session, since, cfg.account_free_failures + enough, username=name),
        cfg.account_free_failures,
        cfg.account_delay_seconds,
        cfg.account_delay_cap_seconds,
        now,
    )
    address = 0
    if ip:
        address = _delay_left(
            repo.recent_failures(session, since, cfg.address_free_failures + enough, ip=ip),
            cfg.address_free_failures,
            cfg.address_delay_seconds,
            cfg.address_delay_cap_seconds,
            now,
        )
    return max(account, address)


def _usable_hash(user: User | None) -> str | None:
    return user.password_hash if user is not None and user.active else None


def sign_in(
    session: Session,
    clock: Clock,
    cfg: AuthSettings,
    username: str,
    password: str,
    *,
    previous_token: str | None = None,
    ip: str = "",
    user_agent: str = "",
) -> SignedIn:
    """Check the password and open a new session (always a new id: no session fixation).

    Failures are counted per typed username, whether or not such a user exists, so the
    answer and the delays reveal nothing about which accounts exist; and per source address.
    Both only delay further attempts (growing delays): nobody can lock a user out.
    """
    # No account's name has a NUL character, and PostgreSQL cannot even compare with one.
    name = username.strip().lower()[:100].replace("\x00", "")
    missing = [
        FieldError(f, "is required")
        for f, v in (("username", name), ("password", password))
        if not v
    ]
    if missing:
        raise ValidationFailed(missing)
    now = clock.now()
    # Argon2 takes tens of milliseconds: hashing inside the write transaction would make
    # every other writer (on SQLite: the whole database) wait for it. So read, let go of the
    # database, hash, and only then take the write lock to record the outcome.
    ip = ip[:64]
    begin_read(session)
    wait = wait_seconds(session, cfg, name, ip, now)
    if wait:
        session.rollback()
        raise SignInRefused(locked=True, retry_after=wait)
    stored = _usable_hash(repo.user_by_username(session, name))
    session.rollback()  # nothing was written: end the read and hand back the connection
    ok, new_hash = verify_and_update(cfg, password, stored)
    begin_write(session)
    # Decide again on what is committed now: failures recorded while we hashed may call for
    # a delay, and the user may have been disabled or given a new password.
    wait = wait_seconds(session, cfg, name, ip, now)
    if wait:
        session.rollback()
        raise SignInRefused(locked=True, retry_after=wait)
    user = repo.user_by_username(session, name)
    fresh = _usable_hash(user)
    if fresh != stored:
        # Changed while we hashed (a new password, or a concurrent sign-in's rehash): check
        # against what is stored now. Rare enough that holding the lock for it is fine.
        ok, new_hash = verify_and_update(cfg, password, fresh)
    session.add(LoginAttempt(username=name, at=now, succeeded=ok, ip=ip))
    if not ok or user is None:
        session.flush()
        wait = wait_seconds(session, cfg, name, ip, now)
        session.commit()
        raise SignInRefused(locked=wait > 0, retry_after=wait)
    assert user.id is not None
    if new_hash is not None:
        session.execute(update(User).where(col(User.id) == user.id).values(password_hash=new_hash))
    if previous_token:
        repo.revoke_session_by_hash(session, token_hash(previous_token), now, "replaced")
    raw = new_secret()
    row = AuthSession(
        user_id=user.id,
        token_hash=token_hash(raw),
        csrf_token=new_secret(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=cfg.session_absolute_hours),
        ip=ip,
        user_agent=user_agent[:200],
    )
    session.add(row)
    session.flush()
    _audit(session, user, now, "auth.signed_in", {"session_id": row.id})
    session.commit()
    return SignedIn(raw, Principal(actor_of(user), session_id=row.id, csrf_token=row.csrf_token))


def _audit(session: Session, user: User, now: datetime, action: str, payload: Any) -> None:
    audit.append(
        session,
        at=now,
        actor_id=user.id,
        actor_role=user.role,
        office_id=user.office_id,
        action=action,
        entity="user",
        entity_id=str(user.id),
        payload=payload,
    )


def resume(session: Session, clock: Clock, cfg: AuthSettings, token: str) -> Principal | None:
    """The principal of a live session cookie; ends the session if idle, too old or disabled."""
    found = repo.session_with_user(session, token_hash(token))
    if found is None:
        return None
    row, user = found
    now = clock.now()
    reason = ""
    if now >= row.expires_at:
        reason = "expired"
    elif now - row.last_seen_at >= timedelta(minutes=cfg.session_idle_minutes):
        reason = "idle"
    elif not user.active:
        reason = "user disabled"
    if reason:
        begin_write(session)
        repo.revoke_session_by_hash(session, row.token_hash, now, reason)
        session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        begin_write(session)
        session.execute(
            update(AuthSession).where(col(AuthSession.id) == row.id).values(last_seen_at=now)
        )
        session.commit()
    return Principal(actor_of(user), session_id=row.id, csrf_token=row.csrf_token)


def sign_out(session: Session, clock: Clock, token: str) -> None:
    """Revoke the session of this cookie value (nothing happens if it is not live)."""
    with transaction(session):
        found = repo.session_with_user(session, token_hash(token))
        if found is None:
            return
        row, user = found
        now = clock.now()
        repo.revoke_session_by_hash(session, row.token_hash, now, "signed out")
        _audit(session, user, now, "auth.signed_out", {"session_id": row.id})


def revoke_user_access(session: Session, user_id: int, now: datetime, reason: str) -> None:
    """End every session and API token of a user (flushes; the caller commits)."""
    repo.revoke_sessions(session, user_id, now, reason)
    repo.revoke_tokens(session, user_id, now)


def _check_strength(session: Session, cfg: AuthSettings, password: str, user: User) -> None:
    office = session.get(Office, user.office_id)
    known = [user.display_name] + ([office.name, office.code] if office is not None else [])
    strength.check(
        password, min_length=cfg.password_min_length, username=user.username, known=known
    )


def _store_password(session: Session, cfg: AuthSettings, user_id: int, password: str) -> None:
    session.execute(
        update(User)
        .where(col(User.id) == user_id)
        .values(password_hash=hash_password(cfg, password))
    )


def set_password(
    ctx: Ctx,
    cfg: AuthSettings,
    user_id: int,
    data: PasswordChange | dict[str, Any],
    *,
    keep_session_id: int | None = None,
    ip: str = "",
) -> None:
    """Set a password: users their own (with the old one), admins anyone's in the office.

    Every API token of the user ends, and every other session; a user changing their own
    keeps the current session. Checking the old password is throttled like signing in
    (a wrong one counts as a failed sign-in of the account, from `ip`).
    """
    own = user_id == ctx.actor.user_id
    if not own:
        ctx.require(Permission.MANAGE_USERS)
    body = parse(PasswordChange, data)
    now = ctx.now()
    ip = ip[:64]
    # Argon2 (the old password checked, the new one hashed) takes tens of milliseconds each:
    # as in sign_in, read, let go of the database, hash, and only then take the write lock.
    begin_read(ctx.session)
    user = repo.user_in_office(ctx.session, ctx.actor.office_id, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    username, stored = user.username, user.password_hash
    if own:
        wait = wait_seconds(ctx.session, cfg, username, ip, now)
        if wait:
            raise SignInRefused(locked=True, retry_after=wait)
    _check_strength(ctx.session, cfg, body.new_password, user)
    ctx.session.rollback()  # nothing was written: end the read and hand back the connection
    old_ok = not own or verify_password(cfg, body.old_password, stored)
    new_hash = hash_password(cfg, body.new_password) if old_ok else ""
    begin_write(ctx.session)
    user = repo.user_in_office(ctx.session, ctx.actor.office_id, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if own:
        # Decide again on what is committed now (failures recorded or a new password set
        # while we hashed); a changed hash is checked under the lock (rare).
        wait = wait_seconds(ctx.session, cfg, username, ip, now)
        if wait:
            raise SignInRefused(locked=True, retry_after=wait)
        if user.password_hash != stored:
            old_ok = verify_password(cfg, body.old_password, user.password_hash)
        if not old_ok:
            ctx.session.add(LoginAttempt(username=username, at=now, succeeded=False, ip=ip))
            ctx.session.commit()
            raise ValidationFailed.one("old_password", "is not correct")
    if not new_hash:  # the old password only matched the hash stored while we hashed
        new_hash = hash_password(cfg, body.new_password)
    ctx.session.execute(update(User).where(col(User.id) == user_id).values(password_hash=new_hash))
    repo.revoke_sessions(
        ctx.session,
        user_id,
        now,
        "password changed",
        keep_session_id=keep_session_id if own else None,
    )
    tokens = repo.revoke_tokens(ctx.session, user_id, now)
    audit.record(
        ctx, "user.password_set", "user", user_id, {"by_admin": not own, "tokens_revoked": tokens}
    )
    ctx.session.commit()


def set_initial_password(
    session: Session, clock: Clock, cfg: AuthSettings, username: str, password: str
) -> None:
    """Bootstrap from the server's shell: set a user's password (recorded as the system).

    The user's sessions and API tokens end."""
    with transaction(session):
        user = repo.user_by_username(session, username.strip().lower())
        if user is None:
            raise NotFound(f"no user {username!r}")
        assert user.id is not None
        _check_strength(session, cfg, password, user)
        now = clock.now()
        _store_password(session, cfg, user.id, password)
        revoke_user_access(session, user.id, now, "password changed")
        audit.append(
            session,
            at=now,
            actor_id=None,
            actor_role="system",
            office_id=user.office_id,
            action="user.password_set",
            entity="user",
            entity_id=str(user.id),
            payload={"by": "shell"},
        )
