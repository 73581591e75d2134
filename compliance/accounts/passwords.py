"""Argon2id password hashing through pwdlib, at the cost the settings ask for."""

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from compliance.accounts.settings import AuthSettings


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHash:
    return PasswordHash(
        (Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism),)
    )


def hasher(cfg: AuthSettings) -> PasswordHash:
    """The password hasher for these settings."""
    return _hasher(cfg.argon2_time_cost, cfg.argon2_memory_kib, cfg.argon2_parallelism)


def hash_password(cfg: AuthSettings, password: str) -> str:
    """An Argon2id hash of the password with a fresh salt."""
    return hasher(cfg).hash(password)


def verify_password(cfg: AuthSettings, password: str, stored: str | None) -> bool:
    """Whether the password matches; a missing hash still costs one hash (no timing leak)."""
    h = hasher(cfg)
    if not stored:
        h.verify(
            password,
            _dummy_hash(cfg.argon2_time_cost, cfg.argon2_memory_kib, cfg.argon2_parallelism),
        )
        return False
    try:
        return h.verify(password, stored)
    except UnknownHashError:
        return False


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not-a-real-password")


def verify_and_update(
    cfg: AuthSettings, password: str, stored: str | None
) -> tuple[bool, str | None]:
    """Verify; when the stored hash used other cost settings, also return a fresh hash."""
    if not stored:
        verify_password(cfg, password, None)
        return False, None
    try:
        return hasher(cfg).verify_and_update(password, stored)
    except UnknownHashError:
        return False, None
