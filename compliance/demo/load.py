"""Load the demo office 碧水湾管理处 into an empty database (the run command calls this)."""

import calendar
import importlib
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import get_auth_settings
from compliance.actors import Actor
from compliance.audit import service as audit
from compliance.clock import FixedClock
from compliance.config import PROJECT_ROOT, Settings, get_settings
from compliance.context import Ctx
from compliance.demo.builder import Rates
from compliance.demo.cases import build_cases
from compliance.demo.generate import generate_office
from compliance.demo.inspections_attendance import HOME_ONLY
from compliance.demo.service_load import load_service
from compliance.findings import service as findings
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.offices.models import Office
from compliance.policy_params import service as policy_params
from compliance.residents.models import Unit
from compliance.staff.models import Staff
from policies import registry

CODE = "BSW"
SEED = 2026
OVERRIDES = PROJECT_ROOT / "policies" / "offices" / f"{CODE}.toml"

# Forty people make few opportunities, so the demo draws more overtime, feedback and spot
# checks per staff-day than a large office would, to show every kind of case.
DEMO_RATES = replace(Rates(), overtime=0.015, feedback=0.06, spot_checks=0.04)


def demo_period(today: date) -> tuple[date, int]:
    """The three calendar months ending yesterday: (first day, number of days)."""
    year, month = (
        (today.year, today.month - 3) if today.month > 3 else (today.year - 1, today.month + 9)
    )
    start = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return start, (today - start).days


def load_demo(
    engine: Engine, *, today: date, settings: Settings | None = None, overrides: Path = OVERRIDES
) -> dict[str, int]:
    """Generate the demo office if the database has no office yet; counts, or {} if not."""
    settings = settings or get_settings()
    with engine.connect() as conn:
        outer = conn.begin()
        # The use cases below commit; as savepoints inside one transaction the whole demo
        # lands or nothing does, so a failed load never leaves a half office behind that
        # the next start would take for a loaded one.
        session = Session(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            counts = _load(session, today, settings, overrides)
            outer.commit()
        except BaseException:
            outer.rollback()
            raise
        finally:
            session.close()
    return counts


def _load(session: Session, today: date, settings: Settings, overrides: Path) -> dict[str, int]:
    if session.execute(select(col(Office.id)).limit(1)).first() is not None:
        return {}
    tz = ZoneInfo(settings.timezone)
    start, days = demo_period(today)
    now = datetime.combine(today, time(), tz).astimezone(UTC)
    counts = generate_office(
        session,
        code=CODE,
        name="碧水湾管理处",
        city="深圳",
        n_staff=40,
        n_units=300,
        start=start,
        days=days,
        seed=SEED,
        rates=DEMO_RATES,
        timezone=settings.timezone,
        now=now,
    )
    clock = FixedClock(now)

    def ctx(username: str) -> Ctx:
        return Ctx(session=session, actor=_actor(session, username), clock=clock, settings=settings)

    admin = ctx(f"{CODE.lower()}-admin")
    published = 0
    for code, effective_from, params, reason in policy_params.load_overrides_file(overrides):
        # The office's history: each override was published (a meeting, a notice) a week
        # before it took effect, long before this load; `publish` takes only future dates.
        made_known = policy_params.starts_at(effective_from, tz) - timedelta(days=7)
        policy_params.record_history(
            admin, code, params, effective_from, reason, min(made_known, now)
        )
        published += 1
    counts["policy_version"] = published
    counts["spot_check_finding"] = _raise_spot_check_findings(ctx(f"{CODE.lower()}-manager"))
    counts["spot_check_recorded"] = _record_spot_checks(
        [ctx(f"{CODE.lower()}-manager"), ctx(f"{CODE.lower()}-director")], today, tz
    )
    prefix = f"{CODE.lower()}-"

    def who(name: str) -> Ctx:
        return ctx(name if name.startswith(prefix) else prefix + name)

    for state, n in build_cases(session, who, clock, now).items():
        counts[f"case ({state})"] = n
    counts |= load_service(
        ctx(f"{CODE.lower()}-manager"), code=CODE, start=start, days=days, seed=SEED, now=now
    )
    counts["user with demo password"] = _set_demo_passwords(session)
    return counts


# Printed by `make run`; a demo database is for trying the product, never for real data.
DEMO_PASSWORD = "bsw-demo-2026"


def _set_demo_passwords(session: Session) -> int:
    """Every demo user signs in with DEMO_PASSWORD (one hash for all: the password is the
    same and printed, and each Argon2 hash costs the load a good part of a second)."""
    cfg = get_auth_settings()
    users = session.execute(select(User)).scalars().all()
    hashed = hash_password(cfg, DEMO_PASSWORD)
    for user in users:
        user.password_hash = hashed
    session.flush()
    return len(users)


def _actor(session: Session, username: str) -> Actor:
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one()
    return Actor.for_user(user)


def _raise_spot_check_findings(ctx: Ctx) -> int:
    """Failed items of the generated spot checks become findings, as when recorded."""
    office_id = ctx.actor.office_id
    checks = ctx.session.execute(
        select(SpotCheck).where(col(SpotCheck.office_id) == office_id).order_by(col(SpotCheck.id))
    ).scalars()
    items: defaultdict[int, list[SpotCheckItem]] = defaultdict(list)
    for item in ctx.session.execute(
        select(SpotCheckItem)
        .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckItem.spot_check_id))
        .where(col(SpotCheck.office_id) == office_id)
        .order_by(col(SpotCheckItem.id))
    ).scalars():
        items[item.spot_check_id].append(item)
    raised = 0
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    now = clock.current
    for check in checks:
        assert check.id is not None
        clock.current = check.created_at  # raised when the inspector submitted the check
        raised += len(findings.raise_from_spot_check(ctx, check, items[check.id]))
    clock.current = now
    audit.record(ctx, "demo.spot_check_findings", "office", office_id, {"findings": raised})
    return raised


