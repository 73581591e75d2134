"""Tip ledger queries and the conditional handover update."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from compliance.accounts.models import User
from compliance.feedback.models import Feedback
from compliance.offices.models import Office
from compliance.residents.models import Unit
from compliance.staff.models import Staff
from compliance.tips.models import TipLine


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
    feedback_id: int | None = None,
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
            feedback_id=feedback_id,
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


def tip_report_in_office(session: Session, office_id: int, feedback_id: int) -> Feedback | None:
    """A resident's feedback of the office, or None."""
    return session.exec(
        select(Feedback).where(
            col(Feedback.id) == feedback_id, col(Feedback.office_id) == office_id
        )
    ).one_or_none()


def recent_tip_reports(session: Session, office_id: int, since: datetime) -> list[Row[Any]]:
    """Residents' tip reports since a time, newest first, with the staff member's name."""
    stmt = (
        sa_select(
            col(Feedback.id), col(Feedback.amount_fen), col(Feedback.occurred_at), col(Staff.name)
        )
        .join(Staff, col(Staff.id) == col(Feedback.staff_id))
        .where(
            col(Feedback.office_id) == office_id,
            col(Feedback.category) == "tip_reported",
            col(Feedback.occurred_at) >= since,
        )
        .order_by(col(Feedback.occurred_at).desc(), col(Feedback.id).desc())
        .limit(200)
    )
    return list(session.execute(stmt).all())


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


def _named(office_id: int) -> Any:
    return (
        sa_select(
            TipLine, col(Staff.name), col(Staff.employee_no), col(Unit.building), col(Unit.room)
        )
        .join(Staff, col(Staff.id) == col(TipLine.staff_id))
        .join(Unit, col(Unit.id) == col(TipLine.unit_id))
        .where(col(TipLine.office_id) == office_id)
    )


def ledger_rows(
    session: Session, office_id: int, *, handed_over: bool, limit: int = 100
) -> list[Row[Any]]:
    """Lines waiting for the cashier (oldest first) or handed over (newest first), with names."""
    stmt = _named(office_id)
    if handed_over:
        stmt = stmt.where(col(TipLine.handed_over_at).is_not(None)).order_by(
            col(TipLine.handed_over_at).desc(), col(TipLine.id).desc()
        )
    else:
        stmt = stmt.where(col(TipLine.handed_over_at).is_(None)).order_by(
            col(TipLine.received_at), col(TipLine.id)
        )
    return list(session.execute(stmt.limit(limit)).all())


def receipt_row(session: Session, office_id: int, tip_id: int) -> Row[Any] | None:
    """A handed-over line with the names its receipt prints."""
    cashier = aliased(User)
    signer = aliased(User)
    stmt = (
        _named(office_id)
        .add_columns(col(Office.name), cashier.display_name, signer.display_name)
        .join(Office, col(Office.id) == col(TipLine.office_id))
        .join(cashier, cashier.id == col(TipLine.cashier_id))
        .join(signer, signer.id == col(TipLine.countersigned_by))
        .where(col(TipLine.id) == tip_id, col(TipLine.receipt_no).is_not(None))
    )
    return session.execute(stmt).one_or_none()


def countersigners(session: Session, office_id: int, exclude_user_id: int) -> list[User]:
    """Active users of the office other than staff and the given user, by name."""
    return list(
        session.exec(
            select(User)
            .where(
                col(User.office_id) == office_id,
                col(User.active).is_(True),
                col(User.role) != "staff",
                col(User.id) != exclude_user_id,
            )
            .order_by(col(User.display_name))
        )
    )
