"""Server-side sessions, personal API tokens and the sign-in attempt log."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id")
    token_hash: str = Field(max_length=64, unique=True)
    # Rendered into forms; useless without the cookie, so it is kept in clear.
    csrf_token: str = Field(max_length=64)
    created_at: datetime = utc_field()
    last_seen_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True)
    revoked_reason: str = Field(default="", max_length=32)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=200)


class ApiToken(SQLModel, table=True):
    """A personal bearer token for the JSON API; shown once, stored as its SHA-256."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    # "read" (GET and HEAD only) or "read-write".
    scope: str = Field(default="read-write", max_length=16)
    created_at: datetime = utc_field()
    # A token stops working at this moment (COMPLIANCE_AUTH_TOKEN_DAYS after its creation).
    expires_at: datetime = utc_field()
    last_used_at: datetime | None = utc_field(nullable=True)
    revoked_at: datetime | None = utc_field(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt (or old-password check), kept per typed username (existing or
    not) and source address, for throttling."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100)
    at: datetime = utc_field()
    succeeded: bool
    ip: str = Field(default="", max_length=64)
