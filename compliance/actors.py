"""Who may act: the roles, and the signed-in user a change is recorded against."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, cast


class Role(StrEnum):
    """What a user may do (SPEC §9)."""

    ADMIN = "admin"
    MANAGER = "manager"
    HR = "hr"
    CASHIER = "cashier"
    FRONT_DESK = "front_desk"  # 前台接待: calls, visits at the counter, work orders
    STAFF = "staff"


class UserRow(Protocol):
    """What an Actor is built from: a user row (compliance.accounts.models.User)."""

    id: int | None
    username: str
    role: str
    office_id: int
    staff_id: int | None
    is_director: bool


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
    def for_user(cls, user: UserRow | Mapping[str, Any]) -> "Actor":
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
