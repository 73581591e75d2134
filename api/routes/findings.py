"""/api/findings: the triage queue (filtered and paged), confirm, dismiss one or many."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from api.deps import CtxDep, IdPath, IdQuery, require
from compliance.cases.schemas import CaseRead
from compliance.errors import ValidationFailed
from compliance.findings import bulk, queue, service
from compliance.findings.bulk import BulkDismissIn
from compliance.findings.models import FindingSource, FindingStatus
from compliance.findings.schemas import FindingRead, FindingRow, TriageIn
from compliance.flows import open_case
from compliance.permissions import Permission

router = APIRouter(prefix="/api/findings", tags=["findings"])
TRIAGE = require(Permission.TRIAGE_FINDINGS)
DAY = r"^\d{4}-\d{2}-\d{2}$"


def _day(name: str, text: str | None) -> date | None:
    """An office day typed as YYYY-MM-DD (inclusive); a day that does not exist is refused."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.one(name, "not a date (YYYY-MM-DD)") from None


@router.get("", dependencies=[TRIAGE])
def list_findings(
    ctx: CtxDep,
    response: Response,
    status: FindingStatus | None = FindingStatus.OPEN,
    rule_code: Annotated[str | None, Query(pattern=r"^R\d{2}$")] = None,
    staff_id: IdQuery = None,
    team: Annotated[str | None, Query(min_length=1, max_length=30)] = None,
    source: FindingSource | None = None,
    date_from: Annotated[str | None, Query(pattern=DAY, description="first office day")] = None,
    date_to: Annotated[str | None, Query(pattern=DAY, description="last office day")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[FindingRow]:
    """The office's findings, newest first (open ones unless another status is asked),
    filtered and paged; the X-Total-Count header says how many match in all."""
    filt = queue.QueueFilter(
        status=status.value if status else None,
        rule_code=rule_code,
        staff_id=staff_id,
        team=team,
        source=source.value if source else None,
        date_from=_day("date_from", date_from),
        date_to=_day("date_to", date_to),
    )
    total, rows = queue.newest_first(ctx, filt, offset=offset, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.post("/dismiss", dependencies=[TRIAGE])
def dismiss_many(ctx: CtxDep, body: BulkDismissIn) -> list[FindingRead]:
    """Dismiss several open findings with one reason, all or none (each audited)."""
    return bulk.dismiss_many(ctx, body)


@router.post("/{finding_id}/confirm", dependencies=[TRIAGE])
def confirm(
    finding_id: IdPath, ctx: CtxDep, body: Annotated[TriageIn | None, Body()] = None
) -> CaseRead:
    """Confirm an open finding: it opens a case or joins the open one (staff member, rule)."""
    return open_case.confirm_into_case(ctx, finding_id, body.reason if body else "")


@router.post("/{finding_id}/dismiss", dependencies=[TRIAGE])
def dismiss(
    finding_id: IdPath, ctx: CtxDep, body: Annotated[TriageIn | None, Body()] = None
) -> FindingRead:
    """Dismiss an open finding; a reason is required."""
    return service.dismiss(ctx, finding_id, body or TriageIn())
