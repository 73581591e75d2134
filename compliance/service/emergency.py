"""Emergencies (第2篇 2、(1)): 紧急情况如火警、人员伤亡等突发事故 — the duty staff must be on site
within 5 minutes, and afterwards the cause is analysed in the 突发事件处理表 for a company leader
to approve.

An emergency is a service work order of kind "emergency":

    reported (RECEIVE) → duty staff dispatched (DISPATCH, one DUTY hop each) → each on site
    (ARRIVE: a check-in by the duty staff member, stamped with the server's time — never a
    typed time) → controlled (HANDLE; the report's controlled_at) → 突发事件处理表 drafted →
    submitted → approved (the order is closed) or returned with a reason (drafted again).

The report's approval is the company leader's (the office director: APPROVE_EMERGENCY_REPORT);
whoever may approve may also return it, with a required reason. The S09 clock (on site ≤ 5
minutes) is evaluated by compliance.flows.service_clocks from these events; the report shows
each arrival's minutes after the report as it stands.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from compliance.i18n import N_
from compliance.permissions import Permission, holds
from compliance.residents import repository as residents
from compliance.service import orders
from compliance.service.models import (
    Channel,
    EmergencyReport,
    EventAction,
    HopRole,
    OrderKind,
    OrderState,
    ReportState,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
    Severity,
)
from compliance.service.schemas import OrderIn
from compliance.staff.models import Staff
from compliance.usecase import use_case
from policies.service.standards import standard

ON_SITE_MINUTES = standard("S09").target  # 相关人员必须在5分钟内赶到现场
INCIDENT_KINDS = ("fire", "injury", "other")
INCIDENT_NAMES = {"fire": N_("Fire"), "injury": N_("Injury"), "other": N_("Other incident")}
REPORT_STATE_NAMES = {
    ReportState.DRAFT.value: N_("Draft"),
    ReportState.SUBMITTED.value: N_("Submitted for approval"),
    ReportState.APPROVED.value: N_("Approved"),
    ReportState.RETURNED.value: N_("Returned for changes"),
}
MAX_DESCRIPTION = 2000
STALE = N_("someone else changed this emergency first; reload it and try again")


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """A duty staff member's check-in on site, or their absence so far."""

    staff_id: int
    staff_name: str
    dispatched_at: datetime
    arrived_at: datetime | None
    method: str
    seconds_after_report: int | None

    @property
    def within(self) -> bool | None:
        """Whether on site within 5 minutes of the report (None: not yet arrived)."""
        if self.seconds_after_report is None:
            return None
        return self.seconds_after_report <= ON_SITE_MINUTES * 60


@dataclass(frozen=True)
class EmergencyView:
    """An emergency work order with what the pages and the report show: its steps, its duty
    staff and their arrivals, the report (if drafted), and who drafted and decided it."""

    order: ServiceOrder
    report: EmergencyReport
    events: tuple[ServiceEvent, ...]
    arrivals: tuple[Arrival, ...]
    unit_label: str
    drafted_by: str
    decided_by: str

    @property
    def reported_at(self) -> datetime:
        """When the emergency was reported (the clock's start)."""
        return self.order.received_at

    @property
    def dispatched_at(self) -> datetime | None:
        """When the first duty staff member was dispatched."""
        return min((a.dispatched_at for a in self.arrivals), default=None)

    @property
    def step(self) -> str:
        """Where the emergency stands: reported, dispatched, on_site, controlled, or the
        report's state."""
        if self.report.controlled_at is not None:
            if self.report.state == ReportState.DRAFT and not self.report.drafted_at:
                return "controlled"
            return str(self.report.state)
        if any(a.arrived_at for a in self.arrivals):
            return "on_site"
        return "dispatched" if self.arrivals else "reported"

    def duty_of(self, staff_id: int | None) -> Arrival | None:
        """The arrival line of a staff member dispatched as duty staff, if they are."""
        return next((a for a in self.arrivals if a.staff_id == staff_id), None)


