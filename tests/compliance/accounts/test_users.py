"""Offices and users: admin-only changes, staff users linked, director flag."""

import pytest
from sqlmodel import select

from compliance.accounts.models import User
from compliance.accounts.users import create_office, create_user, set_active
from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.offices.models import Office
from tests.conftest import as_role


def test_admin_creates_a_staff_user_linked_to_staff(ctx, office):
    admin = as_role(ctx, office, "admin")
    u = create_user(
        admin,
        {
            "username": "li.ming",
            "display_name": "李明",
            "role": "staff",
            "staff_id": office.staff[2].id,
        },
    )
    assert u.role == "staff" and u.staff_id == office.staff[2].id and u.active


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "Bad Name", "display_name": "x", "role": "hr"}, "username"),
        ({"username": "bsw-hr", "display_name": "x", "role": "hr"}, "username"),
        ({"username": "newstaff", "display_name": "x", "role": "staff"}, "staff_id"),
        (
            {"username": "newstaff", "display_name": "x", "role": "staff", "staff_id": 99999},
            "staff_id",
        ),
        (
            {"username": "boss", "display_name": "x", "role": "hr", "is_director": True},
            "is_director",
        ),
        ({"username": "boss", "display_name": "x", "role": "janitor"}, "role"),
    ],
)
def test_bad_user_is_rejected(ctx, office, body, field):
    with pytest.raises(ValidationFailed) as err:
        create_user(as_role(ctx, office, "admin"), body)
    assert field in {e.field for e in err.value.errors}


def test_only_admin_manages_users(ctx, office):
    with pytest.raises(Forbidden):
        create_user(ctx, {"username": "someone", "display_name": "x", "role": "hr"})
    with pytest.raises(Forbidden):
        set_active(as_role(ctx, office, "hr"), office.users["staff"].id, False)


def test_disable_and_enable_a_user(ctx, office):
    admin = as_role(ctx, office, "admin")
    assert not set_active(admin, office.users["staff"].id, False).active
    assert set_active(admin, office.users["staff"].id, True).active
    with pytest.raises(Conflict):
        set_active(admin, office.users["admin"].id, False)


def test_create_office_bootstraps_an_admin_and_audits(session, clock):
    office_id = create_office(
        session,
        clock,
        {
            "code": "LJY",
            "name": "丽景苑管理处",
            "admin_username": "ljy-admin",
            "admin_name": "管理员",
        },
    )
    admin = session.exec(select(User).where(User.username == "ljy-admin")).one()
    assert admin.office_id == office_id and admin.role == "admin"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "office.created")).first()
    with pytest.raises(ValidationFailed, match="code"):
        create_office(
            session,
            clock,
            {"code": "LJY", "name": "again", "admin_username": "x-admin", "admin_name": "x"},
        )
    with pytest.raises(ValidationFailed, match="timezone"):
        create_office(
            session,
            clock,
            {
                "code": "ABC",
                "name": "abc",
                "timezone": "Mars/Base",
                "admin_username": "abc-admin",
                "admin_name": "x",
            },
        )
    assert session.exec(select(Office).where(Office.code == "ABC")).first() is None
