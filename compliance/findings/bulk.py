"""Dismissing many findings at once with one reason: all or none, each audited on its own."""

from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.findings import service
from compliance.findings.models import Finding
from compliance.findings.schemas import FindingRead
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.usecase import use_case
from compliance.validation import Input, RecordId, parse

MAX_AT_ONCE = 100
NONE_CHOSEN = N_("choose at least one finding to dismiss")
TOO_MANY = N_("choose at most 100 findings at a time")
NO_REASON = N_("a reason is required to dismiss a finding")
NOT_FOUND = N_("no such finding in this office")


class BulkDismissIn(Input):
    """The findings to dismiss and the one reason that covers them all."""

    ids: list[RecordId] = Field(default_factory=list)
    reason: str = Field(default="", max_length=2000)


@use_case
def dismiss_many(ctx: Ctx, data: BulkDismissIn | dict[str, Any]) -> list[FindingRead]:
    """Dismiss every chosen open finding of the office with the same reason, in one
    transaction: each is checked, changed and audited exactly as a single dismissal is, and
    if one cannot be dismissed (not the office's: a field error; already triaged: a
    conflict) none is."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    body = parse(BulkDismissIn, data)
    errors = []
    ids = list(dict.fromkeys(body.ids))
    if not ids:
        errors.append(FieldError("ids", NONE_CHOSEN))
    elif len(ids) > MAX_AT_ONCE:
        errors.append(FieldError("ids", TOO_MANY))
    reason = body.reason.strip()
    if not reason:
        errors.append(FieldError("reason", NO_REASON))
    if not errors:
        known = set(
            ctx.session.execute(
                select(col(Finding.id)).where(
                    col(Finding.office_id) == ctx.actor.office_id, col(Finding.id).in_(ids)
                )
            ).scalars()
        )
        errors += [
            FieldError(f"ids.{i}", NOT_FOUND) for i, fid in enumerate(ids) if fid not in known
        ]
    if errors:
        raise ValidationFailed(errors)
    return [service.dismiss(ctx, finding_id, {"reason": reason}) for finding_id in ids]
