"""Who the signed-in user is, as a page greets them: the staff member's name if the user is
linked to one, else the user's display name, else the username; and their office."""

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from compliance.accounts.models import User
from compliance.context import Ctx
from compliance.offices.models import Office
from compliance.staff.models import Staff


class Person(BaseModel):
    """The signed-in user's name and office, in one row."""

    name: str
    office: str


def who(ctx: Ctx) -> Person:
    """The name a page calls the signed-in user by, and their office's name."""
    actor = ctx.actor
    row = ctx.session.execute(
        select(col(Staff.name), col(User.display_name), col(Office.name))
        .select_from(User)
        .join(Office, col(Office.id) == col(User.office_id))
        .outerjoin(
            Staff, (col(Staff.id) == col(User.staff_id)) & (col(Staff.office_id) == actor.office_id)
        )
        .where(col(User.id) == actor.user_id, col(User.office_id) == actor.office_id)
    ).one_or_none()
    if row is None:
        return Person(name=actor.username, office="")
    staff_name, display_name, office = row
    return Person(name=(staff_name or display_name or actor.username).strip(), office=office)
