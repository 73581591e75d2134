"""/api/findings: the triage queue, confirm and dismiss."""

from typing import Annotated

from fastapi import APIRouter, Body, Query

from api.deps import CtxDep, IdPath, IdQuery, require
from compliance.cases.schemas import CaseRead
from compliance.findings import service
from compliance.findings.models import FindingStatus
from compliance.findings.schemas import FindingRead, FindingRow, TriageIn
from compliance.flows import open_case
from compliance.permissions import Permission

router = APIRouter(prefix="/api/findings", tags=["findings"])
TRIAGE = require(Permission.TRIAGE_FINDINGS)


@router.get("", dependencies=[TRIAGE])
def list_findings(
    ctx: CtxDep,
    status: FindingStatus | None = FindingStatus.OPEN,
    rule_code: Annotated[str | None, Query(pattern=r"^R\d{2}$")] = None,
    staff_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[FindingRow]:
    """The office's findings, newest first (open ones unless another status is asked)."""
    return service.triage_queue(
        ctx,
        status=status.value if status else None,
        rule_code=rule_code,
        staff_id=staff_id,
        limit=limit,
    )


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
