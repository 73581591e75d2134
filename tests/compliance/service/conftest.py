"""Work-order fixtures: a front-desk user, the executors' contexts, a stored photo."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.files.models import StoredFile
from tests import factories


@pytest.fixture
def desk(ctx: Ctx, office: factories.OfficeSet) -> Ctx:
    """The office's front desk (前台接待)."""
    user = User(
        office_id=office.office.id or 0,
        username="bsw-desk",
        display_name="前台小周",
        role=Role.FRONT_DESK.value,
        created_at=factories.T0,
    )
    ctx.session.add(user)
    ctx.session.flush()
    office.users["desk"] = user
    return Ctx(ctx.session, Actor.for_user(user), ctx.clock, ctx.settings)


def actor_ctx(ctx: Ctx, office: factories.OfficeSet, name: str) -> Ctx:
    """The same session and clock, acting as another of the office's users."""
    return Ctx(ctx.session, office.actor(name), ctx.clock, ctx.settings)


@pytest.fixture
def worker(ctx: Ctx, office: factories.OfficeSet) -> Ctx:
    """Staff member 1 (李明), the usual executor."""
    return actor_ctx(ctx, office, "staff")


@pytest.fixture
def worker2(ctx: Ctx, office: factories.OfficeSet) -> Ctx:
    """Staff member 2 (王芳)."""
    return actor_ctx(ctx, office, "staff2")


@pytest.fixture
def photo(session: Session, office: factories.OfficeSet, clock: FixedClock) -> Callable[[], int]:
    """Store a photo now (a new one each call) and give its id."""
    made: list[int] = []

    def make() -> int:
        f = StoredFile(
            office_id=office.office.id or 0,
            storage_name=f"svc-{len(made)}.jpg",
            sha256=f"{len(made):064d}",
            content_type="image/jpeg",
            size_bytes=10,
            created_at=clock.now(),
        )
        session.add(f)
        session.flush()
        made.append(f.id or 0)
        return f.id or 0

    return make


def tick(ctx: Ctx, minutes: int = 1) -> None:
    """Move the (fixed) clock on."""
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=minutes))
