"""Tip ledger queries and the conditional handover update."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from compliance.offices.models import Office
from compliance.tips.models import TipLine
from compliance.users.models import User


def get_in_office(session: Session, office_id: int, tip_id: int) -> TipLine | None:
    """The ledger line if it belongs to the office."""
    return session.exec(
        select(TipLine).where(col(TipLine.id) == tip_id, col(TipLine.office_id) == office_id)
    ).one_or_none()


def claim_handover(
    session: Session,
    tip_id: int,
    *,
    handed_over_at: datetime,
    cashier_id: int,
    countersigned_by: int,
) -> bool:
    """Mark the tip handed over unless someone already did; True if this call won."""
    # No session sync: it would mark a stale in-memory tip handed over even when this lost.
    result = session.exec(
        update(TipLine)
        .where(col(TipLine.id) == tip_id, col(TipLine.handed_over_at).is_(None))
        .values(
            handed_over_at=handed_over_at,
            cashier_id=cashier_id,
            countersigned_by=countersigned_by,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_receipt_no(session: Session, tip_id: int, receipt_no: str) -> None:
    """Write the receipt number of a tip this transaction has just claimed."""
    session.exec(
        update(TipLine)
        .where(col(TipLine.id) == tip_id, col(TipLine.receipt_no).is_(None))
        .values(receipt_no=receipt_no)
        .execution_options(synchronize_session=False)
    )


def active_user_in_office(session: Session, office_id: int, user_id: int) -> User | None:
    """An active user of the office, or None."""
    return session.exec(
        select(User).where(
            col(User.id) == user_id, col(User.office_id) == office_id, col(User.active).is_(True)
        )
    ).one_or_none()


def office_code(session: Session, office_id: int) -> str:
    """The office's short code used in receipt numbers."""
    return session.exec(select(Office.code).where(col(Office.id) == office_id)).one()


def list_tips(
    session: Session,
    office_id: int,
    *,
    staff_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[TipLine]:
    """The office's ledger lines by time received, optionally one staff member and a period."""
    stmt = select(TipLine).where(col(TipLine.office_id) == office_id)
    if staff_id is not None:
        stmt = stmt.where(col(TipLine.staff_id) == staff_id)
    if start is not None:
        stmt = stmt.where(col(TipLine.received_at) >= start)
    if end is not None:
        stmt = stmt.where(col(TipLine.received_at) < end)
    return list(session.exec(stmt.order_by(col(TipLine.received_at), col(TipLine.id))))