STEP_NAMES = {
    "reported": N_("Reported"),
    "dispatched": N_("Duty staff dispatched"),
    "on_site": N_("On site"),
    "controlled": N_("Under control"),
    **REPORT_STATE_NAMES,
}


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def get_emergency(session: Session, office_id: int, order_id: int) -> EmergencyView:
    """The emergency with its events, duty hops, arrivals and report (a few queries)."""
    order = session.get(ServiceOrder, order_id)
    if order is None or order.office_id != office_id or order.kind != OrderKind.EMERGENCY:
        raise NotFound(N_("no such emergency"))
    report = session.execute(
        select(EmergencyReport).where(col(EmergencyReport.order_id) == order_id)
    ).scalar_one()
    events = tuple(
        session.execute(
            select(ServiceEvent)
            .where(col(ServiceEvent.order_id) == order_id)
            .order_by(col(ServiceEvent.at), col(ServiceEvent.id))
        ).scalars()
    )
    hops = session.execute(
        select(ServiceHop, col(Staff.name))
        .join(Staff, col(Staff.id) == col(ServiceHop.staff_id))
        .where(col(ServiceHop.order_id) == order_id, col(ServiceHop.role) == HopRole.DUTY)
        .order_by(col(ServiceHop.start_at), col(ServiceHop.id))
    ).all()
    first_arrival: dict[int, ServiceEvent] = {}
    for e in events:
        if e.action == EventAction.ARRIVE and e.staff_id is not None:
            first_arrival.setdefault(e.staff_id, e)
    start = _utc(order.received_at)
    assert start is not None
    arrivals = []
    for hop, name in hops:
        got = first_arrival.get(hop.staff_id)
        at = _utc(got.at) if got else None
        arrivals.append(
            Arrival(
                staff_id=hop.staff_id,
                staff_name=name,
                dispatched_at=_utc(hop.start_at) or start,
                arrived_at=at,
                method=got.checkin_method if got else "",
                seconds_after_report=int((at - start).total_seconds()) if at else None,
            )
        )
    users = {
        u.id: u.display_name
        for u in session.execute(
            select(User).where(
                col(User.id).in_([i for i in (report.drafted_by, report.decided_by) if i])
            )
        ).scalars()
    }
    unit_label = ""
    if order.unit_id is not None:
        unit = residents.get_unit_in_office(session, office_id, order.unit_id)
        unit_label = f"{unit.building} {unit.room}" if unit else ""
    return EmergencyView(
        order=order,
        report=report,
        events=events,
        arrivals=tuple(arrivals),
        unit_label=unit_label,
        drafted_by=users.get(report.drafted_by, "") if report.drafted_by else "",
        decided_by=users.get(report.decided_by, "") if report.decided_by else "",
    )


@dataclass(frozen=True)
class EmergencyLine:
    """One emergency in the list."""

    order_id: int
    number: str
    received_at: datetime
    incident_kind: str
    location: str
    report_state: str
    controlled_at: datetime | None
    duty: int
    arrived: int


