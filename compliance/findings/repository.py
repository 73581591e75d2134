"""Finding queries."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.errors import NotFound
from compliance.findings.models import Finding


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
    stmt = select(Finding).where(col(Finding.office_id) == office_id)
    if status:
        stmt = stmt.where(col(Finding.status) == status)
    if staff_id is not None:
        stmt = stmt.where(col(Finding.staff_id) == staff_id)
    if rule_code:
        stmt = stmt.where(col(Finding.rule_code) == rule_code)
    if since is not None:
        stmt = stmt.where(col(Finding.occurred_at) >= since)
    stmt = stmt.order_by(col(Finding.occurred_at).desc(), col(Finding.id).desc()).limit(limit)
    return list(session.execute(stmt).scalars())
