"""Who is acting, on which session, at what time: passed to every use case."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.clock import Clock, SystemClock
from compliance.config import Settings, get_settings
from compliance.errors import Forbidden
from compliance.users.models import Role

if TYPE_CHECKING:
    from compliance.users.models import User


@dataclass(frozen=True)
class Actor:
    """The signed-in user a change is recorded against."""

    user_id: int
    username: str
    role: Role
    office_id: int
    staff_id: int | None = None
    is_director: bool = False

    @classmethod
    def for_user(cls, user: "User | Mapping[str, Any]") -> "Actor":
        """The Actor for a user: its row (signed in, named by --as), or a query's mapping
        of the same fields with the id as user_id (a token's owner)."""
        if isinstance(user, Mapping):
            return cls(
                user_id=user["user_id"],
                username=user["username"],
                role=Role(user["role"]),
                office_id=user["office_id"],
                staff_id=user["staff_id"],
                is_director=user["is_director"],
            )
        assert user.id is not None
        return cls(
            user_id=user.id,
            username=user.username,
            role=Role(user.role),
            office_id=user.office_id,
            staff_id=user.staff_id,
            is_director=user.is_director,
        )

    @classmethod
    def system(cls, name: str, office_id: int, role: Role = Role.ADMIN) -> "Actor":
        """The app acting on its own in an office (the nightly run, a printed document):
        no user, so what it records names none (created_by NULL; audit events it appends
        itself name the role "system")."""
        return cls(user_id=cast(int, None), username=name, role=role, office_id=office_id)


@dataclass
class Ctx:
    """A use case's session, actor, clock and settings."""

    session: Session
    actor: Actor
    clock: Clock = field(default_factory=SystemClock)
    settings: Settings = field(default_factory=get_settings)

    def now(self) -> datetime:
        """Current UTC time from the injected clock."""
        return self.clock.now()

    @property
    def tz(self) -> ZoneInfo:
        """The office's display time zone."""
        return ZoneInfo(self.settings.timezone)

    def require(self, *roles: Role) -> None:
        """Deny unless the actor has one of the roles (admin is not implied)."""
        if self.actor.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.actor.role.value} may not do this (needs {allowed})")
