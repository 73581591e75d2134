"""Sign-in settings (COMPLIANCE_AUTH_<NAME>); tests use a cheap Argon2 cost."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """Session time-outs, throttling and password hashing cost."""

    model_config = SettingsConfigDict(
        env_prefix="COMPLIANCE_AUTH_", env_file=".env", extra="ignore"
    )

    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    max_failures: int = 5
    failure_window_minutes: int = 15
    lockout_minutes: int = 15
    password_min_length: int = 10
    # Argon2id; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4


@lru_cache
def get_auth_settings() -> AuthSettings:
    """The process-wide sign-in settings (cached; tests build their own)."""
    return AuthSettings()
