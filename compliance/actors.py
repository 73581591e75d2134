"""Who may act: the roles, and the signed-in user a change is recorded against."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a user may do (SPEC §9)."""

    ADMIN = "admin"
    MANAGER = "manager"
    HR = "hr"
    CASHIER = "cashier"
    STAFF = "staff"


@dataclass(frozen=True)
class Actor:
    """The signed-in user a change is recorded against."""

    user_id: int
    username: str
    role: Role
    office_id: int
    staff_id: int | None = None
    is_director: bool = False
