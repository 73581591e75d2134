"""One way to write: a use case's transaction, and a new row built, checked and audited.

A use case commits once, at its edge: `use_case` wraps a service function so that the
outermost use case on a session commits when it returns. A use case called from another
one (a case confirming a finding, feedback opening a damage incident) joins the caller's
transaction and commits nothing itself: no `commit=` flags, no commits inside services.
An error commits nothing and undoes the use case's work (back to a savepoint taken at its
start), so nothing is ever half-applied.

`record_new` is the common insert: times not in the future, the row validated from the input
with what the server decides, flushed, audited (a record about a staff member or a unit:
compliance.recording.record_new, which checks those first).
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.validation import not_in_future

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T", bound=SQLModel)

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
        try:
            session.commit()
        except BaseException:  # a failed commit leaves nothing to keep
            session.rollback()
            raise
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


def record_new(
    ctx: Ctx,
    model: type[T],
    data: BaseModel | Mapping[str, Any],
    *,
    update: Mapping[str, Any] | None = None,
    not_future: Mapping[str, datetime | None] | None = None,
    audit_action: str | None = None,
    audit_entity: str | None = None,
    audit_payload: Any = None,
) -> T:
    """Insert a new record of the actor's office and audit it.

    not_future: field name -> time, each refused if it has not happened yet; the row is
    `model.model_validate(data, update={office_id, ...update})`; after the flush (the row
    has its id) `audit_action` is recorded on `audit_entity` (default: the table's name)
    with `audit_payload` (default: the input as JSON).
    """
    office_id = ctx.actor.office_id
    now = ctx.now()
    for field, at in (not_future or {}).items():
        not_in_future(field, at, now)
    fields = data.model_dump() if isinstance(data, BaseModel) else dict(data)
    row = model.model_validate(fields, update={"office_id": office_id, **(update or {})})
    ctx.session.add(row)
    ctx.session.flush()
    if audit_action is not None:
        if audit_payload is None:
            audit_payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        entity = audit_entity or str(getattr(model, "__tablename__", model.__name__.lower()))
        audit.record(ctx, audit_action, entity, getattr(row, "id", None), audit_payload)
    return row
