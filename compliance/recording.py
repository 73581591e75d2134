"""`record_new`, the common insert of a new record: the office's staff (and unit) checked,
times not in the future, the row validated from the input with what the server decides,
flushed, audited. (Above staff and residents, below the record domains that use it.)"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import SQLModel

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office
from compliance.validation import not_in_future

T = TypeVar("T", bound=SQLModel)


def record_new(
    ctx: Ctx,
    model: type[T],
    data: BaseModel | Mapping[str, Any],
    *,
    update: Mapping[str, Any] | None = None,
    staff_id: int | None = None,
    unit_id: int | None = None,
    not_future: Mapping[str, datetime | None] | None = None,
    audit_action: str | None = None,
    audit_entity: str | None = None,
    audit_payload: Any = None,
) -> T:
    """Insert a new record of the actor's office and audit it.

    staff_id / unit_id: checked to be of the office (NotFound otherwise), in that order;
    not_future: field name -> time, each refused if it has not happened yet; the row is
    `model.model_validate(data, update={office_id, ...update})`; after the flush (the row
    has its id) `audit_action` is recorded on `audit_entity` (default: the table's name)
    with `audit_payload` (default: the input as JSON).
    """
    office_id = ctx.actor.office_id
    if staff_id is not None:
        get_in_office(ctx.session, office_id, staff_id)
    if unit_id is not None:
        get_unit_in_office(ctx.session, office_id, unit_id)
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
