"""Finding queries."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.errors import NotFound
from compliance.findings.models import Finding
from compliance.staff.models import Staff


def existing_keys(
    session: Session, office_id: int, rule_code: str, keys: Iterable[str]
) -> set[str]:
    """Which of these dedupe keys already have a finding (chunked IN queries)."""
    keys = list(keys)
    found: set[str] = set()
    for i in range(0, len(keys), 900):
        chunk = keys[i : i + 900]
        found.update(
            session.execute(
                select(col(Finding.dedupe_key)).where(
                    col(Finding.office_id) == office_id,
                    col(Finding.rule_code) == rule_code,
                    col(Finding.dedupe_key).in_(chunk),
                )
            ).scalars()
        )
    return found


def get(session: Session, office_id: int, finding_id: int) -> Finding:
    """A finding of the office, or NotFound."""
    row: Finding | None = session.execute(
        select(Finding).where(col(Finding.id) == finding_id, col(Finding.office_id) == office_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"finding {finding_id} not found")
    return row


def _filtered(
    stmt: Any,
    office_id: int,
    status: str | None,
    staff_id: int | None,
    rule_code: str | None,
    since: datetime | None,
    limit: int,
) -> Any:
    """The office's findings matching the filters, newest first (filters in the query)."""
    stmt = stmt.where(col(Finding.office_id) == office_id)
    if status:
        stmt = stmt.where(col(Finding.status) == status)
    if staff_id is not None:
        stmt = stmt.where(col(Finding.staff_id) == staff_id)
    if rule_code:
        stmt = stmt.where(col(Finding.rule_code) == rule_code)
    if since is not None:
        stmt = stmt.where(col(Finding.occurred_at) >= since)
    return stmt.order_by(col(Finding.occurred_at).desc(), col(Finding.id).desc()).limit(limit)


def list_findings(
    session: Session,
    office_id: int,
    *,
    status: str | None = None,
    staff_id: int | None = None,
    rule_code: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[Finding]:
    """Findings of an office, newest first, filtered in the query."""
    stmt = _filtered(select(Finding), office_id, status, staff_id, rule_code, since, limit)
    return list(session.execute(stmt).scalars())


def list_with_staff(
    session: Session,
    office_id: int,
    *,
    status: str | None = None,
    staff_id: int | None = None,
    rule_code: str | None = None,
    limit: int = 200,
) -> list[tuple[Finding, str, str]]:
    """The same list with each staff member's name and number (one joined query)."""
    base = select(Finding, col(Staff.name), col(Staff.employee_no)).join(
        Staff, col(Staff.id) == col(Finding.staff_id)
    )
    stmt = _filtered(base, office_id, status, staff_id, rule_code, None, limit)
    return [(f, name, number) for f, name, number in session.execute(stmt)]
