"""The demo office's service records: a front-desk user, the office head and a manager linked
to staff records, a few site photos, three months of work orders, calls, an emergency, return
visits, lobby notices and fees (compliance.demo.service), then every clock evaluated.

Called by compliance.demo.load after the cases are built, so the cases the demo drives are
the same with or without it.
"""

import importlib
import io
import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.attendance.models import RosterShift
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.demo.builder import Builder, LocalClock, Rates
from compliance.demo.service import People, generate_service, set_counter, teams_of
from compliance.files import service as files
from compliance.findings.models import Finding
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.service.models import ServiceOrder
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


OFFICE_TEAM = "管理处"


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
            # One person under one name: the account shows the staff member it is, who now
            # works in the office itself (not the team the record came from).
            row.position = position
            row.team = OFFICE_TEAM
            users[key].display_name = row.name
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
    manager: Ctx,
    *,
    code: str,
    start: date,
    days: int,
    seed: int,
    now: datetime,
    orders: int | None = None,
    total_calls: int | None = None,
    evaluate_clocks: bool = True,
) -> dict[str, int]:
    """Add the office's service records (the benchmark gives its own volumes) and evaluate
    its clocks; row counts."""
    session = manager.session
    office_id = manager.actor.office_id
    people = link_people(session, office_id, code, now)
    photos = []
    for k in range(3):
        stored = files.store_image(manager, photo_bytes(seed + k), f"现场照片{k + 1}.jpg")
        assert stored.id is not None
        photos.append(stored.id)
    local = LocalClock(manager.tz, start)
    b = Builder(session, random.Random(seed), Rates(), local, days, now)
    b.office_id, b.code = office_id, code
    reported = emergency_time(session, people, local, days)
    counts, reserved = generate_service(
        b,
        people,
        days=days,
        seed=seed * 100 + SEED_OFFSET,
        photos=photos,
        emergency_at=reported,
        orders=orders,
        total_calls=total_calls,
    )
    if reserved is not None:
        emergency(manager, people, reported, reserved)
        counts["emergency_report"] = 1
    if evaluate_clocks:
        counts["service_clock"] = evaluate(manager, start, days)
    return counts


def emergency_time(session: Session, people: People, local: LocalClock, days: int) -> datetime:
    """A working afternoon two thirds into the period when the guard who signs in (the
    first of the 安保 team with a user) is on shift."""
    guards = [s for s in people.favourites if s in people.by_team.get("安保", [])]
    shifts = set()
    if guards:
        shifts = set(
            session.execute(
                select(col(RosterShift.work_date)).where(col(RosterShift.staff_id) == guards[0])
            ).scalars()
        )
    d = days * 2 // 3
    for k in range(days):
        for cand in (d - k, d + k):
            if 0 <= cand < days - 2 and (not guards or local.day(cand) in shifts):
                return local.at(cand, 14 * 3600 + 20 * 60)
    return local.at(d, 14 * 3600 + 20 * 60)


