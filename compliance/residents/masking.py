"""Residents' names and phone numbers are shown masked except to roles that need them."""

from compliance.actors import Role
from compliance.permissions import Permission, role_may


def can_see_contact(role: Role) -> bool:
    """Whether a role may see residents' full names and phone numbers (SPEC §3, §9)."""
    return role_may(role, Permission.SEE_RESIDENT_CONTACTS)


def mask_name(name: str) -> str:
    """Keep the surname's first character: '张三' -> '张*', '欧阳娜娜' -> '欧***'."""
    if len(name) <= 1:
        # A one-character name would be shown whole; hide it entirely instead.
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits: '13812345678' -> '138****5678'."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
