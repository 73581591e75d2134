"""Majority issues from return visits, and the lobby notice (书面通知 on the 大堂公告栏) that
answers each one within a week (rulebook 第2篇 4、(4); standard S10).

What a majority issue is, exactly:

- The month is a calendar month of the office's time zone; a visit belongs to the month of its
  `visited_at`. Households are units: several visits to one unit in the month count once.
- For a building: the households *visited* are the building's units with at least one return
  visit in the month; the households *raising* a topic are those of them with at least one visit
  in the month whose (normalised) topic is that topic. For the estate: the same over all the
  office's units, every building together.
- A topic is a majority issue when the households raising it are more than half of the
  households visited (2 × raising > visited: exactly half is not a majority) and at least
  `MIN_HOUSEHOLDS` (3) households raise it, so that a single early visit is not "most
  households".
- The visits of the month are taken in the order they happened (`visited_at`, then the order
  recorded). The visit after which the topic first is a majority is the one that tipped it
  over: the notice's `detected_at` is that visit's time, and the counts stored with the notice
  are the counts at that moment. Households visited later do not take a notice back.
- One notice per scope, topic and month (idempotent): a scope that has a notice for the topic
  in the month gets no second one, however often the check runs. Two visits recorded at once
  do not both open it: each visit's audit event is appended before the check, and the audit
  chain's head row lock queues the second transaction until the first has committed
  (tests/compliance/service/test_lobby_race.py, on PostgreSQL too). When the estate has a notice
  for the topic in the month, no building gets one of its own for it (the estate's notice is
  posted in every lobby).
- The responsible person is the office head's staff record (the director user's), else the
  staff record of the office's first active manager user; none if neither has one.

Posting it needs the notice's text and a photo of it on the board, the evidence that it was
posted. The 7-day clock (S10) itself is evaluated by compliance.flows.service_clocks.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import Conflict, FieldError, NotFound, ValidationFailed
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.service.models import LobbyNotice, ReturnVisit
from compliance.staff.models import Staff
from compliance.usecase import transaction, use_case
from compliance.validation import not_in_future

MIN_HOUSEHOLDS = 3
POST_WITHIN = timedelta(days=7)
ESTATE = ""  # LobbyNotice.building for the whole estate


def is_majority(raising: int, visited: int) -> bool:
    """More than half of the households visited, and at least MIN_HOUSEHOLDS of them."""
    return raising >= MIN_HOUSEHOLDS and 2 * raising > visited


def month_of(ctx: Ctx, at: datetime) -> date:
    """The first day of the office-time month `at` falls in."""
    return at.astimezone(ctx.tz).date().replace(day=1)


def month_bounds(ctx: Ctx, first: date) -> tuple[datetime, datetime]:
    """UTC-comparable instants [start, end) of the office-time month starting on `first`."""
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(first, time(), ctx.tz), datetime.combine(nxt, time(), ctx.tz)


@dataclass(frozen=True)
class Tipped:
    """A topic become a majority in a scope: the visit that tipped it over and the counts."""

    building: str
    topic: str
    visit_id: int
    at: datetime
    raising: int
    visited: int


def _tipping(rows: list[Any], topic: str, building: str) -> Tipped | None:
    """The first visit after which the topic is a majority of the households visited."""
    visited: set[int] = set()
    raising: set[int] = set()
    for r in rows:
        visited.add(r.unit_id)
        if r.topic == topic:
            raising.add(r.unit_id)
        if is_majority(len(raising), len(visited)):
            return Tipped(building, topic, r.id, r.visited_at, len(raising), len(visited))
    return None


def _month_visits(ctx: Ctx, first: date) -> list[Any]:
    start, end = month_bounds(ctx, first)
    return list(
        ctx.session.execute(
            select(
                col(ReturnVisit.id),
                col(ReturnVisit.visited_at),
                col(ReturnVisit.unit_id),
                col(ReturnVisit.topic),
                col(Unit.building),
            )
            .join(Unit, col(Unit.id) == col(ReturnVisit.unit_id))
            .where(
                col(ReturnVisit.office_id) == ctx.actor.office_id,
                col(ReturnVisit.visited_at) >= start,
                col(ReturnVisit.visited_at) < end,
            )
            .order_by(col(ReturnVisit.visited_at), col(ReturnVisit.id))
        )
    )


def _existing(ctx: Ctx, first: date, topic: str) -> set[str]:
    """The scopes (buildings, "" for the estate) with a notice for the topic in the month."""
    start, end = month_bounds(ctx, first)
    rows = ctx.session.execute(
        select(col(LobbyNotice.building)).where(
            col(LobbyNotice.office_id) == ctx.actor.office_id,
            col(LobbyNotice.topic) == topic,
            col(LobbyNotice.detected_at) >= start,
            col(LobbyNotice.detected_at) < end,
        )
    )
    return {r[0] for r in rows}


def responsible_staff(ctx: Ctx) -> int | None:
    """The office head's staff record, else the first active manager's; None if neither."""
    row = ctx.session.execute(
        select(col(User.staff_id))
        .join(Staff, col(Staff.id) == col(User.staff_id))
        .where(
            col(User.office_id) == ctx.actor.office_id,
            col(User.role) == Role.MANAGER.value,
            col(User.active).is_(True),
        )
        .order_by(col(User.is_director).desc(), col(User.id))
        .limit(1)
    ).first()
    return int(row[0]) if row else None


def _open(ctx: Ctx, tipped: Tipped, households_total: int) -> LobbyNotice:
    row = LobbyNotice(
        office_id=ctx.actor.office_id,
        building=tipped.building,
        topic=tipped.topic,
        households_raising=tipped.raising,
        households_visited=tipped.visited,
        households_total=households_total,
        detected_at=tipped.at,
        responsible_staff_id=responsible_staff(ctx),
    )
    ctx.session.add(row)
    ctx.session.flush()
    payload = {
        "building": tipped.building,
        "topic": tipped.topic,
        "households_raising": tipped.raising,
        "households_visited": tipped.visited,
        "households_total": households_total,
        "tipping_visit_id": tipped.visit_id,
        "detected_at": tipped.at.isoformat(),
        "responsible_staff_id": row.responsible_staff_id,
    }
    audit.record(ctx, "lobby_notice.opened", "lobby_notice", row.id, payload)
    return row


def _units_per_building(ctx: Ctx) -> dict[str, int]:
    rows = ctx.session.execute(
        select(col(Unit.building), func.count())
        .where(col(Unit.office_id) == ctx.actor.office_id)
        .group_by(col(Unit.building))
    )
    return {r[0]: int(r[1]) for r in rows}


def _check(ctx: Ctx, first: date, topic: str, buildings: set[str] | None) -> list[LobbyNotice]:
    """Open the notices the topic calls for in the month: the estate first, then each
    building (all, or those given) unless the estate has one."""
    rows = _month_visits(ctx, first)
    have = _existing(ctx, first, topic)
    totals = _units_per_building(ctx)
    opened: list[LobbyNotice] = []
    if ESTATE not in have:
        tipped = _tipping(rows, topic, ESTATE)
        if tipped is not None:
            opened.append(_open(ctx, tipped, sum(totals.values())))
            have.add(ESTATE)
    if ESTATE in have:
        return opened
    for b in sorted(buildings if buildings is not None else {r.building for r in rows}):
        if b in have:
            continue
        tipped = _tipping([r for r in rows if r.building == b], topic, b)
        if tipped is not None:
            opened.append(_open(ctx, tipped, totals.get(b, 0)))
    return opened


def check_majority(ctx: Ctx, visit: ReturnVisit) -> list[LobbyNotice]:
    """After a visit with a topic: open the notices its topic now calls for in its month
    (its building, or the estate). Runs inside the visit's use case."""
    if not visit.topic:
        return []
    building = ctx.session.execute(
        select(col(Unit.building)).where(col(Unit.id) == visit.unit_id)
    ).scalar_one()
    return _check(ctx, month_of(ctx, visit.visited_at), visit.topic, {building})


