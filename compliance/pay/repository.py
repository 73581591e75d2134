"""Pay queries: minimum wages, deductions, instalments, and the set-based payroll month."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from compliance.cases.models import Case, Notice, NoticeKind
from compliance.errors import NotFound
from compliance.offices.models import Office
from compliance.pay.models import Deduction, Instalment, InstalmentStatus, MinimumWage, PayrollRun
from compliance.pay.schemas import SheetLine
from compliance.staff.models import Staff, StaffStatus, StaffWage

# --- minimum wages -------------------------------------------------------------------------


def minimum_wage_on(session: Session, city: str, day: date) -> int | None:
    """The city's monthly minimum wage in fen in force on a day, or None if none is recorded."""
    return session.exec(
        select(MinimumWage.monthly_fen)
        .where(col(MinimumWage.city) == city, col(MinimumWage.effective_from) <= day)
        .order_by(col(MinimumWage.effective_from).desc())
        .limit(1)
    ).one_or_none()


def minimum_wage_history(session: Session, city: str) -> list[tuple[date, int]]:
    """Every (effective_from, fen) of a city, oldest first."""
    rows = session.exec(
        select(col(MinimumWage.effective_from), col(MinimumWage.monthly_fen))
        .where(col(MinimumWage.city) == city)
        .order_by(col(MinimumWage.effective_from))
    )
    return [(d, fen) for d, fen in rows]


def minimum_wage_exists(session: Session, city: str, day: date) -> bool:
    """Whether the city already has a figure starting that day."""
    found = session.exec(
        select(MinimumWage.id).where(
            col(MinimumWage.city) == city, col(MinimumWage.effective_from) == day
        )
    ).first()
    return found is not None


def list_minimum_wages(session: Session, city: str | None = None) -> list[MinimumWage]:
    """Recorded minimum wages by city and date."""
    stmt = select(MinimumWage)
    if city is not None:
        stmt = stmt.where(col(MinimumWage.city) == city)
    return list(session.exec(stmt.order_by(col(MinimumWage.city), col(MinimumWage.effective_from))))


# --- offices, staff, cases -----------------------------------------------------------------


def get_office(session: Session, office_id: int) -> Office:
    """The office (it exists: the actor belongs to it)."""
    return session.exec(select(Office).where(col(Office.id) == office_id)).one()


def lock_office_staff(session: Session, office_id: int) -> None:
    """Row-lock every staff member of the office (payroll execution vs concurrent replans)."""
    session.exec(
        select(Staff.id)
        .where(col(Staff.office_id) == office_id)
        .order_by(col(Staff.id))
        .with_for_update()
    ).all()


def get_case(session: Session, office_id: int, case_id: int) -> Case:
    """A case of the office, else NotFound."""
    case = session.exec(
        select(Case).where(col(Case.id) == case_id, col(Case.office_id) == office_id)
    ).one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def wage_history(session: Session, staff_id: int) -> list[tuple[date, int]]:
    """Every (effective_from, fen) wage line of a staff member, oldest first."""
    rows = session.exec(
        select(col(StaffWage.effective_from), col(StaffWage.monthly_wage_fen))
        .where(col(StaffWage.staff_id) == staff_id)
        .order_by(col(StaffWage.effective_from))
    )
    return [(d, fen) for d, fen in rows]


# --- deductions and instalments ------------------------------------------------------------


def case_deductions(session: Session, case_id: int) -> list[Deduction]:
    """The deductions created for a case, in creation order."""
    return list(
        session.exec(
            select(Deduction).where(col(Deduction.case_id) == case_id).order_by(col(Deduction.id))
        )
    )


def staff_deductions(session: Session, staff_id: int) -> list[Deduction]:
    """Every deduction of a staff member, oldest first (the order they are recovered in)."""
    return list(
        session.exec(
            select(Deduction)
            .where(col(Deduction.staff_id) == staff_id)
            .order_by(col(Deduction.created_at), col(Deduction.id))
        )
    )


def staff_instalments(session: Session, staff_id: int) -> list[Instalment]:
    """Every instalment of a staff member, by month."""
    return list(
        session.exec(
            select(Instalment)
            .where(col(Instalment.staff_id) == staff_id)
            .order_by(col(Instalment.month), col(Instalment.id))
        )
    )


