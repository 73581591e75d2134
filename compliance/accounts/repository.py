"""Queries for sessions, tokens and sign-in attempts (flush at most, never commit)."""

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col

from compliance.accounts.auth_models import ApiToken, AuthSession, LoginAttempt
from compliance.accounts.models import User
from compliance.prepared import PreparedSelect, Row

# Every request runs one of these two: built once, they skip the statement's construction.
_SESSION_WITH_USER = (
    select(AuthSession, User)
    .join(User, col(User.id) == col(AuthSession.user_id))
    .where(
        col(AuthSession.token_hash) == bindparam("token_hash"),
        col(AuthSession.revoked_at).is_(None),
    )
)
# Every API request runs this one: plain columns, no entities to build and track. Only the
# unexpired tokens of active users are found.
_TOKEN_USER = PreparedSelect(
    select(
        col(ApiToken.id).label("token_id"),
        col(ApiToken.scope),
        col(ApiToken.last_used_at),
        col(User.id).label("user_id"),
        col(User.username),
        col(User.role),
        col(User.office_id),
        col(User.staff_id),
        col(User.is_director),
    )
    .join(User, col(User.id) == col(ApiToken.user_id))
    .where(
        col(ApiToken.token_hash) == bindparam("token_hash"),
        col(ApiToken.revoked_at).is_(None),
        col(ApiToken.expires_at) > bindparam("now"),
        col(User.active).is_(True),
    )
)


def session_with_user(session: Session, token_hash: str) -> tuple[AuthSession, User] | None:
    """The live (not revoked) session with this hash and its user, in one query."""
    row = session.execute(_SESSION_WITH_USER, {"token_hash": token_hash}).first()
    return None if row is None else (row[0], row[1])


def live_token(session: Session, token_hash: str, now: datetime) -> Row | None:
    """The unrevoked, unexpired token with this hash of an active user: the token's id, scope
    and last use, and the user's id, username, role, office_id, staff_id and is_director
    (one query)."""
    return _TOKEN_USER.first(session, {"token_hash": token_hash, "now": now})


def revoke_sessions(
    session: Session,
    user_id: int,
    now: datetime,
    reason: str,
    *,
    keep_session_id: int | None = None,
    token_hash: str | None = None,
) -> int:
    """Revoke a user's live sessions (or the one with token_hash); returns how many."""
    stmt = update(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    if keep_session_id is not None:
        stmt = stmt.where(col(AuthSession.id) != keep_session_id)
    if token_hash is not None:
        stmt = stmt.where(col(AuthSession.token_hash) == token_hash)
    done = session.execute(stmt.values(revoked_at=now, revoked_reason=reason[:32]))
    return int(done.rowcount)  # type: ignore[attr-defined]


def revoke_session_by_hash(session: Session, token_hash: str, now: datetime, reason: str) -> int:
    """Revoke the live session with this hash, whoever owns it; returns 0 or 1."""
    done = session.execute(
        update(AuthSession)
        .where(col(AuthSession.token_hash) == token_hash, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason[:32])
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def revoke_tokens(
    session: Session, user_id: int, now: datetime, *, token_id: int | None = None
) -> int:
    """Revoke a user's live API tokens (or one of them); returns how many."""
    stmt = update(ApiToken).where(
        col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None)
    )
    if token_id is not None:
        stmt = stmt.where(col(ApiToken.id) == token_id)
    done = session.execute(stmt.values(revoked_at=now))
    return int(done.rowcount)  # type: ignore[attr-defined]


def recent_failures(
    session: Session, since: datetime, limit: int, *, username: str = "", ip: str = ""
) -> list[datetime]:
    """Times of the latest failed attempts, newest first, for a username (or a source
    address) since a time and after that username's (or address's) last success."""
    key = col(LoginAttempt.ip) == ip if ip else col(LoginAttempt.username) == username
    # "After" by the order of recording (the id): a failure in the same instant as a
    # success, but recorded after it, counts.
    last_ok = (
        select(col(LoginAttempt.id))
        .where(key, col(LoginAttempt.succeeded).is_(True), col(LoginAttempt.at) >= since)
        .order_by(col(LoginAttempt.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(col(LoginAttempt.at))
        .where(key, col(LoginAttempt.succeeded).is_(False), col(LoginAttempt.at) >= since)
        .where((last_ok.is_(None)) | (col(LoginAttempt.id) > last_ok))
        .order_by(col(LoginAttempt.at).desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def user_by_username(session: Session, username: str) -> User | None:
    """The user with this username, active or not."""
    return session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()


def user_in_office(session: Session, office_id: int, user_id: int) -> User | None:
    """The user if they belong to the office."""
    return session.execute(
        select(User).where(col(User.id) == user_id, col(User.office_id) == office_id)
    ).scalar_one_or_none()


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's API tokens, newest first."""
    return list(
        session.execute(
            select(ApiToken)
            .where(col(ApiToken.user_id) == user_id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).scalars()
    )


def live_tokens_of_office(session: Session, office_id: int, now: datetime) -> list[Row]:
    """Every unrevoked, unexpired token of the office's users with its owner, newest first."""
    rows = session.execute(
        select(ApiToken, col(User.username), col(User.display_name))
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(
            col(User.office_id) == office_id,
            col(ApiToken.revoked_at).is_(None),
            col(ApiToken.expires_at) > now,
        )
        .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
    ).all()
    return [{"token": t, "username": username, "display_name": name} for t, username, name in rows]


def token_in_office(session: Session, office_id: int, token_id: int) -> ApiToken | None:
    """A token of any user of the office."""
    return session.execute(
        select(ApiToken)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(col(ApiToken.id) == token_id, col(User.office_id) == office_id)
    ).scalar_one_or_none()


def token_of(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    """One of the user's own API tokens."""
    return session.execute(
        select(ApiToken).where(col(ApiToken.id) == token_id, col(ApiToken.user_id) == user_id)
    ).scalar_one_or_none()