@use_case
def detect_month(ctx: Ctx, first: date) -> list[LobbyNotice]:
    """Check every topic of an office-time month (visits entered late, a re-check): opens
    what is missing, never a second notice."""
    ctx.require(Permission.RECORD_RETURN_VISIT)
    first = first.replace(day=1)
    topics = sorted({r.topic for r in _month_visits(ctx, first) if r.topic})
    return [n for t in topics for n in _check(ctx, first, t, None)]


# --- posting --------------------------------------------------------------------------------

TEXT_REQUIRED = N_("write what the notice says")
PHOTO_REQUIRED = N_("add a photo of the notice on the board")
ALREADY_POSTED = N_("this notice was already posted")
BEFORE_DETECTED = N_("is before the issue was found")


def post_notice(
    ctx: Ctx,
    notice_id: int,
    *,
    text: str,
    photo: bytes,
    photo_name: str = "",
    posted_at: datetime | None = None,
) -> LobbyNotice:
    """Record the notice as posted: its text and a photo of it on the board (the evidence),
    by the acting user's staff record, at `posted_at` (default now). Once only."""
    ctx.require(Permission.POST_LOBBY_NOTICE)
    errors: list[FieldError] = []
    text = text.strip()
    if not text:
        errors.append(FieldError("text", TEXT_REQUIRED))
    elif len(text) > 4000:
        errors.append(FieldError("text", N_("is too long")))
    image = None
    if not photo:
        errors.append(FieldError("photo", PHOTO_REQUIRED))
    else:
        try:
            image = files.clean_attachment(ctx, photo, photo_name)
        except ValidationFailed as exc:
            errors += [FieldError("photo", e.reason) for e in exc.errors]
    at = posted_at or ctx.now()
    notice = _get(ctx, notice_id)
    try:
        not_in_future("posted_at", at, ctx.now())
    except ValidationFailed as exc:
        errors += exc.errors
    if at < notice.detected_at:
        errors.append(FieldError("posted_at", BEFORE_DETECTED))
    if errors:
        raise ValidationFailed(errors)
    assert image is not None
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):
            stored.append(files.save_clean(ctx, image))
            done = ctx.session.execute(
                update(LobbyNotice)
                .where(col(LobbyNotice.id) == notice_id, col(LobbyNotice.posted_at).is_(None))
                .values(
                    posted_at=at,
                    posted_by_staff_id=ctx.actor.staff_id,
                    photo_file_id=stored[0].id,
                    text=text,
                )
            )
            if getattr(done, "rowcount", 0) != 1:
                raise Conflict(ALREADY_POSTED)
            payload = {"posted_at": at.isoformat(), "photo_file_id": stored[0].id, "text": text}
            audit.record(ctx, "lobby_notice.posted", "lobby_notice", notice_id, payload)
    except BaseException:
        files.discard(ctx, stored)
        raise
    ctx.session.refresh(notice)
    return notice


