"""What the front desk, the order pages and the executor's phone view read: the counter's open
orders and the clocks close to due, one order with its timeline, hops and clocks, and the step
due on it now.

The orders themselves are read by compliance.service.reads (get_order, list_orders, my_orders)
and their codes named by compliance.service.labels; this module adds what only these pages
need (the evaluated clocks, the residents on file for the desk's prefill, a photo's order), a
query each, always scoped to the actor's office.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlmodel import col

from compliance.actors import Role
from compliance.context import Ctx
from compliance.i18n import gettext
from compliance.permissions import Permission
from compliance.residents.masking import can_see_contact, mask_name, mask_phone
from compliance.residents.models import Resident, Unit
from compliance.service import lifecycle, reads
from compliance.service.figures import excuse_word
from compliance.service.labels import label
from compliance.service.models import (
    ClockState,
    EventAction,
    OrderKind,
    OrderState,
    ServiceClock,
    ServiceEvent,
    ServiceOrder,
)
from compliance.service.orders import office_zone
from compliance.service.schemas import CallRead, OrderFilters, OrderRow, OrderView
from compliance.staff.models import Staff, StaffStatus

S = OrderState
R = TypeVar("R", bound=OrderRow)
OPEN_STATES = tuple(s.value for s in lifecycle.OPEN)
# The progress bar: the life cycle's main line (waiting on the resident is a pause of
# "in progress"; a cancelled order stops the bar where it was).
STAGES = (
    S.RECEIVED,
    S.DISPATCHED,
    S.ACCEPTED,
    S.IN_PROGRESS,
    S.HANDLED,
    S.AWAITING_REVISIT,
    S.CLOSED,
)
# Clocks shown as close to due on the front desk: running and due within this window.
DUE_SOON = timedelta(hours=2)
PAGE_SIZE = 25
KINDS_NEEDING_PHOTO = lifecycle.PHOTO_KINDS


def labeller(lang: str) -> Any:
    """`label(kind, code)` for the templates (compliance.service.labels)."""
    return lambda kind, code: label(kind, code, lang)


def standard_title(code: str, lang: str) -> str:
    """A service standard's title in words (policies.service.standards), else its code."""
    from policies.service.standards import standard

    try:
        return gettext(lang, standard(code).title)
    except KeyError:
        return code


# --- people and places -------------------------------------------------------------------


@dataclass(frozen=True)
class StaffChoice:
    """An active staff member as a picker lists them."""

    id: int
    label: str
    team: str


def staff_choices(ctx: Ctx) -> list[StaffChoice]:
    """The office's active staff, by team then employee number (one query)."""
    rows = ctx.session.execute(
        select(col(Staff.id), col(Staff.employee_no), col(Staff.name), col(Staff.team))
        .where(col(Staff.office_id) == ctx.actor.office_id, col(Staff.status) == StaffStatus.ACTIVE)
        .order_by(col(Staff.team), col(Staff.employee_no))
    ).all()
    return [StaffChoice(r.id, f"{r.employee_no} {r.name}", r.team) for r in rows]


@dataclass(frozen=True)
class HouseholdOnFile:
    """A resident of the unit as the desk may see them (masked unless the role may see
    residents' contacts)."""

    name: str
    phone: str
    masked: bool


def households(ctx: Ctx, unit_id: int) -> list[HouseholdOnFile]:
    """The residents on file for a unit of the office (one query)."""
    ctx.require(Permission.RECEIVE_SERVICE)
    rows = ctx.session.execute(
        select(col(Resident.name), col(Resident.phone))
        .join(Unit, col(Unit.id) == col(Resident.unit_id))
        .where(col(Unit.office_id) == ctx.actor.office_id, col(Resident.unit_id) == unit_id)
        .order_by(col(Resident.id))
    ).all()
    if can_see_contact(ctx.actor.role):
        return [HouseholdOnFile(r.name, r.phone, False) for r in rows]
    return [HouseholdOnFile(mask_name(r.name), mask_phone(r.phone), True) for r in rows]