def delete_planned_from(session: Session, staff_id: int, month: date) -> int:
    """Drop a staff member's planned (never taken) instalments from a month on."""
    result = session.exec(
        delete(Instalment)
        .where(
            col(Instalment.staff_id) == staff_id,
            col(Instalment.month) >= month,
            col(Instalment.status) == InstalmentStatus.PLANNED.value,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def executed_months(session: Session, office_id: int, start: date) -> set[date]:
    """Months from `start` on whose payroll the office has executed."""
    return set(
        session.exec(
            select(col(PayrollRun.month)).where(
                col(PayrollRun.office_id) == office_id, col(PayrollRun.month) >= start
            )
        )
    )


def payroll_run(session: Session, office_id: int, month: date) -> PayrollRun | None:
    """The execution record of an office month, if it was executed."""
    return session.exec(
        select(PayrollRun).where(
            col(PayrollRun.office_id) == office_id, col(PayrollRun.month) == month
        )
    ).one_or_none()


def mark_taken(session: Session, office_id: int, month: date, at: datetime) -> tuple[int, int]:
    """Mark the office month's planned instalments taken; returns (rows, fen) marked."""
    office_staff = select(Staff.id).where(col(Staff.office_id) == office_id)
    where = (
        col(Instalment.month) == month,
        col(Instalment.status) == InstalmentStatus.PLANNED.value,
        col(Instalment.staff_id).in_(office_staff),
    )
    total = session.exec(select(func.coalesce(func.sum(Instalment.amount_fen), 0)).where(*where))
    fen = int(total.one())
    result = session.exec(
        update(Instalment)
        .where(*where)
        .values(status=InstalmentStatus.TAKEN.value, taken_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount), fen


# --- the payroll month, set-based ----------------------------------------------------------


@dataclass(frozen=True)
class WageRow:
    """A staff member with the wage in force on the month's first day."""

    staff_id: int
    employee_no: str
    name: str
    wage_fen: int
    left_on: date | None = None


def month_wages(session: Session, office_id: int, day: date) -> list[WageRow]:
    """Every staff member of the office with a wage on the day who had not left before the
    day's month, by employee number (1 query)."""
    latest = (
        select(
            col(StaffWage.staff_id).label("staff_id"),
            func.max(StaffWage.effective_from).label("eff"),
        )
        .join(Staff, col(Staff.id) == col(StaffWage.staff_id))
        .where(col(Staff.office_id) == office_id, col(StaffWage.effective_from) <= day)
        .group_by(col(StaffWage.staff_id))
        .subquery()
    )
    rows = session.execute(
        sa_select(
            col(Staff.id),
            col(Staff.employee_no),
            col(Staff.name),
            col(StaffWage.monthly_wage_fen),
            col(Staff.left_on),
        )
        .join(latest, latest.c.staff_id == col(Staff.id))
        .join(
            StaffWage,
            and_(
                col(StaffWage.staff_id) == latest.c.staff_id,
                col(StaffWage.effective_from) == latest.c.eff,
            ),
        )
        # Who left before the month is paid nothing that month: not on its sheet. A member
        # marked as left with no date recorded is on no sheet.
        .where(
            or_(
                col(Staff.left_on) >= day.replace(day=1),
                and_(col(Staff.left_on).is_(None), col(Staff.status) != StaffStatus.LEFT.value),
            )
        )
        .order_by(col(Staff.employee_no))
    )
    return [WageRow(sid or 0, no, name, wage, left) for sid, no, name, wage, left in rows]


def month_lines(
    session: Session, office_id: int, month: date, served_by: datetime
) -> dict[int, list[SheetLine]]:
    """The month's instalments per staff member, oldest deduction first (1 query).

    Each line carries the first deduction notice of its case served by `served_by`, if any.
    """
    notice = (
        select(
            col(Notice.case_id).label("case_id"),
            func.min(Notice.served_at).label("served"),
        )
        .where(col(Notice.kind) == NoticeKind.DEDUCTION.value, col(Notice.served_at) <= served_by)
        .group_by(col(Notice.case_id))
        .subquery()
    )
    rows = session.execute(
        sa_select(
            col(Instalment.staff_id),
            col(Instalment.id),
            col(Instalment.deduction_id),
            col(Deduction.case_id),
            col(Case.number),
            col(Deduction.kind),
            col(Deduction.reason),
            col(Deduction.legal_risk),
            col(Instalment.amount_fen),
            col(Instalment.status),
            notice.c.served,
        )
        .join(Deduction, col(Deduction.id) == col(Instalment.deduction_id))
        .join(Case, col(Case.id) == col(Deduction.case_id))
        .outerjoin(notice, notice.c.case_id == col(Deduction.case_id))
        .where(col(Deduction.office_id) == office_id, col(Instalment.month) == month)
        .order_by(col(Instalment.staff_id), col(Deduction.created_at), col(Deduction.id))
    )
    out: dict[int, list[SheetLine]] = defaultdict(list)
    for staff_id, *rest in rows:
        iid, did, case_id, number, kind, reason, risk, fen, status, served = rest
        out[staff_id].append(
            SheetLine(iid or 0, did, case_id, number, kind, reason, risk, fen, status, served)
        )
    return out


def owed_after(session: Session, office_id: int, month: date) -> dict[int, int]:
    """Per staff member: deductions begun by the month minus instalments up to it (2 queries)."""
    owed: dict[int, int] = defaultdict(int)
    amounts = session.exec(
        select(Deduction.staff_id, func.sum(Deduction.amount_fen - Deduction.cancelled_fen))
        .where(col(Deduction.office_id) == office_id, col(Deduction.start_month) <= month)
        .group_by(col(Deduction.staff_id))
    )
    for staff_id, fen in amounts:
        owed[staff_id] += int(fen)
    paid = session.exec(
        select(Instalment.staff_id, func.sum(Instalment.amount_fen))
        .join(Deduction, col(Deduction.id) == col(Instalment.deduction_id))
        .where(col(Deduction.office_id) == office_id, col(Instalment.month) <= month)
        .group_by(col(Instalment.staff_id))
    )
    for staff_id, fen in paid:
        owed[staff_id] -= int(fen)
    return dict(owed)


# --- damages: what pay recovers of a damage's compensation ---------------------------------


def damage_deductions(session: Session, damage_id: int) -> list[Deduction]:
    """The compensation deductions of one damage incident, oldest first."""
    return list(
        session.exec(
            select(Deduction)
            .where(col(Deduction.damage_id) == damage_id)
            .order_by(col(Deduction.created_at), col(Deduction.id))
        )
    )


def taken_by_deduction(session: Session, deduction_ids: list[int]) -> dict[int, int]:
    """Per deduction: what payroll has taken for it so far."""
    if not deduction_ids:
        return {}
    rows = session.exec(
        select(Instalment.deduction_id, func.sum(Instalment.amount_fen))
        .where(
            col(Instalment.deduction_id).in_(deduction_ids),
            col(Instalment.status) == InstalmentStatus.TAKEN.value,
        )
        .group_by(col(Instalment.deduction_id))
    )
    return {did: int(fen) for did, fen in rows}


def cancel_part(session: Session, deduction_id: int, fen: int) -> None:
    """Stop recovering `fen` of a deduction from pay (settled outside the payroll)."""
    session.exec(
        update(Deduction)
        .where(col(Deduction.id) == deduction_id)
        .values(cancelled_fen=col(Deduction.cancelled_fen) + fen)
        .execution_options(synchronize_session="fetch")
    )


def balances(session: Session, staff_ids: list[int]) -> dict[int, int]:
    """Per staff member: everything due (less what was cancelled) minus every instalment."""
    if not staff_ids:
        return {}
    out: dict[int, int] = defaultdict(int)
    due = session.exec(
        select(Deduction.staff_id, func.sum(Deduction.amount_fen - Deduction.cancelled_fen))
        .where(col(Deduction.staff_id).in_(staff_ids))
        .group_by(col(Deduction.staff_id))
    )
    for staff_id, fen in due:
        out[staff_id] += int(fen)
    paid = session.exec(
        select(Instalment.staff_id, func.sum(Instalment.amount_fen))
        .where(col(Instalment.staff_id).in_(staff_ids))
        .group_by(col(Instalment.staff_id))
    )
    for staff_id, fen in paid:
        out[staff_id] -= int(fen)
    return dict(out)


def start_no_later_than(session: Session, staff_id: int, month: date) -> None:
    """Move a leaver's deductions due to start after their last pay month to that month."""
    session.exec(
        update(Deduction)
        .where(col(Deduction.staff_id) == staff_id, col(Deduction.start_month) > month)
        .values(start_month=month)
        .execution_options(synchronize_session="fetch")
    )
