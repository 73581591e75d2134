"""Which cases cite a record as evidence (records → findings → cases).

A record cited by a finding that is part of a case must keep that case consistent: the
correction pages of visits, punches and roster shifts refuse to change it and say which case
holds it (a note on the case says what was wrong instead). A record cited only by findings
not (yet) in a case may still be corrected; the correction's audit event names them.
"""

import json

from sqlalchemy import select
from sqlmodel import col

from compliance.cases.models import Case, CaseFinding
from compliance.context import Ctx
from compliance.findings.models import Finding


def _citing(ctx: Ctx, kind: str, record_id: int, staff_id: int) -> list[tuple[int, str | None]]:
    """(finding id, case number or None) of the office's findings on the staff member that
    cite the record."""
    rows = ctx.session.execute(
        select(col(Finding.id), col(Finding.evidence), col(Case.number))
        .outerjoin(CaseFinding, col(CaseFinding.finding_id) == col(Finding.id))
        .outerjoin(Case, col(Case.id) == col(CaseFinding.case_id))
        .where(
            col(Finding.office_id) == ctx.actor.office_id,
            col(Finding.staff_id) == staff_id,
            col(Finding.evidence).contains(f'"{kind}"'),
        )
    )
    out = []
    for finding_id, evidence, number in rows:
        refs = json.loads(evidence or "[]")
        if any(r.get("kind") == kind and r.get("id") == record_id for r in refs):
            out.append((finding_id, number))
    return out


def citations(ctx: Ctx, kind: str, record_id: int, staff_id: int) -> tuple[list[str], list[int]]:
    """The numbers of the cases, and the ids of all the findings, that cite the record."""
    found = _citing(ctx, kind, record_id, staff_id)
    return sorted({n for _, n in found if n is not None}), sorted(f for f, _ in found)
