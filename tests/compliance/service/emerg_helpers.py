"""People the emergency and call-log tests need beyond tests.factories: a front-desk user."""

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.context import Ctx
from tests.factories import T0, OfficeSet


def front_desk(ctx: Ctx, office: OfficeSet) -> Ctx:
    """The office's front-desk user (created once per test), as a context."""
    user = office.users.get("front_desk")
    if user is None:
        user = User(
            office_id=office.office.id,
            username=f"{office.office.code.lower()}-front",
            display_name="front",
            role=Role.FRONT_DESK.value,
            is_director=False,
            staff_id=None,
            created_at=T0,
        )
        ctx.session.add(user)
        ctx.session.flush()
        office.users["front_desk"] = user
    return Ctx(session=ctx.session, actor=Actor.for_user(user), clock=ctx.clock,
               settings=ctx.settings)  # fmt: skip