def emergency(manager: Ctx, people: People, reported: datetime, number: tuple[int, int]) -> None:
    """A fire in a bin room, through the emergency use cases as the front desk, the guards
    and the office head would enter it: reported, two guards sent, the first on site after
    six minutes forty (S09 missed), controlled, the report drafted, submitted and approved."""
    from compliance.service import emergency as em

    session = manager.session
    clock = FixedClock(reported + timedelta(seconds=40))

    def as_user(user_id: int) -> Ctx:
        user = session.get(User, user_id)
        assert user is not None
        return Ctx(session, Actor.for_user(user), clock, manager.settings)

    desk, head = as_user(people.desk_user), as_user(people.head_user)
    guards = people.by_team["安保"]
    signing = [s for s in people.favourites if s in guards] or guards[:1]
    duty = [*signing[:1], *[g for g in guards if g not in signing][:1]]
    year, n = number
    set_counter(session, manager.actor.office_id, year, n - 1)
    unit_id = (
        session.execute(
            select(col(Unit.id))
            .where(col(Unit.office_id) == manager.actor.office_id)
            .order_by(col(Unit.id))
            .offset(77)
        )
        .scalars()
        .first()
    )
    order = em.report_emergency(
        desk,
        em.EmergencyIn(
            incident_kind="fire",
            location="2栋垃圾房",
            unit_id=unit_id,
            description="住户来电:2栋垃圾房冒烟起火。",
            household="",
            reported_at=reported,
        ),
    )
    assert order.id is not None
    clock.current = reported + timedelta(minutes=1, seconds=30)
    em.dispatch_duty(desk, order.id, duty, version=order.version)
    user_of = people.user_of.get(duty[0])
    clock.current = reported + timedelta(minutes=6, seconds=40)
    if user_of is not None:
        em.check_in(as_user(user_of), order.id, method="position", ref="22.5431,114.0579")
    clock.current = reported + timedelta(minutes=24)
    session.refresh(order)
    em.mark_controlled(desk, order.id, note="火势已扑灭,现场已控制,无人员受伤。",
                       version=order.version)  # fmt: skip
    clock.current = reported + timedelta(hours=2, minutes=40)
    report = em.save_report(
        desk,
        order.id,
        em.ReportIn(
            incident_kind="fire",
            cause="住户将未熄灭的烟头丢入垃圾桶,引燃桶内纸箱。",
            measures="值班保安携灭火器到场扑救,疏散围观住户,清理现场并加装警示标识。",
            losses="垃圾桶两个烧毁,墙面熏黑约两平方米,无人员受伤。",
        ),
        version=_report_version(session, order.id),
    )
    em.submit_report(desk, order.id, version=report.version)
    clock.current = reported + timedelta(hours=19, minutes=10)
    _approve(head, order.id, "同意。加强垃圾房巡查,张贴禁止丢弃烟头的提示。")
    last = session.execute(
        select(func.max(col(ServiceOrder.number))).where(
            col(ServiceOrder.office_id) == manager.actor.office_id,
            col(ServiceOrder.number).like(f"%-{year}-%"),
        )
    ).scalar_one()
    set_counter(session, manager.actor.office_id, year, int(last.rsplit("-", 1)[1]))


def _approve(head: Ctx, order_id: int, note: str) -> None:
    """The office head approves the report, as compliance.service.emergency.approve_report
    records it (report, order closed, CLOSE event, audit) but without rendering its PDF: the
    PDF engine alone would add seconds to every demo load; the page renders it when opened."""
    from compliance.audit import service as audit
    from compliance.service import emergency as em
    from compliance.service.models import EmergencyReport, EventAction, OrderState, ReportState

    head.require(Permission.APPROVE_EMERGENCY_REPORT)
    session = head.session
    order = session.get(ServiceOrder, order_id)
    report = session.execute(
        select(EmergencyReport).where(col(EmergencyReport.order_id) == order_id)
    ).scalar_one()
    assert order is not None and report.state == ReportState.SUBMITTED
    now = head.now()
    report.state = ReportState.APPROVED
    report.decided_by, report.decided_at = head.actor.user_id, now
    report.decision_note = note
    report.version += 1
    session.add(report)
    before = em._bump(head, order, order.version, state=OrderState.CLOSED, closed_at=now)
    em._event(head, order, EventAction.CLOSE, to_state=OrderState.CLOSED, from_state=before,
              details={"report": "approved"})  # fmt: skip
    session.flush()
    audit.record(head, "emergency_report.approved", "emergency_report", report.id,
                 {"note": note, "pdf_sha256": ""})  # fmt: skip


def _report_version(session: Session, order_id: int) -> int:
    from compliance.service.models import EmergencyReport

    return int(
        session.execute(
            select(col(EmergencyReport.version)).where(col(EmergencyReport.order_id) == order_id)
        ).scalar_one()
    )


def evaluate(ctx: Ctx, start: date, days: int) -> int:
    """Evaluate every service clock of the period (once compliance.flows.service_clocks
    exists); the number of clocks written."""
    try:
        flows: Any = importlib.import_module("compliance.flows.service_clocks")
    except ImportError:
        return 0
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
