"""Dismissing many findings at once with one reason: all or none, each audited on its own."""

from typing import Any

from pydantic import Field

from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.findings import service
from compliance.findings.schemas import FindingRead
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.usecase import use_case
from compliance.validation import Input, RecordId, parse

MAX_AT_ONCE = 100
NONE_CHOSEN = N_("choose at least one finding to dismiss")
TOO_MANY = N_("choose at most 100 findings at a time")
NO_REASON = N_("a reason is required to dismiss a finding")


class BulkDismissIn(Input):
    """The findings to dismiss and the one reason that covers them all."""

    ids: list[RecordId] = Field(default_factory=list)
    reason: str = Field(default="", max_length=2000)


@use_case
def dismiss_many(ctx: Ctx, data: BulkDismissIn | dict[str, Any]) -> list[FindingRead]:
    """Dismiss every chosen open finding of the office with the same reason, in one
    transaction: each is checked, changed and audited exactly as a single dismissal is, and
    if one cannot be dismissed (another office's, already triaged) none is."""
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
    if errors:
        raise ValidationFailed(errors)
    return [service.dismiss(ctx, finding_id, {"reason": reason}) for finding_id in ids]
