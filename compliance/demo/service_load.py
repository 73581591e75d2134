"""The demo office's service records: a front-desk user, the office head and a manager linked
to staff records, a few site photos, three months of work orders, calls, an emergency, return
visits, lobby notices and fees (compliance.demo.service), then every clock evaluated.

Called by compliance.demo.load after the cases are built, so the cases the demo drives are
the same with or without it.
"""

import importlib
import io
import random
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.context import Ctx
from compliance.demo.builder import Builder, LocalClock, Rates
from compliance.demo.service import People, generate_service, teams_of
from compliance.files import service as files
from compliance.findings.models import Finding
from compliance.staff.models import Staff

DESK_USERNAME = "desk"  # bsw-desk: the front desk (前台接待)
SEED_OFFSET = 15  # issue 15: the service records draw from a generator of their own


def photo_bytes(seed: int) -> bytes:
    """A small JPEG standing in for a site photo."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new("RGB", (640, 480), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randrange(600), rnd.randrange(440)
        draw.rectangle((x, y, x + 40, y + 40), fill=(rnd.randrange(256), 90, 120))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def link_people(session: Session, office_id: int, code: str, at: datetime) -> People:
    """The service roles of the office's staff; adds the front-desk user and links the
    office head (director) and the manager to staff records of the 客服 team."""
    prefix = code.lower()
    users = {
        u.username.removeprefix(f"{prefix}-"): u
        for u in session.execute(select(User).where(col(User.office_id) == office_id)).scalars()
    }
    by_team = teams_of(session, office_id)
    with_findings = set(
        session.execute(
            select(col(Finding.staff_id)).where(col(Finding.office_id) == office_id).distinct()
        ).scalars()
    )
    linked = {u.staff_id for u in users.values() if u.staff_id is not None}
    service = by_team.get("客服", [])
    # The office head and a manager sign in as staff members nobody has a finding against
    # (no one decides a case about himself): of the 客服 team if it has such, else of others.
    free = [
        s
        for team in ("客服", "绿化", "保洁", "维修")
        for s in by_team.get(team, [])
        if s not in with_findings and s not in linked
    ]
    head, manager = free[0], free[1]
    others = [s for s in service if s not in (head, manager)] or [service[0]]
    desk, seniors = others[:2], others[2:]  # the first two keep the desk (前台接待)
    for key, staff, position in (
        ("director", head, "管理处负责人"),
        ("manager", manager, "客服主管"),
    ):
        if users[key].staff_id is None:
            users[key].staff_id = staff
            row = session.get(Staff, staff)
            assert row is not None
            row.position = position
    desk_user = users.get(DESK_USERNAME)
    if desk_user is None:
        desk_user = User(
            office_id=office_id,
            username=f"{prefix}-{DESK_USERNAME}",
            display_name="",
            role=Role.FRONT_DESK.value,
            staff_id=desk[0],
            is_director=False,
            active=True,
            created_at=at,
        )
        session.add(desk_user)
    session.flush()
    if not desk_user.display_name:
        desk_user.display_name = session.execute(
            select(col(Staff.name)).where(col(Staff.id) == desk[0])
        ).scalar_one()
        session.flush()
    user_of = {
        u.staff_id: u.id
        for u in session.execute(
            select(User).where(col(User.office_id) == office_id, col(User.staff_id).is_not(None))
        ).scalars()
        if u.staff_id is not None and u.id is not None
    }
    staff_users = [
        u.staff_id
        for u in sorted(users.values(), key=lambda u: u.username)
        if u.role == Role.STAFF.value and u.staff_id is not None
    ]
    assert desk_user.id is not None
    assert users["director"].id is not None and users["manager"].id is not None
    return People(
        desk=desk,
        managers=[manager, *seniors],
        head=head,
        head_user=users["director"].id,
        manager_user=users["manager"].id,
        desk_user=desk_user.id,
        by_team=by_team,
        user_of=user_of,
        favourites=staff_users,
    )


def load_service(
    manager: Ctx, *, code: str, start: date, days: int, seed: int, now: datetime
) -> dict[str, int]:
    """Add the demo office's service records and evaluate its clocks; row counts."""
    session = manager.session
    office_id = manager.actor.office_id
    people = link_people(session, office_id, code, now)
    photos = []
    for k in range(3):
        stored = files.store_image(manager, photo_bytes(seed + k), f"现场照片{k + 1}.jpg")
        assert stored.id is not None
        photos.append(stored.id)
    b = Builder(session, random.Random(seed), Rates(), LocalClock(manager.tz, start), days, now)
    b.office_id, b.code = office_id, code
    counts = generate_service(b, people, days=days, seed=seed * 100 + SEED_OFFSET, photos=photos)
    counts["service_clock"] = evaluate(manager, start, days)
    return counts


def evaluate(ctx: Ctx, start: date, days: int) -> int:
    """Evaluate every service clock of the period (once compliance.flows.service_clocks
    exists); the number of clocks written."""
    try:
        flows: Any = importlib.import_module("compliance.flows.service_clocks")
    except ImportError:
        return 0
    from datetime import timedelta

    from compliance.service.models import ServiceClock

    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)  # the quarter's fees too
    flows.evaluate_office(
        ctx.session, ctx.actor.office_id, first, start + timedelta(days=days - 1), now=ctx.now()
    )
    return int(
        ctx.session.execute(
            select(func.count())
            .select_from(ServiceClock)
            .where(col(ServiceClock.office_id) == ctx.actor.office_id)
        ).scalar_one()
    )
