"""`record_new` for the records (feedback, visits, damages, ...): the office's staff member
and unit are checked first, in that order (a validation error otherwise), then the row is
inserted and audited by compliance.usecase.record_new. Above staff and residents, below
the record domains that use it."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import SQLModel

from compliance import usecase
from compliance.context import Ctx
from compliance.residents.repository import get_unit_in_office
from compliance.staff.repository import get_in_office

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
    """Insert and audit a new record of the actor's office, its staff member and unit (when
    given) checked to be of the office first."""
    if staff_id is not None:
        get_in_office(ctx.session, ctx.actor.office_id, staff_id)
    if unit_id is not None:
        get_unit_in_office(ctx.session, ctx.actor.office_id, unit_id)
    return usecase.record_new(
        ctx,
        model,
        data,
        update=update,
        not_future=not_future,
        audit_action=audit_action,
        audit_entity=audit_entity,
        audit_payload=audit_payload,
    )
