"""/api/me/cases and /api/me/findings: a staff member's own records."""

from fastapi import APIRouter

from api.deps import CtxDep, require_role
from compliance.actors import Role
from compliance.cases import read
from compliance.cases.schemas import CaseRead
from compliance.findings import service as findings
from compliance.findings.schemas import FindingRead

router = APIRouter(prefix="/api/me", tags=["me"])
STAFF = require_role(Role.STAFF)


@router.get("/cases", dependencies=[STAFF])
def my_cases(ctx: CtxDep) -> list[CaseRead]:
    """Cases about the signed-in staff member, newest first."""
    return read.list_cases(ctx)


@router.get("/findings", dependencies=[STAFF])
def my_findings(ctx: CtxDep) -> list[FindingRead]:
    """Findings about the signed-in staff member, newest first."""
    return findings.list_mine(ctx)
