"""Sign-in settings (COMPLIANCE_AUTH_<NAME>); tests use a cheap Argon2 cost."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """Session time-outs, sign-in throttling, API tokens and password hashing cost."""

    model_config = SettingsConfigDict(
        env_prefix="COMPLIANCE_AUTH_", env_file=".env", extra="ignore"
    )

    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # Sign-in throttling (OWASP ASVS 5.0 §6.3): growing delays, never a hard lock-out.
    # Per account, whatever the address: after `account_free_failures` failures in a row,
    # each further attempt waits `account_delay_seconds` after the last failure, doubled at
    # every further failure, at most `account_delay_cap_seconds`. A stranger's few guesses
    # therefore never keep the real user out, and guessing stays slow.
    account_free_failures: int = 10
    account_delay_seconds: int = 2
    account_delay_cap_seconds: int = 300
    # Per source address, whatever the usernames typed: stricter (fewer free failures, longer
    # delays), so that one address cannot guess at many accounts.
    address_free_failures: int = 5
    address_delay_seconds: int = 15
    address_delay_cap_seconds: int = 900
    # Failures older than this are forgotten (and a success ends a run of failures).
    failure_memory_hours: int = 24
    # Behind a reverse proxy the peer is the proxy: only when this is set is the address the
    # proxy appends to X-Forwarded-For taken as the client's (else the header is ignored).
    trust_forwarded_for: bool = False
    password_min_length: int = 10
    # Personal API tokens end after this many days (COMPLIANCE_AUTH_TOKEN_DAYS).
    token_days: int = 90
    # Argon2id; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4


@lru_cache
def get_auth_settings() -> AuthSettings:
    """The process-wide sign-in settings (cached; tests build their own)."""
    return AuthSettings()
