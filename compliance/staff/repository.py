"""Staff queries."""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from compliance.errors import ValidationFailed
from compliance.staff.models import Staff, StaffWage


def get_in_office(session: Session, office_id: int, staff_id: int, field: str = "staff_id") -> Staff:
    """The staff member if they belong to the office, else a validation error on the field."""
    staff = session.execute(
        select(Staff).where(Staff.id == staff_id, Staff.office_id == office_id)
    ).scalar_one_or_none()
    if staff is None:
        raise ValidationFailed.one(field, f"unknown staff member {staff_id}")
    return staff


def by_employee_no(session: Session, office_id: int) -> dict[str, Staff]:
    """All staff of an office keyed by employee number (for imports)."""
    rows = session.execute(select(Staff).where(Staff.office_id == office_id)).scalars()
    return {s.employee_no: s for s in rows}


def wage_on(session: Session, staff_id: int, day: date) -> int | None:
    """The monthly wage in fen in force on a day, or None if none was recorded yet."""
    return session.execute(
        select(StaffWage.monthly_wage_fen)
        .where(StaffWage.staff_id == staff_id, StaffWage.effective_from <= day)
        .order_by(StaffWage.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()
