"""Demo generator, first layer: the office, its users, staff with wages, homes and residents."""

from datetime import date, datetime

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.demo import names as N
from compliance.demo.builder import HOUR, Builder, Row, StaffPlan
from compliance.offices.models import Office
from compliance.residents.models import Resident, Unit
from compliance.staff.models import Staff, StaffStatus, StaffWage
from policies.conduct import PUBLISHED_ON


class PeopleBuilder(Builder):
    """Adds the office, its users, the staff (roster pattern, wages) and the homes."""

    def office(self, code: str, name: str, city: str, timezone: str) -> None:
        """The office row."""
        self.code = code
        row = {"code": code, "name": name, "timezone": timezone, "city": city}
        self.office_id = self.insert_ids(Office, [row | {"created_at": self.go_live}])[0]

    def office_users(self) -> None:
        """Admin, manager, director, HR and cashier."""
        prefix = self.code.lower()
        specs = [
            ("admin", Role.ADMIN, False),
            ("manager", Role.MANAGER, False),
            ("director", Role.MANAGER, True),
            ("hr", Role.HR, False),
            ("cashier", Role.CASHIER, False),
        ]
        rows = [
            {
                "office_id": self.office_id,
                "username": f"{prefix}-{key}",
                "display_name": N.person_name(self.rng),
                "role": role.value,
                "staff_id": None,
                "is_director": director,
                "active": True,
                "password_hash": None,
                "created_at": self.go_live,
            }
            for key, role, director in specs
        ]
        ids = self.insert_ids(User, rows)
        self.users = {key: uid for (key, _, _), uid in zip(specs, ids, strict=True)}

    def people(self, n_staff: int) -> None:
        """Staff across the teams, with roster patterns, wages and a few staff users."""
        rng, local, days = self.rng, self.local, self.days
        teams = list(N.TEAMS)
        shares = [N.TEAMS[t][0] for t in teams]
        weekday = [local.day(d).weekday() for d in range(days)]
        rows: list[Row] = []
        metas: list[tuple[str, str, float, int, bytearray, date]] = []
        no_ack = set(rng.sample(range(n_staff), max(1, n_staff // 30)))
        for i in range(n_staff):
            team = teams[i] if i < len(teams) else rng.choices(teams, shares)[0]
            female = rng.random() < {"保洁": 0.8, "客服": 0.7}.get(team, 0.15)
            name = N.person_name(rng, female=female)
            if days > 30 and rng.random() < 0.04:
                hire = local.day(rng.randrange(days // 3))
            else:
                hire = local.day(-rng.randint(60, 3000))
            first = max(0, (hire - local.start).days)
            # Security rotates its rest day so that the gate is staffed on Sundays.
            rest = i % 7 if team == "安保" else 6
            shifts = bytearray(days)
            for d in range(first, days):
                if weekday[d] != rest and rng.random() >= self.rates.leave:
                    shifts[d] = 1
            self.shift_days += sum(shifts)
            hire_idx = (hire - local.start).days
            ack_day = max(hire_idx, (PUBLISHED_ON - local.start).days + 3)
            rows.append(
                {
                    "office_id": self.office_id,
                    "employee_no": f"E{i + 1:04d}",
                    "name": name,
                    "team": team,
                    "position": rng.choice(N.TEAMS[team][1]),
                    "hire_date": hire,
                    "status": StaffStatus.ACTIVE.value,
                    "left_on": None,  # every date column is bound (see Builder.statement)
                    "rulebook_ack_at": None
                    if i in no_ack
                    else local.at(ack_day + rng.randint(0, 3), 10 * HOUR),
                    "created_at": max(self.go_live, local.at(hire_idx, 9 * HOUR)),
                    "created_by": self.users["hr"],
                }
            )
            metas.append((name, team, N.TEAMS[team][2], first, shifts, hire))
        ids = self.insert_ids(Staff, rows)
        for i, (sid, (name, team, weight, first, shifts, _)) in enumerate(
            zip(ids, metas, strict=True)
        ):
            self.staff.append(StaffPlan(i, sid, name, team, weight, first, shifts))
        self.wages([m[5] for m in metas])
        self.staff_users()

    def wages(self, hires: list[date]) -> None:
        """A starting wage per staff member, and a raise for some during the period."""
        rng, local = self.rng, self.local
        months = [
            d for d in (local.day(i) for i in range(1, self.days)) if d.day == 1
        ]  # first days of months inside the period
        raised = set(
            rng.sample(range(len(self.staff)), round(len(self.staff) * self.rates.wage_raises))
        )
        rows: list[Row] = []
        for s, hire in zip(self.staff, hires, strict=True):
            lo, hi = N.WAGE_YUAN[s.team]
            yuan = rng.randrange(lo, hi + 1, 50)
            created = max(self.go_live, local.at((hire - local.start).days, 9 * HOUR))
            rows.append(self._wage(s.id, yuan, hire, created))
            if s.idx in raised and months:
                eff = rng.choice(months)
                if eff > hire:
                    yuan += rng.randrange(200, 601, 50)
                    rows.append(
                        self._wage(
                            s.id, yuan, eff, local.at((eff - local.start).days - 5, 10 * HOUR)
                        )
                    )
        self.insert(StaffWage, rows)

    def _wage(self, staff_id: int, yuan: int, eff: date, created: datetime) -> Row:
        return {
            "staff_id": staff_id,
            "monthly_wage_fen": yuan * 100,
            "effective_from": eff,
            "created_at": created,
            "created_by": self.users["hr"],
        }

    def staff_users(self) -> None:
        """Sign-ins for the first few staff members (bsw-staff1, ...)."""
        prefix = self.code.lower()
        linked = self.staff[: self.rates.staff_users]
        rows = [
            {
                "office_id": self.office_id,
                "username": f"{prefix}-staff{k + 1}",
                "display_name": s.name,
                "role": Role.STAFF.value,
                "staff_id": s.id,
                "is_director": False,
                "active": True,
                "password_hash": None,
                "created_at": self.go_live,
            }
            for k, s in enumerate(linked)
        ]
        for s, uid in zip(linked, self.insert_ids(User, rows), strict=True):
            self.staff_user[s.idx] = uid

    def units(self, n_units: int) -> None:
        """Buildings of 18 floors with 4 homes a floor, and the residents of each home."""
        rng = self.rng
        rows = []
        for k in range(n_units):
            building, rest = divmod(k, 72)
            floor, room = divmod(rest, 4)
            rows.append(
                {
                    "office_id": self.office_id,
                    "building": f"{building + 1}栋",
                    "room": f"{floor + 1}{room + 1:02d}",
                    "created_at": self.go_live,
                }
            )
        self.unit_ids = self.insert_ids(Unit, rows)
        self.buildings = (n_units - 1) // 72 + 1
        residents: list[Row] = []
        for uid in self.unit_ids:
            family = N.surname(rng)
            for _ in range(rng.choice((1, 2, 2, 3))):
                residents.append(
                    {
                        "unit_id": uid,
                        "name": family + N.given_name(rng),
                        "phone": N.mobile(rng),
                        "created_at": self.go_live,
                        "created_by": self.users["admin"],
                    }
                )
        self.insert(Resident, residents)

    def unit(self) -> int:
        """A random home."""
        return self.unit_ids[self.rng.randrange(len(self.unit_ids))]

    def shift_day(self, s: StaffPlan) -> int:
        """A random day the staff member was rostered (any day of theirs if none is found)."""
        for _ in range(50):
            d = self.rng.randrange(s.first_day, self.days)
            if s.shifts[d]:
                return d
        return self.rng.randrange(s.first_day, self.days)

    def who(self, s: StaffPlan) -> str:
        """How residents name the staff member in feedback."""
        return N.address_form(s.name, s.team)