# --- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The order list's filters, as the form gives them."""

    state: str = ""  # a state, "open", or "" (all)
    kind: str = ""
    staff_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the paging links)."""
        out = {"state": self.state, "kind": self.kind}
        out["staff"] = str(self.staff_id) if self.staff_id else ""
        out["from"] = self.day_from.isoformat() if self.day_from else ""
        out["to"] = self.day_to.isoformat() if self.day_to else ""
        return {k: v for k, v in out.items() if v}

    def service(self) -> OrderFilters:
        """As compliance.service.reads filters them."""
        return OrderFilters(
            state=self.state if self.state and self.state != "open" else None,
            states=OPEN_STATES if self.state == "open" else (),
            kind=self.kind or None,
            staff_id=self.staff_id,
            date_from=self.day_from,
            date_to=self.day_to,
        )


@dataclass(frozen=True)
class OrderPage:
    """One page of the order list."""

    rows: list[OrderRow]
    total: int
    page: int
    pages: int


def list_orders(ctx: Ctx, filters: Filters, page: int = 1) -> OrderPage:
    """The office's orders, newest first, filtered (days are office days), 25 a page."""
    ctx.require(Permission.VIEW_SERVICE)
    page = max(1, page)
    rows, total = reads.list_orders(
        ctx.session,
        ctx.actor.office_id,
        filters=filters.service(),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:  # past the end (a filter narrowed it): the last page
        return list_orders(ctx, filters, pages)
    return OrderPage(masked_rows(ctx, rows), total, page, pages)


@dataclass(frozen=True)
class DueClock:
    """A running clock close to its due time, with its order."""

    standard: str
    title: str
    due_at: datetime
    overdue: bool
    order_id: int | None
    number: str
    holder: str


@dataclass
class DeskView:
    """The front desk's page below its form: today's open orders and clocks close to due."""

    today: list[OrderRow] = field(default_factory=list)
    due: list[DueClock] = field(default_factory=list)


def desk_view(ctx: Ctx, lang: str) -> DeskView:
    """Orders received today (an office day) still open, and the running clocks due within
    two hours or already past due (service_clock as last evaluated)."""
    ctx.require(Permission.VIEW_SERVICE)
    today = ctx.now().astimezone(office_zone(ctx)).date()
    rows, _ = reads.list_orders(
        ctx.session,
        ctx.actor.office_id,
        filters=OrderFilters(states=OPEN_STATES, date_from=today, date_to=today),
        limit=100,
    )
    return DeskView(masked_rows(ctx, rows), due_clocks(ctx, lang))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def due_clocks(ctx: Ctx, lang: str) -> list[DueClock]:
    """Running clocks of the office due before now + DUE_SOON, earliest first (one query)."""
    now = ctx.now()
    rows = ctx.session.execute(
        select(ServiceClock, col(ServiceOrder.number), col(Staff.name))
        .outerjoin(ServiceOrder, col(ServiceOrder.id) == col(ServiceClock.order_id))
        .outerjoin(Staff, col(Staff.id) == col(ServiceClock.holder_staff_id))
        .where(
            col(ServiceClock.office_id) == ctx.actor.office_id,
            col(ServiceClock.state) == ClockState.RUNNING,
            col(ServiceClock.due_at).is_not(None),
            col(ServiceClock.due_at) <= now + DUE_SOON,
        )
        .order_by(col(ServiceClock.due_at))
        .limit(50)
    ).all()
    out = []
    for c, number, holder in rows:
        due = _aware(c.due_at)
        out.append(
            DueClock(
                standard=c.standard,
                title=standard_title(c.standard, lang),
                due_at=due,
                overdue=due < now,
                order_id=c.order_id,
                number=number or "",
                holder=holder or "",
            )
        )
    return out


def my_open_orders(ctx: Ctx) -> list[OrderRow]:
    """The orders the executor holds now with work left for them (sent, accepted, in
    progress, waiting), what needs them first (compliance.service.reads)."""
    ctx.require(Permission.WORK_SERVICE_ORDER)
    if ctx.actor.staff_id is None:
        return []
    rows = reads.my_orders(ctx.session, ctx.actor.office_id, ctx.actor.staff_id)
    return [r for r in rows if r.state in lifecycle.WORKING]


# --- one order ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockLine:
    """One standard's clock on this order, as last evaluated."""

    standard: str
    title: str
    due_at: datetime | None
    stopped_at: datetime | None
    state: str
    holder: str
    excuse: str = ""  # why an excused breach is excused, in words


@dataclass(frozen=True)
class Stage:
    """One stage of the progress bar: "done", "current", "todo" or "stopped"."""

    key: str
    state: str


@dataclass
class OrderDetail:
    """The order page's facts."""

    order: OrderView
    clocks: list[ClockLine]
    stages: list[Stage]
    replied: bool
    followed_up: bool
    calls: dict[int, CallRead]


def order_detail(ctx: Ctx, order_id: int, lang: str) -> OrderDetail:
    """One order of the office with its events, hops and calls, and its evaluated clocks."""
    ctx.require(Permission.VIEW_SERVICE)
    view = reads.get_order(ctx.session, ctx.actor.office_id, order_id)
    rows = ctx.session.execute(
        select(ServiceClock, col(Staff.name))
        .outerjoin(Staff, col(Staff.id) == col(ServiceClock.holder_staff_id))
        .where(
            col(ServiceClock.office_id) == ctx.actor.office_id,
            col(ServiceClock.order_id) == order_id,
        )
        .order_by(col(ServiceClock.standard), col(ServiceClock.subject_key))
    ).all()
    clocks = [
        ClockLine(
            c.standard,
            standard_title(c.standard, lang),
            c.due_at,
            c.stopped_at,
            c.state,
            holder or "",
            gettext(lang, excuse_word(c.excuse)) if c.state == ClockState.EXCUSED else "",
        )
        for c, holder in rows
    ]
    actions = {e.action for e in view.events}
    calls = {c.id: c for c in view.calls}
    if not can_see_contact(ctx.actor.role):
        # Masked as the desk's lookup masks them (compliance.residents.masking).
        view = masked(view)
        calls = {
            i: c.model_copy(update={"caller_phone": mask_phone(c.caller_phone)})
            for i, c in calls.items()
        }
    return OrderDetail(
        order=view,
        clocks=clocks,
        stages=stages(view.state, actions),
        replied=EventAction.REPLY in actions,
        followed_up=EventAction.FOLLOW_UP in actions,
        calls=calls,
    )


def masked(row: R) -> R:
    """The order with the resident's name and phone masked (for roles without
    Permission.SEE_RESIDENT_CONTACTS)."""
    return row.model_copy(
        update={
            "household": mask_name(row.household) if row.household else "",
            "contact_phone": mask_phone(row.contact_phone) if row.contact_phone else "",
        }
    )


def masked_rows(ctx: Ctx, rows: list[OrderRow]) -> list[OrderRow]:
    """The rows as the actor may see them: masked unless the role may see residents'
    contacts."""
    return rows if can_see_contact(ctx.actor.role) else [masked(r) for r in rows]


_STAGE_OF = {
    EventAction.DISPATCH: 1,
    EventAction.ACCEPT: 2,
    EventAction.ARRIVE: 3,
    EventAction.HANDLE: 4,
    EventAction.FOLLOW_UP: 5,
}


def stages(state: str, actions: set[str]) -> list[Stage]:
    """The progress bar: the stages before the current one done, the current one marked; a
    cancelled order stops at the stage it had reached."""
    if state == S.CANCELLED:
        reached = max((i for a, i in _STAGE_OF.items() if a in actions), default=0)
        return [
            Stage(s, "done" if i < reached else "stopped" if i == reached else "todo")
            for i, s in enumerate(STAGES)
        ]
    current = S.IN_PROGRESS if state == S.WAITING_RESIDENT else S(state)
    at = STAGES.index(current)
    out = []
    for i, s in enumerate(STAGES):
        if i < at or (current == S.CLOSED and i == at):
            out.append(Stage(s, "done"))
        elif i == at:
            out.append(Stage(s, "current"))
        else:
            out.append(Stage(s, "todo"))
    return out


# --- the steps -----------------------------------------------------------------------------

# The order page's step forms, in the order they are offered.
DESK_STEPS = (
    "assign_manager",
    "dispatch",
    "transfer",
    "reply",
    "contact",
    "follow_up",
    "rectify",
    "wait_resident",
    "resume",
    "close",
    "reopen",
    "cancel",
)


@dataclass(frozen=True)
class Steps:
    """The step due now on the order (highlighted) and the others the user may take."""

    due: str
    others: list[str]


def desk_steps(ctx: Ctx, d: OrderDetail) -> Steps:
    """What the front desk or a manager may take on the order now (the life cycle's table,
    compliance.service.lifecycle), the one due now first."""
    o = d.order
    allowed = set(lifecycle.allowed_steps(ctx.actor, o.state, holds_work=False))
    # One 转单 form for both holders: offered when someone holds the order in a role.
    transfer = ("transfer" in allowed and o.executor_staff_id is not None) or (
        "transfer_manager" in allowed and o.manager_staff_id is not None
    )
    allowed.discard("transfer")
    if transfer:
        allowed.add("transfer")
    if o.manager_staff_id is not None:
        allowed.discard("assign_manager")
    if o.kind != OrderKind.COMPLAINT or not ctx.actor.is_director:
        allowed.discard("rectify")
    possible = [s for s in DESK_STEPS if s in allowed]
    due = ""
    if o.state == S.RECEIVED:
        if o.kind == OrderKind.COMPLAINT and o.manager_staff_id is None:
            due = "assign_manager"
        else:
            due = "dispatch"
    elif o.state in (S.HANDLED, S.AWAITING_REVISIT):
        if not d.replied:
            due = "reply"
        elif o.kind == OrderKind.COMPLAINT and not d.followed_up:
            due = "follow_up"
        else:
            due = "close"
    elif not d.replied and o.kind == OrderKind.COMPLAINT:
        due = "reply"
    if due not in possible:
        due = ""
    return Steps(due, [s for s in possible if s != due])


# The executor's phone view: the step due in each state, then the others (退单 last).
MY_DUE = {
    S.DISPATCHED: "accept",
    S.ACCEPTED: "arrive",
    S.IN_PROGRESS: "handle",
    S.WAITING_RESIDENT: "resume",
}
MY_STEPS = ("accept", "arrive", "handle", "resume", "wait_resident", "return")


def executor_steps(ctx: Ctx, state: str) -> Steps:
    """What the executor may take on an order they hold now, the due step first."""
    if ctx.actor.role != Role.STAFF:
        return Steps("", [])
    allowed = set(lifecycle.allowed_steps(ctx.actor, state, holds_work=True))
    possible = [s for s in MY_STEPS if s in allowed]
    due = MY_DUE.get(S(state), "")
    if due not in possible:
        due = ""
    return Steps(due, [s for s in possible if s != due])


def photo_of_order(ctx: Ctx, order_id: int, file_id: int) -> bool:
    """Whether the file is the photo of one of this order's events (of the office)."""
    found = ctx.session.execute(
        select(func.count()).where(
            col(ServiceEvent.order_id) == order_id,
            col(ServiceEvent.office_id) == ctx.actor.office_id,
            col(ServiceEvent.photo_file_id) == file_id,
        )
    ).scalar_one()
    return bool(found)


def order_row(ctx: Ctx, order_id: int) -> OrderRow:
    """The order (of the office; for a staff member, one they held) for a step's checks."""
    staff_id = ctx.actor.staff_id if ctx.actor.role == Role.STAFF else None
    if ctx.actor.role == Role.STAFF and staff_id is None:
        staff_id = -1
    return reads.get_order(ctx.session, ctx.actor.office_id, order_id, staff_id=staff_id)
