"""What every command shares: the engine, `--as USER`, and error reporting."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from rich.console import Console
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.actors import Actor
from compliance.clock import SystemClock
from compliance.config import get_settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.errors import ComplianceError, ValidationFailed

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def engine() -> Engine:
    """The engine for the configured database."""
    return make_engine(get_settings().database_url)


def actor_for(session: Session, username: str) -> Actor:
    """The active user named by --as."""
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
    if user is None or not user.active:
        raise ValidationFailed.one("--as", f"no active user {username!r}")
    return Actor.for_user(user)


@contextmanager
def acting(username: str) -> Iterator[Ctx]:
    """A use-case context for the user; the service commits, errors roll back."""
    eng = engine()
    try:
        with Session(eng, expire_on_commit=False) as session:
            try:
                yield Ctx(session=session, actor=actor_for(session, username), clock=SystemClock())
            except BaseException:
                session.rollback()
                raise
    finally:
        eng.dispose()


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print domain errors as one clear message each and exit with status 2."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            err_console.print("[red]Rejected; nothing was changed:[/red]")
            for e in exc.errors:
                err_console.print(f"  • {e}")
            sys.exit(2)
        except ComplianceError as exc:
            err_console.print(f"[red]{type(exc).__name__}:[/red] {exc}")
            sys.exit(2)

    return wrapper


def parse_day(value: str, field: str) -> date:
    """A YYYY-MM-DD option value."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.one(field, f"not a date (YYYY-MM-DD): {value!r}") from None


def kv_pairs(pairs: list[str]) -> dict[str, Any]:
    """Turn key=value arguments into a dict (values stay strings; schemas coerce them)."""
    out: dict[str, Any] = {}
    for p in pairs:
        if "=" not in p:
            raise ValidationFailed.one(p, "expected key=value")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out
