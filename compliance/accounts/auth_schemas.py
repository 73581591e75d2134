"""Input and output shapes for passwords and API tokens."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.validation import Input

# Argon2 hashes any length, but a megabyte "password" is a denial-of-service attempt.
MAX_PASSWORD = 256


class PasswordChange(BaseModel):
    """A new password; the old one is required when users change their own."""

    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(default="", max_length=MAX_PASSWORD)
    new_password: str = Field(max_length=MAX_PASSWORD)
    new_password_repeat: str | None = Field(default=None, max_length=MAX_PASSWORD)

    @model_validator(mode="after")
    def _repeated(self) -> "PasswordChange":
        if self.new_password_repeat is not None and self.new_password_repeat != self.new_password:
            raise ValueError("new_password_repeat: does not match the new password")
        return self


# A token's scope: "read" may only GET and HEAD; "read-write" may do what its owner may.
Scope = Literal["read", "read-write"]
READ: Scope = "read"
READ_WRITE: Scope = "read-write"


class TokenCreate(Input):
    """A personal API token to create for oneself."""

    name: str = Field(min_length=1, max_length=100)
    scope: Scope = READ_WRITE


class TokenRead(BaseModel):
    """A token as listed (never the secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    """A token just created: the secret is shown this once and never stored."""

    token: str


class TokenReadAsAdmin(TokenRead):
    """A live token of the office as its admin sees it: with its owner."""

    username: str
    display_name: str
