"""Argon2 never runs while a request holds SQLite's write lock (issue 12, item 11).

On SQLite one writer holds the whole database; a password hashed under its lock makes every
other writer, in every process, wait for it. Each check below looks, at the moment Argon2 is
called, whether another connection could take the write lock at once.
"""

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from compliance.accounts import auth, passwords
from compliance.accounts.auth_models import LoginAttempt
from compliance.accounts.settings import AuthSettings
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.errors import ValidationFailed
from compliance.migrate import upgrade
from tests import factories
from tests.conftest import NOW
from tests.factories import OfficeSet

CHEAP = AuthSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
OLD, NEW = "correct horse battery", "violet tangerine kayak 93"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, OfficeSet, str]]:
    """A SQLite file with an office whose users share the password OLD."""
    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}", Settings(sqlite_busy_timeout_ms=5000))
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        office.share_password(passwords.hash_password(CHEAP, OLD))
        s.commit()
    yield engine, office, str(path)
    engine.dispose()


def _write_lock_free(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def _watch(
    monkeypatch: pytest.MonkeyPatch, path: str, seen: list[tuple[str, bool]], name: str
) -> None:
    real: Callable[..., Any] = getattr(auth, name)

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append((name, _write_lock_free(path)))
        return real(*args, **kwargs)

    monkeypatch.setattr(auth, name, watched)


def _ctx(engine: Engine, session: Session, office: OfficeSet, who: str) -> Ctx:
    return Ctx(session=session, actor=office.actor(who), clock=FixedClock(NOW), settings=Settings())


def test_changing_one_s_own_password_hashes_outside_the_write_lock(
    database: tuple[Engine, OfficeSet, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, office, path = database
    seen: list[tuple[str, bool]] = []
    _watch(monkeypatch, path, seen, "verify_password")
    _watch(monkeypatch, path, seen, "hash_password")
    with Session(engine, expire_on_commit=False) as s:
        ctx = _ctx(engine, s, office, "hr")
        auth.set_password(ctx, CHEAP, ctx.actor.user_id, {"old_password": OLD, "new_password": NEW})
    assert seen == [("verify_password", True), ("hash_password", True)]
    with Session(engine) as s:  # and the new password is the one stored
        signed = auth.sign_in(s, FixedClock(NOW), CHEAP, "bsw-hr", NEW)
    assert signed.principal.actor.username == "bsw-hr"


def test_an_admin_reset_hashes_outside_the_write_lock(
    database: tuple[Engine, OfficeSet, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, office, path = database
    seen: list[tuple[str, bool]] = []
    _watch(monkeypatch, path, seen, "hash_password")
    staff_id = office.users["staff"].id
    assert staff_id is not None
    with Session(engine, expire_on_commit=False) as s:
        auth.set_password(_ctx(engine, s, office, "admin"), CHEAP, staff_id, {"new_password": NEW})
    assert seen == [("hash_password", True)]


def test_a_wrong_old_password_is_refused_and_counted_without_hashing_the_new_one(
    database: tuple[Engine, OfficeSet, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, office, path = database
    seen: list[tuple[str, bool]] = []
    _watch(monkeypatch, path, seen, "verify_password")
    _watch(monkeypatch, path, seen, "hash_password")
    with Session(engine, expire_on_commit=False) as s:
        ctx = _ctx(engine, s, office, "hr")
        with pytest.raises(ValidationFailed) as refused:
            auth.set_password(
                ctx, CHEAP, ctx.actor.user_id, {"old_password": "wrong", "new_password": NEW}
            )
    assert [e.field for e in refused.value.errors] == ["old_password"]
    assert seen == [("verify_password", True)]
    with Session(engine) as s:  # the old password still works; the failure was recorded
        failed = select(func.count()).where(
            LoginAttempt.username == "bsw-hr",
            LoginAttempt.succeeded == False,  # noqa: E712
        )
        assert s.execute(failed).scalar_one() == 1
        signed = auth.sign_in(s, FixedClock(NOW), CHEAP, "bsw-hr", OLD)
    assert signed.principal.actor.username == "bsw-hr"
