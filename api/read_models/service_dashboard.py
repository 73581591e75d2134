"""What the service dashboard page reads beside the figures: the findings its breaches became
and the names of the staff its gaming flags name (one query each)."""

from sqlmodel import Session, col, select

from compliance.cases.models import CaseFinding
from compliance.findings.models import Finding
from compliance.staff.models import Staff


def finding_states(
    session: Session, office_id: int, ids: set[int]
) -> list[tuple[int, str, int | None]]:
    """(finding id, triage state, case id or None) of the office's findings behind breaches:
    one query."""
    rows = session.exec(
        select(Finding.id, Finding.status, CaseFinding.case_id)
        .outerjoin(CaseFinding, col(CaseFinding.finding_id) == col(Finding.id))
        .where(col(Finding.id).in_(ids), col(Finding.office_id) == office_id)
    ).all()
    return [(fid, status, case_id) for fid, status, case_id in rows if fid is not None]


def staff_names(session: Session, office_id: int, ids: set[int]) -> dict[int, str]:
    """The office's staff members' names by id: one query."""
    rows = session.exec(
        select(Staff.id, Staff.name).where(
            col(Staff.id).in_(ids), col(Staff.office_id) == office_id
        )
    ).all()
    return {sid: name for sid, name in rows if sid is not None}
