"""Staff queries."""

from datetime import date

from sqlmodel import Session, col, select

from compliance.errors import NotFound, ValidationFailed
from compliance.staff.models import Staff, StaffStatus, StaffWage


def find_in_office(session: Session, office_id: int, staff_id: int) -> Staff | None:
    """The staff member if they belong to the office, else None."""
    return session.exec(
        select(Staff).where(col(Staff.id) == staff_id, col(Staff.office_id) == office_id)
    ).one_or_none()


def get_in_office(
    session: Session, office_id: int, staff_id: int, field: str = "staff_id"
) -> Staff:
    """The staff member if they belong to the office, else a validation error on the field."""
    staff = find_in_office(session, office_id, staff_id)
    if staff is None:
        raise ValidationFailed.one(field, f"unknown staff member {staff_id}")
    return staff


def lock_in_office(session: Session, office_id: int, staff_id: int) -> Staff:
    """The staff member, row-locked until the transaction ends, so that work on one person
    queues instead of interleaving (opening a case, replanning deductions); else NotFound."""
    staff = session.exec(
        select(Staff)
        .where(col(Staff.id) == staff_id, col(Staff.office_id) == office_id)
        .with_for_update()
    ).one_or_none()
    if staff is None:
        raise NotFound(f"staff member {staff_id} not found")
    return staff


def by_employee_no(session: Session, office_id: int) -> dict[str, Staff]:
    """All staff of an office keyed by employee number (for imports)."""
    rows = session.exec(select(Staff).where(col(Staff.office_id) == office_id))
    return {s.employee_no: s for s in rows}


def employee_no_taken(session: Session, office_id: int, employee_no: str) -> bool:
    """Whether the office already has a staff member with this employee number."""
    found = session.exec(
        select(Staff.id).where(
            col(Staff.office_id) == office_id, col(Staff.employee_no) == employee_no
        )
    ).first()
    return found is not None


def active_matching(session: Session, office_id: int, employee_no: str, name: str) -> list[Staff]:
    """The office's active staff with this employee number if there is one, else those with
    this name (at most two: enough to tell one from several)."""
    active = select(Staff).where(
        col(Staff.office_id) == office_id, col(Staff.status) == StaffStatus.ACTIVE
    )
    numbered = session.exec(active.where(col(Staff.employee_no) == employee_no)).first()
    if numbered is not None:
        return [numbered]
    return list(session.exec(active.where(col(Staff.name) == name).limit(2)))


def list_in_office(
    session: Session, office_id: int, *, staff_id: int | None = None, status: str | None = None
) -> list[Staff]:
    """Staff of an office by employee number, optionally one member or one status."""
    stmt = select(Staff).where(col(Staff.office_id) == office_id)
    if staff_id is not None:
        stmt = stmt.where(col(Staff.id) == staff_id)
    if status is not None:
        stmt = stmt.where(col(Staff.status) == status)
    return list(session.exec(stmt.order_by(col(Staff.employee_no))))


def wage_on(session: Session, staff_id: int, day: date) -> int | None:
    """The monthly wage in fen in force on a day, or None if none was recorded yet."""
    return session.exec(
        select(StaffWage.monthly_wage_fen)
        .where(col(StaffWage.staff_id) == staff_id, col(StaffWage.effective_from) <= day)
        .order_by(col(StaffWage.effective_from).desc())
        .limit(1)
    ).one_or_none()


def wage_history(session: Session, staff_id: int) -> list[StaffWage]:
    """Every wage line of a staff member, oldest effective date first."""
    return list(
        session.exec(
            select(StaffWage)
            .where(col(StaffWage.staff_id) == staff_id)
            .order_by(col(StaffWage.effective_from))
        )
    )


def wage_from_exists(session: Session, staff_id: int, effective_from: date) -> bool:
    """Whether a wage line already starts on that date."""
    found = session.exec(
        select(StaffWage.id).where(
            col(StaffWage.staff_id) == staff_id, col(StaffWage.effective_from) == effective_from
        )
    ).first()
    return found is not None
