"""Read-only lists the pages and the API show, permission filters in the query.

These belong in the domain services (findings, feedback) once their owners add list use
cases; they are kept here, in one file, until then.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding
from compliance.findings.schemas import FindingRead
from compliance.findings.service import TRIAGE_ROLES
from compliance.residents.models import Unit
from compliance.staff.models import Staff, StaffStatus
from compliance.users.models import Role


class FindingRow(FindingRead):
    """A finding with the staff member's name, for the triage queue."""

    staff_name: str
    employee_no: str


class StaffChoice(BaseModel):
    """A staff member to pick in a form."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_no: str
    name: str
    team: str


class UnitChoice(BaseModel):
    """A unit to pick in a form."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    building: str
    room: str


class FeedbackRow(BaseModel):
    """Recorded feedback with the staff member's name and the unit."""

    id: int
    staff_name: str
    unit: str
    channel: str
    category: str
    text: str
    amount_fen: int | None
    occurred_at: datetime


def findings(
    ctx: Ctx,
    *,
    status: str | None = "open",
    rule_code: str | None = None,
    staff_id: int | None = None,
    limit: int = 200,
) -> list[FindingRow]:
    """The office's findings (open ones by default), newest first, with staff names."""
    ctx.require(*TRIAGE_ROLES)
    stmt = (
        select(Finding, col(Staff.name), col(Staff.employee_no))
        .join(Staff, col(Staff.id) == col(Finding.staff_id))
        .where(col(Finding.office_id) == ctx.actor.office_id)
    )
    if status:
        stmt = stmt.where(col(Finding.status) == status)
    if rule_code:
        stmt = stmt.where(col(Finding.rule_code) == rule_code)
    if staff_id is not None:
        stmt = stmt.where(col(Finding.staff_id) == staff_id)
    stmt = stmt.order_by(col(Finding.occurred_at).desc(), col(Finding.id).desc()).limit(limit)
    return [
        FindingRow(
            **FindingRead.model_validate(f).model_dump(), staff_name=name, employee_no=number
        )
        for f, name, number in ctx.session.execute(stmt)
    ]


def feedback_choices(ctx: Ctx) -> tuple[list[StaffChoice], list[UnitChoice]]:
    """Active staff and the units of the office, for the feedback form."""
    ctx.require(Role.MANAGER, Role.HR)
    office_id = ctx.actor.office_id
    staff = ctx.session.execute(
        select(Staff)
        .where(col(Staff.office_id) == office_id, col(Staff.status) == StaffStatus.ACTIVE.value)
        .order_by(col(Staff.employee_no))
    ).scalars()
    units = ctx.session.execute(
        select(Unit)
        .where(col(Unit.office_id) == office_id)
        .order_by(col(Unit.building), col(Unit.room))
    ).scalars()
    return (
        [StaffChoice.model_validate(s) for s in staff],
        [UnitChoice.model_validate(u) for u in units],
    )


def recent_feedback(ctx: Ctx, limit: int = 10) -> list[FeedbackRow]:
    """The office's latest recorded feedback, newest first."""
    ctx.require(Role.MANAGER, Role.HR)
    stmt = (
        select(Feedback, col(Staff.name), col(Unit.building), col(Unit.room))
        .join(Staff, col(Staff.id) == col(Feedback.staff_id))
        .outerjoin(Unit, col(Unit.id) == col(Feedback.unit_id))
        .where(col(Feedback.office_id) == ctx.actor.office_id)
        .order_by(col(Feedback.created_at).desc(), col(Feedback.id).desc())
        .limit(limit)
    )
    return [
        FeedbackRow(
            id=f.id or 0,
            staff_name=name,
            unit=f"{building}{room}" if building else "",
            channel=f.channel,
            category=f.category,
            text=f.text,
            amount_fen=f.amount_fen,
            occurred_at=f.occurred_at,
        )
        for f, name, building, room in ctx.session.execute(stmt)
    ]
