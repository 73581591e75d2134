"""Signing in on a real, committed database: the hash runs with no write lock held, and
what changed while it ran is decided on again once the write lock is taken."""

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session, col

from compliance.accounts import auth
from compliance.accounts.auth_models import AuthSession, LoginAttempt
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password, verify_and_update
from compliance.accounts.settings import AuthSettings
from compliance.clock import FixedClock
from compliance.db import read_only
from tests import factories

PASSWORD = "correct horse battery"
CFG = AuthSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)


@pytest.fixture
def db(fresh_engine: Engine) -> Iterator[Engine]:
    """A database of the test's own holding an office whose users share PASSWORD."""
    with Session(fresh_engine) as s:
        office = factories.office_set(s)
        office.share_password(hash_password(CFG, PASSWORD))
        s.commit()
    yield fresh_engine


def _while_hashing(monkeypatch: pytest.MonkeyPatch, before: Callable[[], None]) -> list[str]:
    """Run `before` each time sign-in verifies a password; returns the hashes it checked."""
    checked: list[str] = []

    def verify(cfg: AuthSettings, password: str, stored: str | None) -> tuple[bool, str | None]:
        before()
        checked.append(stored or "")
        return verify_and_update(cfg, password, stored)

    monkeypatch.setattr(auth, "verify_and_update", verify)
    return checked


def _count(engine: Engine, *where: Any) -> int:
    """How many sign-in attempts are committed (that match `where`)."""
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(LoginAttempt).where(*where)).scalar_one()


def _write_lock_is_free(engine: Engine) -> None:
    """Take SQLite's write lock from a connection of our own; 'database is locked' if held."""
    other = sqlite3.connect(str(engine.url.database), timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.parametrize("kind", ["write", "read_only", "write_already_begun"])
@pytest.mark.parametrize("password", [PASSWORD, "not the password"])
def test_the_password_is_hashed_with_no_write_lock_held(
    db: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, kind: str, password: str
) -> None:
    if db.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock is database-wide; PostgreSQL locks rows")
    checked = _while_hashing(monkeypatch, lambda: _write_lock_is_free(db))
    with Session(read_only(db) if kind == "read_only" else db) as s:
        if kind == "write_already_begun":  # e.g. a stale cookie resumed first on the POST
            s.execute(select(func.count()).select_from(User)).scalar_one()
            assert s.in_transaction()
        if password == PASSWORD:
            signed = auth.sign_in(s, clock, CFG, "bsw-manager", password)
            assert signed.principal.actor.username == "bsw-manager"
        else:
            with pytest.raises(auth.SignInRefused) as refused:
                auth.sign_in(s, clock, CFG, "bsw-manager", password)
            assert not refused.value.locked
    assert len(checked) == 1
    ok = password == PASSWORD
    assert _count(db, col(LoginAttempt.succeeded).is_(ok)) == 1
    with Session(db) as s:
        assert s.execute(select(func.count()).select_from(AuthSession)).scalar_one() == int(ok)


def test_failures_recorded_while_hashing_delay_the_account_before_it_signs_in(
    db: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def guesses_elsewhere() -> None:
        with Session(db) as s:
            for i in range(CFG.account_free_failures):
                at = clock.now() - timedelta(seconds=i + 1)
                s.add(LoginAttempt(username="bsw-manager", at=at, succeeded=False))
            s.commit()

    _while_hashing(monkeypatch, guesses_elsewhere)
    with Session(db) as s, pytest.raises(auth.SignInRefused) as refused:
        auth.sign_in(s, clock, CFG, "bsw-manager", PASSWORD)
    assert refused.value.locked
    # Refused as delayed, as if the delay had been seen first: nothing more is recorded.
    assert _count(db) == CFG.account_free_failures
    with Session(db) as s:
        assert s.execute(select(func.count()).select_from(AuthSession)).scalar_one() == 0


@pytest.mark.parametrize(
    ("new_password", "signs_in"),
    [("a brand new passphrase", False), (PASSWORD, True)],  # changed, or rehashed elsewhere
)
def test_a_password_changed_while_hashing_is_checked_again(
    db: Engine,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    new_password: str,
    signs_in: bool,
) -> None:
    new_hash = hash_password(CFG, new_password)

    def change_once() -> None:
        if not checked:
            with Session(db) as s:
                s.execute(
                    update(User)
                    .where(col(User.username) == "bsw-manager")
                    .values(password_hash=new_hash)
                )
                s.commit()

    checked = _while_hashing(monkeypatch, change_once)
    with Session(db) as s:
        if signs_in:
            auth.sign_in(s, clock, CFG, "bsw-manager", PASSWORD)
        else:
            with pytest.raises(auth.SignInRefused):
                auth.sign_in(s, clock, CFG, "bsw-manager", PASSWORD)
    assert checked[1] == new_hash and len(checked) == 2
    assert _count(db, col(LoginAttempt.succeeded).is_(signs_in)) == 1


def test_a_user_disabled_while_hashing_is_refused(
    db: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disable_once() -> None:
        if not checked:
            with Session(db) as s:
                s.execute(update(User).where(col(User.username) == "bsw-hr").values(active=False))
                s.commit()

    checked = _while_hashing(monkeypatch, disable_once)
    with Session(db) as s, pytest.raises(auth.SignInRefused):
        auth.sign_in(s, clock, CFG, "bsw-hr", PASSWORD)
    assert checked[1] == ""  # the second check costs a hash too: no timing tells
    assert _count(db, col(LoginAttempt.succeeded).is_(False)) == 1
