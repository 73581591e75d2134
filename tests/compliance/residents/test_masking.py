"""Residents' contact details are masked except for the roles that need them."""

from datetime import UTC, datetime

import pytest

from compliance.actors import Role
from compliance.residents.masking import can_see_contact, mask_name, mask_phone
from compliance.residents.models import Resident
from compliance.residents.schemas import ResidentRead


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", ""), ("Anna", "A***")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("", ""),
        ("1234567", "*******"),
        ("15900001111", "159****1111"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.HR, True),
        (Role.CASHIER, False),
        (Role.STAFF, False),
    ],
)
def test_who_sees_contact_details(role, allowed):
    assert can_see_contact(role) is allowed


ROW = Resident(
    id=7,
    unit_id=3,
    name="欧阳娜娜",
    phone="13812345678",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def test_resident_read_is_masked_unless_told_otherwise():
    shown = ResidentRead.model_validate(ROW)
    assert (shown.name, shown.phone, shown.masked) == ("欧***", "138****5678", True)
    claimed = ResidentRead.model_validate({**ROW.model_dump(), "masked": False})
    assert (claimed.name, claimed.masked) == ("欧***", True)


@pytest.mark.parametrize(
    ("role", "name", "phone"),
    [(Role.HR, "欧阳娜娜", "13812345678"), (Role.CASHIER, "欧***", "138****5678")],
)
def test_resident_read_for_viewer(role, name, phone):
    shown = ResidentRead.for_viewer(ROW, role)
    assert (shown.name, shown.phone, shown.masked) == (name, phone, not can_see_contact(role))