def list_emergencies(
    session: Session, office_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[EmergencyLine], int]:
    """The office's emergencies, newest first, with their duty staff counts (two queries)."""
    base = (
        select(ServiceOrder, EmergencyReport)
        .join(EmergencyReport, col(EmergencyReport.order_id) == col(ServiceOrder.id))
        .where(
            col(ServiceOrder.office_id) == office_id,
            col(ServiceOrder.kind) == OrderKind.EMERGENCY,
        )
    )
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = session.execute(
        base.order_by(col(ServiceOrder.received_at).desc(), col(ServiceOrder.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [o.id for o, _ in rows]
    duty: dict[int, int] = dict(
        session.execute(
            select(col(ServiceHop.order_id), func.count(func.distinct(ServiceHop.staff_id)))
            .where(col(ServiceHop.order_id).in_(ids), col(ServiceHop.role) == HopRole.DUTY)
            .group_by(col(ServiceHop.order_id))
        ).all()
    )
    arrived: dict[int, int] = dict(
        session.execute(
            select(col(ServiceEvent.order_id), func.count(func.distinct(ServiceEvent.staff_id)))
            .where(
                col(ServiceEvent.order_id).in_(ids),
                col(ServiceEvent.action) == EventAction.ARRIVE,
            )
            .group_by(col(ServiceEvent.order_id))
        ).all()
    )
    return [
        EmergencyLine(
            order_id=o.id or 0,
            number=o.number,
            received_at=_utc(o.received_at) or o.received_at,
            incident_kind=r.incident_kind,
            location=o.location,
            report_state=r.state,
            controlled_at=_utc(r.controlled_at),
            duty=duty.get(o.id, 0),
            arrived=arrived.get(o.id, 0),
        )
        for o, r in rows
    ], total


def open_duty_orders(session: Session, office_id: int, staff_id: int) -> list[int]:
    """The emergencies a staff member is dispatched to and has not yet arrived at."""
    arrived = select(col(ServiceEvent.order_id)).where(
        col(ServiceEvent.action) == EventAction.ARRIVE, col(ServiceEvent.staff_id) == staff_id
    )
    return list(
        session.execute(
            select(col(ServiceHop.order_id))
            .join(ServiceOrder, col(ServiceOrder.id) == col(ServiceHop.order_id))
            .where(
                col(ServiceHop.office_id) == office_id,
                col(ServiceHop.staff_id) == staff_id,
                col(ServiceHop.role) == HopRole.DUTY,
                col(ServiceHop.end_at).is_(None),
                col(ServiceOrder.kind) == OrderKind.EMERGENCY,
                col(ServiceHop.order_id).not_in(arrived),
            )
            .order_by(col(ServiceHop.start_at).desc())
        ).scalars()
    )


# --- the steps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyIn:
    """What the front desk takes down when an emergency is reported."""

    incident_kind: str
    location: str = ""
    unit_id: int | None = None
    description: str = ""
    household: str = ""
    contact_phone: str = ""
    reported_at: datetime | None = None  # default: now; never later than now


def _order(ctx: Ctx, order_id: int) -> ServiceOrder:
    order = ctx.session.get(ServiceOrder, order_id)
    if order is None or order.office_id != ctx.actor.office_id:
        raise NotFound(N_("no such emergency"))
    if order.kind != OrderKind.EMERGENCY:
        raise NotFound(N_("no such emergency"))
    return order


def _report(ctx: Ctx, order_id: int) -> EmergencyReport:
    report: EmergencyReport = ctx.session.execute(
        select(EmergencyReport).where(col(EmergencyReport.order_id) == order_id)
    ).scalar_one()
    return report


def _bump(ctx: Ctx, order: ServiceOrder, version: int, **values: Any) -> str:
    """Move the order on, if nobody else did since the form was opened; returns the state it
    was in (the step's events record it as where they started from)."""
    before = str(order.state)
    if order.version != version:
        raise Conflict(STALE)
    result = ctx.session.execute(
        update(ServiceOrder)
        .where(col(ServiceOrder.id) == order.id, col(ServiceOrder.version) == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise Conflict(STALE)
    ctx.session.refresh(order)
    return before


def _event(ctx: Ctx, order: ServiceOrder, action: EventAction, **values: Any) -> ServiceEvent:
    now = ctx.now()
    details = values.pop("details", None)
    event = ServiceEvent(
        office_id=ctx.actor.office_id,
        order_id=order.id or 0,
        action=action,
        at=values.pop("at", now),
        from_state=values.pop("from_state", order.state),
        to_state=values.pop("to_state", order.state),
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        recorded_at=now,
        recorded_by=ctx.actor.user_id,
        **values,
    )
    ctx.session.add(event)
    ctx.session.flush()
    return event


@use_case
def report_emergency(ctx: Ctx, data: EmergencyIn) -> ServiceOrder:
    """Open the emergency's work order (front desk or manager) through the work orders'
    `receive`: its clock starts now (or at the earlier time the report came in)."""
    ctx.require(Permission.RECEIVE_SERVICE)
    errors = []
    if data.incident_kind not in INCIDENT_KINDS:
        errors.append(FieldError("incident_kind", N_("choose fire, injury or other")))
    if not data.location.strip() and data.unit_id is None:
        errors.append(FieldError("location", N_("say where: a unit or a place")))
    if not data.description.strip():
        errors.append(FieldError("description", N_("is required")))
    if len(data.description) > MAX_DESCRIPTION:
        errors.append(FieldError("description", N_("is longer than 2000 characters")))
    if len(data.location) > 100:
        errors.append(FieldError("location", N_("is longer than 100 characters")))
    if data.unit_id is not None and (
        residents.get_unit_in_office(ctx.session, ctx.actor.office_id, data.unit_id) is None
    ):
        errors.append(FieldError("unit_id", N_("no unit with this building and room")))
    if errors:
        raise ValidationFailed(errors)
    order = orders.receive(
        ctx,
        OrderIn(
            kind=OrderKind.EMERGENCY,
            channel=Channel.PHONE,
            severity=Severity.MAJOR,
            unit_id=data.unit_id,
            household=data.household.strip()[:50],
            contact_phone=data.contact_phone.strip()[:20],
            location=data.location.strip(),
            description=data.description.strip(),
            received_at=data.reported_at,
        ),
    )
    report = EmergencyReport(
        office_id=ctx.actor.office_id, order_id=order.id or 0, incident_kind=data.incident_kind
    )
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(
        ctx,
        "emergency.reported",
        "service_order",
        order.id,
        {"number": order.number, "incident_kind": data.incident_kind},
    )
    return order


@use_case
def dispatch_duty(
    ctx: Ctx, order_id: int, staff_ids: Sequence[int], *, version: int
) -> ServiceOrder:
    """Send one or more duty staff (第一时间通知…各相关部门值班员): one DUTY hop each."""
    ctx.require(Permission.DISPATCH_SERVICE)
    order = _order(ctx, order_id)
    if order.state in (OrderState.CLOSED, OrderState.CANCELLED):
        raise InvalidTransition(N_("this emergency is closed"))
    wanted = list(dict.fromkeys(int(s) for s in staff_ids))
    if not wanted:
        raise ValidationFailed.one("staff_ids", N_("choose at least one duty staff member"))
    staff = {
        s.id: s
        for s in ctx.session.execute(
            select(Staff).where(
                col(Staff.office_id) == ctx.actor.office_id, col(Staff.id).in_(wanted)
            )
        ).scalars()
    }
    if set(wanted) - set(staff):
        raise ValidationFailed.one("staff_ids", N_("not a staff member of the office"))
    held = set(
        ctx.session.execute(
            select(col(ServiceHop.staff_id)).where(
                col(ServiceHop.order_id) == order_id,
                col(ServiceHop.role) == HopRole.DUTY,
                col(ServiceHop.end_at).is_(None),
            )
        ).scalars()
    )
    new = [s for s in wanted if s not in held]
    if not new:
        raise ValidationFailed.one("staff_ids", N_("already dispatched"))
    to_state = OrderState.DISPATCHED if order.state == OrderState.RECEIVED else order.state
    before = _bump(ctx, order, version, state=to_state)
    for staff_id in new:
        event = _event(
            ctx, order, EventAction.DISPATCH, staff_id=staff_id, to_state=to_state,
            from_state=before,
            details={"role": HopRole.DUTY.value},
        )  # fmt: skip
        ctx.session.add(
            ServiceHop(
                office_id=ctx.actor.office_id,
                order_id=order_id,
                role=HopRole.DUTY,
                staff_id=staff_id,
                start_at=event.at,
                start_event_id=event.id or 0,
            )
        )
    ctx.session.flush()
    audit.record(ctx, "emergency.dispatched", "service_order", order_id, {"staff_ids": new})
    return order


@use_case
def check_in(ctx: Ctx, order_id: int, *, method: str, ref: str = "") -> ServiceEvent:
    """The duty staff member is on site: an ARRIVE event at the server's time of the tap.

    Only a staff member dispatched to this emergency as duty staff checks in, once; the time is
    never typed. Not versioned: several duty staff arrive at once, and each arrival stands."""
    order = _order(ctx, order_id)
    staff_id = ctx.actor.staff_id
    hop = None
    if staff_id is not None:
        hop = ctx.session.execute(
            select(ServiceHop).where(
                col(ServiceHop.order_id) == order_id,
                col(ServiceHop.role) == HopRole.DUTY,
                col(ServiceHop.staff_id) == staff_id,
                col(ServiceHop.end_at).is_(None),
            )
        ).scalar_one_or_none()
    if hop is None:
        raise Forbidden(N_("only the duty staff dispatched to this emergency check in on site"))
    if order.state in (OrderState.CLOSED, OrderState.CANCELLED):
        raise InvalidTransition(N_("this emergency is closed"))
    # The work orders' own check-in rules: the unit's QR code, a position (lat,lng).
    stored_ref = orders._check_in(order, method, ref)
    done = ctx.session.execute(
        select(col(ServiceEvent.id)).where(
            col(ServiceEvent.order_id) == order_id,
            col(ServiceEvent.action) == EventAction.ARRIVE,
            col(ServiceEvent.staff_id) == staff_id,
        )
    ).first()
    if done is not None:
        raise Conflict(N_("you have already checked in on site"))
    to_state = (
        OrderState.IN_PROGRESS
        if order.state in (OrderState.RECEIVED, OrderState.DISPATCHED, OrderState.ACCEPTED)
        else order.state
    )
    ctx.session.execute(
        update(ServiceOrder)
        .where(col(ServiceOrder.id) == order_id)
        .values(version=col(ServiceOrder.version) + 1, state=to_state)
        .execution_options(synchronize_session=False)
    )
    event = _event(
        ctx, order, EventAction.ARRIVE, staff_id=staff_id, to_state=to_state,
        checkin_method=method, checkin_ref=stored_ref,
    )  # fmt: skip
    ctx.session.refresh(order)
    audit.record(
        ctx, "emergency.arrived", "service_order", order_id,
        {"staff_id": staff_id, "at": event.at.isoformat(), "method": method},
    )  # fmt: skip
    return event


@use_case
def mark_controlled(ctx: Ctx, order_id: int, *, note: str = "", version: int) -> ServiceOrder:
    """The situation is under control: a HANDLE event at the server's time (the front desk, a
    manager, or a duty staff member who is on site)."""
    order = _order(ctx, order_id)
    view = get_emergency(ctx.session, ctx.actor.office_id, order_id)
    duty = view.duty_of(ctx.actor.staff_id)
    if not holds(ctx.actor, Permission.DISPATCH_SERVICE) and not (duty and duty.arrived_at):
        raise Forbidden(N_("only the front desk, a manager or duty staff on site record this"))
    if not any(a.arrived_at for a in view.arrivals):
        raise InvalidTransition(N_("no duty staff member has checked in on site yet"))
    if view.report.controlled_at is not None:
        raise InvalidTransition(N_("already recorded as under control"))
    now = ctx.now()
    before = _bump(ctx, order, version, state=OrderState.HANDLED, handled_at=now)
    _event(ctx, order, EventAction.HANDLE, to_state=OrderState.HANDLED, from_state=before,
           note=note.strip()[:2000], staff_id=ctx.actor.staff_id,
           details={"controlled": True})  # fmt: skip
    report = view.report
    report.controlled_at = now
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, "emergency.controlled", "service_order", order_id, {"at": now.isoformat()})
    return order


def _report_version(report: EmergencyReport, version: int) -> None:
    if report.version != version:
        raise Conflict(STALE)


@dataclass(frozen=True)
class ReportIn:
    """The 突发事件处理表's own words: the incident, its cause, the measures, the losses."""

    incident_kind: str
    cause: str
    measures: str
    losses: str


@use_case
def save_report(ctx: Ctx, order_id: int, data: ReportIn, *, version: int) -> EmergencyReport:
    """Draft (or, after a return, redraft) the report; once controlled."""
    ctx.require(Permission.DRAFT_EMERGENCY_REPORT)
    _order(ctx, order_id)
    report = _report(ctx, order_id)
    _report_version(report, version)
    if report.controlled_at is None:
        raise InvalidTransition(N_("record first that the emergency is under control"))
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise InvalidTransition(N_("the report is with the company leader"))
    errors = []
    if data.incident_kind not in INCIDENT_KINDS:
        errors.append(FieldError("incident_kind", N_("choose fire, injury or other")))
    for name, text, top in (
        ("cause", data.cause, 4000),
        ("measures", data.measures, 4000),
        ("losses", data.losses, 2000),
    ):
        if len(text) > top:
            errors.append(FieldError(name, N_("is too long")))
    if errors:
        raise ValidationFailed(errors)
    report.incident_kind = data.incident_kind
    report.cause, report.measures = data.cause.strip(), data.measures.strip()
    report.losses = data.losses.strip()
    report.state = ReportState.DRAFT
    report.drafted_by, report.drafted_at = ctx.actor.user_id, ctx.now()
    report.version += 1
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, "emergency_report.drafted", "emergency_report", report.id,
                 {"incident_kind": data.incident_kind})  # fmt: skip
    return report


@use_case
def submit_report(ctx: Ctx, order_id: int, *, version: int) -> EmergencyReport:
    """Hand the report to the company leader; cause, measures and losses are all written."""
    ctx.require(Permission.DRAFT_EMERGENCY_REPORT)
    _order(ctx, order_id)
    report = _report(ctx, order_id)
    _report_version(report, version)
    if report.state != ReportState.DRAFT or report.drafted_at is None:
        raise InvalidTransition(N_("draft the report first"))
    missing = [
        FieldError(name, N_("is required"))
        for name in ("cause", "measures", "losses")
        if not getattr(report, name).strip()
    ]
    if missing:
        raise ValidationFailed(missing)
    report.state = ReportState.SUBMITTED
    report.version += 1
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, "emergency_report.submitted", "emergency_report", report.id, {})
    return report


@use_case
def approve_report(ctx: Ctx, order_id: int, *, note: str = "", version: int) -> EmergencyReport:
    """The company leader approves the report (the director); the emergency is closed, and
    the approved report's PDF (in Chinese) is rendered and its SHA-256 kept on the report."""
    from compliance.service import emergency_pdf

    ctx.require(Permission.APPROVE_EMERGENCY_REPORT)
    order = _order(ctx, order_id)
    report = _report(ctx, order_id)
    _report_version(report, version)
    if report.state != ReportState.SUBMITTED:
        raise InvalidTransition(N_("only a submitted report is approved or returned"))
    now = ctx.now()
    report.state = ReportState.APPROVED
    report.decided_by, report.decided_at = ctx.actor.user_id, now
    report.decision_note = note.strip()[:1000]
    report.version += 1
    ctx.session.add(report)
    before = _bump(ctx, order, order.version, state=OrderState.CLOSED, closed_at=now)
    _event(ctx, order, EventAction.CLOSE, to_state=OrderState.CLOSED, from_state=before,
           details={"report": "approved"})  # fmt: skip
    ctx.session.flush()
    report.pdf_sha256 = emergency_pdf.sha256(emergency_pdf.render_for(ctx, order_id))
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, "emergency_report.approved", "emergency_report", report.id,
                 {"note": report.decision_note, "pdf_sha256": report.pdf_sha256})  # fmt: skip
    return report


@use_case
def return_report(ctx: Ctx, order_id: int, *, reason: str, version: int) -> EmergencyReport:
    """The company leader sends the report back, saying why; it is drafted again."""
    ctx.require(Permission.APPROVE_EMERGENCY_REPORT)
    _order(ctx, order_id)
    report = _report(ctx, order_id)
    _report_version(report, version)
    if report.state != ReportState.SUBMITTED:
        raise InvalidTransition(N_("only a submitted report is approved or returned"))
    if not reason.strip():
        raise ValidationFailed.one("reason", N_("say why the report goes back"))
    report.state = ReportState.RETURNED
    report.decided_by, report.decided_at = ctx.actor.user_id, ctx.now()
    report.decision_note = reason.strip()[:1000]
    report.version += 1
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, "emergency_report.returned", "emergency_report", report.id,
                 {"reason": report.decision_note})  # fmt: skip
    return report
