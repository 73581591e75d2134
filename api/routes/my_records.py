"""/api/me/cases and /api/me/findings: a staff member's own records."""

from fastapi import APIRouter

from api.deps import CtxDep, require
from api.read_models.my_case import my_findings as confirmed_findings
from compliance.cases import read
from compliance.cases.schemas import CaseRead
from compliance.findings.schemas import FindingRead
from compliance.permissions import Permission

router = APIRouter(prefix="/api/me", tags=["me"])
STAFF = require(Permission.VIEW_OWN_RECORD)


@router.get("/cases", dependencies=[STAFF])
def my_cases(ctx: CtxDep) -> list[CaseRead]:
    """Cases about the signed-in staff member, newest first."""
    return read.list_cases(ctx)


@router.get("/findings", dependencies=[STAFF])
def my_findings(ctx: CtxDep) -> list[FindingRead]:
    """Findings about the signed-in staff member that a manager confirmed, newest first.

    A finding still awaiting triage (or dismissed) is not shown, and no finding carries the
    rule's suggested severity: the severity is the reviewer's to set, and the staff member
    reads it in the decision served on them."""
    return confirmed_findings(ctx)
