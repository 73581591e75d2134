"""One way to write: a use case's transaction (a new record built, checked and audited:
compliance.recording).

A use case commits once, at its edge: `use_case` wraps a service function so that the
outermost use case on a session commits when it returns. A use case called from another
one (a case confirming a finding, feedback opening a damage incident) joins the caller's
transaction and commits nothing itself: no `commit=` flags, no commits inside services.
An error commits nothing and undoes the use case's work (back to a savepoint taken at its
start), so nothing is ever half-applied.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlmodel import Session

from compliance.context import Ctx

P = ParamSpec("P")
R = TypeVar("R")

_IN_USE_CASE = "compliance_in_use_case"  # in session.info while a use case runs on it


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Run a use case on the session: the outermost one commits once when it ends without
    error, or undoes its work on error; one inside another joins it."""
    if session.info.get(_IN_USE_CASE):
        yield session
        return
    session.info[_IN_USE_CASE] = True
    try:
        # A savepoint: an error undoes exactly the use case's work, whatever the session did
        # before it (a test's records, a request's own bookkeeping), and leaves the session
        # usable (on PostgreSQL a failed statement otherwise poisons the whole transaction).
        with session.begin_nested():
            yield session
        session.commit()
    finally:
        session.info.pop(_IN_USE_CASE, None)


def use_case(fn: Callable[Concatenate[Ctx, P], R]) -> Callable[Concatenate[Ctx, P], R]:
    """A service function that is one use case: its work is committed once when it returns
    (or with the use case that called it)."""

    @wraps(fn)
    def run(ctx: Ctx, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(ctx.session):
            return fn(ctx, *args, **kwargs)

    return run


def run_use_case(ctx: Ctx, fn: Callable[Concatenate[Ctx, P], R], *a: P.args, **kw: P.kwargs) -> R:
    """Run fn(ctx, ...) as one use case (for a caller composing steps into one transaction)."""
    with transaction(ctx.session):
        return fn(ctx, *a, **kw)