def _get(ctx: Ctx, notice_id: int) -> LobbyNotice:
    row: LobbyNotice | None = ctx.session.execute(
        select(LobbyNotice).where(
            col(LobbyNotice.id) == notice_id, col(LobbyNotice.office_id) == ctx.actor.office_id
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(N_("no such lobby notice in this office"))
    return row


def get_notice(ctx: Ctx, notice_id: int) -> LobbyNotice:
    """One of the office's lobby notices."""
    ctx.require(Permission.VIEW_SERVICE)
    return _get(ctx, notice_id)


@dataclass(frozen=True)
class OpenNotice:
    """A notice not yet posted, with its deadline as the page shows it."""

    notice: LobbyNotice
    due_at: datetime
    days_left: int  # office-time days from today to the due day; negative when past
    overdue: bool


def due_at(notice: LobbyNotice) -> datetime:
    """When the notice must be posted by: 7 days after the issue was detected."""
    return notice.detected_at + POST_WITHIN


def open_notices(ctx: Ctx) -> list[OpenNotice]:
    """The office's notices not yet posted, the most urgent first."""
    ctx.require(Permission.VIEW_SERVICE)
    rows = ctx.session.execute(
        select(LobbyNotice)
        .where(
            col(LobbyNotice.office_id) == ctx.actor.office_id,
            col(LobbyNotice.posted_at).is_(None),
        )
        .order_by(col(LobbyNotice.detected_at), col(LobbyNotice.id))
    ).scalars()
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    out = []
    for n in rows:
        due = due_at(n)
        left = (due.astimezone(ctx.tz).date() - today).days
        out.append(OpenNotice(n, due, left, now > due))
    return out


def posted_notices(ctx: Ctx, limit: int = 50) -> list[LobbyNotice]:
    """The office's posted notices, the latest first."""
    ctx.require(Permission.VIEW_SERVICE)
    return list(
        ctx.session.execute(
            select(LobbyNotice)
            .where(
                col(LobbyNotice.office_id) == ctx.actor.office_id,
                col(LobbyNotice.posted_at).is_not(None),
            )
            .order_by(col(LobbyNotice.posted_at).desc(), col(LobbyNotice.id).desc())
            .limit(limit)
        ).scalars()
    )