def _record_spot_checks(inspectors: list[Ctx], today: date, tz: ZoneInfo) -> int:
    """Yesterday's spot checks, entered through the real use case (skipped if not built)."""
    try:
        service: Any = importlib.import_module("compliance.flows.spot_checks")
    except ImportError:
        return 0
    record = getattr(service, "record_spot_check", None)
    if record is None:
        return 0
    session = inspectors[0].session
    office_id = inspectors[0].actor.office_id
    staff = (
        session.execute(
            select(col(Staff.id))
            .where(col(Staff.office_id) == office_id)
            .order_by(col(Staff.employee_no))
            .limit(5)
        )
        .scalars()
        .all()
    )
    units = (
        session.execute(
            select(col(Unit.id))
            .where(col(Unit.office_id) == office_id)
            .order_by(col(Unit.id))
            .limit(5)
        )
        .scalars()
        .all()
    )
    yesterday = today - timedelta(days=1)
    for n, (staff_id, unit_id, (hour, minute), answers, notes) in enumerate(
        zip(staff, units, _TIMES, _ANSWERS, _NOTES, strict=False)
    ):
        at_home = n != 3
        record(
            inspectors[n % 2],
            {
                "staff_id": staff_id,
                "unit_id": unit_id if at_home else None,
                "area": "" if at_home else "2栋大堂",
                "checked_at": datetime.combine(yesterday, time(hour, minute), tz),
                "notes": notes,
                "items": _items(answers, at_home),
            },
        )
    return min(len(staff), len(units), len(_ANSWERS))


_TIMES = ((9, 40), (10, 25), (14, 5), (15, 30), (16, 15))
_NOTES = (
    "按铃时间过长,住户在对讲中表示不满。",
    "门铃按了一下又马上按第二下,已当面提醒。",
    "按铃刚好两分钟,符合规定;整体表现良好。",
    "大堂巡查,未佩戴工作证,已要求立即整改。",
    "服务规范,住户无意见。",
)
# Per check: the answers that differ from a plain pass, with the observed seconds.
_ANSWERS: tuple[dict[str, tuple[str, int | None]], ...] = (
    {"ring_duration": ("fail", 150), "ring_interval": ("pass", 8)},
    {"ring_duration": ("pass", 20), "ring_interval": ("fail", 3)},
    {"ring_duration": ("pass", 120), "ring_interval": ("pass", 5)},
    {"badge_worn": ("fail", None)},
    {"ring_duration": ("pass", 15), "ring_interval": ("pass", 10)},
)


def _items(answers: dict[str, tuple[str, int | None]], at_home: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in registry.checklist_items():
        if not at_home and item.key in HOME_ONLY:
            out.append({"item_key": item.key, "result": "na"})
            continue
        result, observed = answers.get(item.key, ("pass", None))
        if item.observed is not None and observed is None:
            observed = 10 if item.observed.name == "gap_seconds" else 12
        out.append({"item_key": item.key, "result": result, "observed": observed})
    return out
