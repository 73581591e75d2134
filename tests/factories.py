"""Test data: an office with one user per role, staff, units and wages."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.offices.models import Office
from compliance.residents.models import Resident, Unit
from compliance.staff.models import Staff, StaffWage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class OfficeSet:
    """The ids a test needs."""

    office: Office
    users: dict[str, User] = field(default_factory=dict)
    staff: list[Staff] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)

    def actor(self, name: str) -> Actor:
        """The Actor for one of the office's users ('admin', 'manager', 'director', ...)."""
        return Actor.for_user(self.users[name])

    def share_password(self, password_hash: str) -> None:
        """Give every user of the office the same (already hashed) password."""
        for user in self.users.values():
            user.password_hash = password_hash


def office_set(
    session: Session, code: str = "BSW", n_staff: int = 3, n_units: int = 4
) -> OfficeSet:
    """Create an office, its users, staff with wages and units."""
    office = Office(code=code, name="碧水湾管理处", city="深圳", created_at=T0)
    session.add(office)
    session.flush()
    assert office.id is not None
    out = OfficeSet(office=office)
    for i in range(n_staff):
        s = Staff(
            office_id=office.id,
            employee_no=f"E{i + 1:03d}",
            name=["李明", "王芳", "张伟", "刘洋", "陈静"][i % 5],
            team=["维修", "保洁", "安保"][i % 3],
            position="维修工",
            hire_date=date(2023, 5, 1),
            created_at=T0,
        )
        session.add(s)
        session.flush()
        assert s.id is not None
        session.add(
            StaffWage(
                staff_id=s.id,
                monthly_wage_fen=500_000,
                effective_from=date(2023, 5, 1),
                created_at=T0,
            )
        )
        out.staff.append(s)
    for i in range(n_units):
        u = Unit(office_id=office.id, building=f"{i // 2 + 1}栋", room=f"{101 + i}", created_at=T0)
        session.add(u)
        session.flush()
        session.add(Resident(unit_id=u.id or 0, name="赵小红", phone="13812345678", created_at=T0))
        out.units.append(u)
    roles = [
        ("admin", Role.ADMIN, False, None),
        ("manager", Role.MANAGER, False, None),
        ("director", Role.MANAGER, True, None),
        ("hr", Role.HR, False, None),
        ("cashier", Role.CASHIER, False, None),
        ("staff", Role.STAFF, False, out.staff[0].id),
        ("staff2", Role.STAFF, False, out.staff[1].id),
        # A second HR reviewer (last: the others' ids stay as they were). Whoever proposes a
        # case's outcome never approves it, and a dismissal needs an HR approval as well as
        # the director's: with one HR reviewer, the director approves ordinary outcomes only.
        ("hr2", Role.HR, False, None),
        ("front_desk", Role.FRONT_DESK, False, None),
    ]
    for name, role, director, staff_id in roles:
        u = User(
            office_id=office.id,
            username=f"{code.lower()}-{name}",
            display_name=name,
            role=role.value,
            is_director=director,
            staff_id=staff_id,
            created_at=T0,
        )
        session.add(u)
        out.users[name] = u
    session.flush()
    return out
