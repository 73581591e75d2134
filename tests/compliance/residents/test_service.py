"""Recording units and residents."""

import json

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.residents.models import Resident, Unit
from compliance.residents.service import create_resident, create_unit, list_residents, list_units
from tests import factories
from tests.conftest import as_role


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _counts(session):
    return tuple(_count(session, m) for m in (Unit, Resident, AuditEvent))


def test_manager_records_a_unit(ctx, office):
    before = _counts(ctx.session)
    read = create_unit(ctx, {"building": " 9栋 ", "room": "1201"})
    assert (read.building, read.room) == ("9栋", "1201")
    assert _counts(ctx.session) == (before[0] + 1, before[1], before[2] + 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"building": "1栋", "room": "101"}, "room"),  # the factory's first unit
        ({"building": "", "room": "101"}, "building"),
        ({"building": "1栋", "room": "x" * 21}, "room"),
        ({"building": "1栋"}, "room"),
        ({"building": "1栋", "room": "909", "floor": 9}, "floor"),
    ],
)
def test_bad_unit_names_the_field_and_saves_nothing(ctx, office, body, field):
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        create_unit(ctx, body)
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


def test_same_address_in_another_office_is_a_different_unit(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    other_ctx = as_role(ctx, other, "admin")
    assert create_unit(other_ctx, {"building": "9栋", "room": "1"}).id
    assert create_unit(ctx, {"building": "9栋", "room": "1"}).id


@pytest.mark.parametrize("role", ["hr", "cashier", "staff"])
def test_unit_roles(ctx, office, role):
    with pytest.raises(Forbidden):
        create_unit(as_role(ctx, office, role), {"building": "9栋", "room": "1"})


def test_resident_phone_is_normalised_and_audit_holds_only_masked_contact(ctx, office):
    read = create_resident(
        ctx, {"unit_id": office.units[1].id, "name": "欧阳娜娜", "phone": "138 1234-5678"}
    )
    assert (read.name, read.phone, read.masked) == ("欧阳娜娜", "13812345678", False)
    assert ctx.session.get(Resident, read.id).phone == "13812345678"
    event = (
        ctx.session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    )
    payload = json.loads(event.payload)
    assert payload == {"unit_id": office.units[1].id, "name": "欧***", "phone": "138****5678"}


def test_resident_without_phone(ctx, office):
    assert create_resident(ctx, {"unit_id": office.units[1].id, "name": "王五"}).phone == ""


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"phone": "12345678901"}, "phone"),
        ({"phone": "1381234567"}, "phone"),
        ({"phone": "138123456789"}, "phone"),
        ({"phone": "0755-12345678"}, "phone"),
        ({"phone": "1381234567a"}, "phone"),
        ({"name": ""}, "name"),
        ({"unit_id": 999_999}, "unit_id"),
    ],
)
def test_bad_resident_names_the_field_and_saves_nothing(ctx, office, over, field):
    body = {"unit_id": office.units[1].id, "name": "王五", "phone": "13900001111", **over}
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        create_resident(ctx, body)
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


def test_a_unit_of_another_office_is_unknown(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    with pytest.raises(ValidationFailed) as err:
        create_resident(ctx, {"unit_id": other.units[0].id, "name": "王五"})
    assert err.value.errors[0].field == "unit_id"


@pytest.mark.parametrize(("role", "masked"), [("hr", False), ("manager", False), ("cashier", True)])
def test_residents_are_listed_masked_by_role(ctx, office, role, masked):
    shown = list_residents(as_role(ctx, office, role), office.units[0].id)
    assert [(r.name, r.phone, r.masked) for r in shown] == [
        ("赵小红", "13812345678", False) if not masked else ("赵**", "138****5678", True)
    ]


def test_staff_cannot_list_residents_but_can_list_units(ctx, office):
    staff = as_role(ctx, office, "staff")
    with pytest.raises(Forbidden):
        list_residents(staff)
    assert [u.room for u in list_units(staff)] == ["101", "102", "103", "104"]
