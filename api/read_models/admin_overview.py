"""What the admin page shows: the office's users, minimum wages and rule parameters."""

from dataclasses import dataclass

from sqlmodel import col, select

from compliance.accounts.models import User
from compliance.accounts.schemas import UserRead
from compliance.context import Ctx
from compliance.offices.models import Office
from compliance.pay import service as pay
from compliance.pay.schemas import MinimumWageRead
from compliance.permissions import Permission
from compliance.policy_params.rulebook import RuleEntry, rulebook
from compliance.staff.models import Staff


@dataclass(frozen=True)
class StaffLink:
    """A staff record a staff user can be linked to."""

    id: int
    employee_no: str
    name: str


@dataclass(frozen=True)
class AdminOverview:
    """Users, the office's city and its minimum wages, and the rules with their parameters."""

    office_name: str
    city: str
    users: list[UserRead]
    staff: list[StaffLink]
    minimum_wages: list[MinimumWageRead]
    rules: list[RuleEntry]


def admin_overview(ctx: Ctx) -> AdminOverview:
    """Everything the admin page lists (admin only)."""
    ctx.require(Permission.ADMINISTER)
    office_id = ctx.actor.office_id
    office = ctx.session.exec(select(Office).where(col(Office.id) == office_id)).one()
    users = ctx.session.exec(
        select(User).where(col(User.office_id) == office_id).order_by(col(User.username))
    )
    staff = ctx.session.exec(
        select(Staff.id, Staff.employee_no, Staff.name)
        .where(col(Staff.office_id) == office_id)
        .order_by(col(Staff.employee_no))
    )
    return AdminOverview(
        office_name=office.name,
        city=office.city,
        users=[UserRead.model_validate(u) for u in users],
        staff=[StaffLink(i or 0, no, name) for i, no, name in staff],
        minimum_wages=pay.list_minimum_wages(ctx),
        rules=rulebook(ctx),
    )
