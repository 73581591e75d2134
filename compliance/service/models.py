"""Service standards records (rulebook articles 2–3, SPEC §11): work orders with their events
and hops, the front desk's call log, emergency reports, return visits, lobby notices, fees, and
the evaluated clocks.

A work order's events are append-only and are the evidence: its state, holder and timestamps
on `service_order` are a convenience for lists, derived from the events when they are written.
A clock stops only on an event that carries evidence (a reply recorded, a check-in, a contact
with its call), never on a typed state.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class OrderKind(StrEnum):
    """What the resident asked for (服务工作单的类别)."""

    COMPLAINT = "complaint"
    REPAIR = "repair"
    HOUSEKEEPING = "housekeeping"
    EMERGENCY = "emergency"


class Channel(StrEnum):
    """How the request reached the office."""

    PHONE = "phone"
    COUNTER = "counter"
    WRITTEN = "written"
    APP = "app"


class Severity(StrEnum):
    """How serious the request is: 一般 / 重要 / 重大."""

    NORMAL = "normal"
    IMPORTANT = "important"
    MAJOR = "major"


class ComplaintClass(StrEnum):
    """A complaint's class; attitude complaints have a clock of their own (article 2.2(3))."""

    NONE = ""
    ATTITUDE = "attitude"
    QUALITY = "quality"
    ENVIRONMENT = "environment"
    SECURITY = "security"
    NOISE = "noise"
    FEES = "fees"
    OTHER = "other"


class OrderState(StrEnum):
    """受理 → 派单 → 接单 → 处理中 ⇄ 等待住户 → 已处理 → 待回访 → 已关闭 (or 已取消)."""

    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    WAITING_RESIDENT = "waiting_resident"
    HANDLED = "handled"
    AWAITING_REVISIT = "awaiting_revisit"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class EventAction(StrEnum):
    """One step on a work order. Each is one append-only `service_event` row."""

    RECEIVE = "receive"  # the order is opened at the front desk
    ASSIGN_MANAGER = "assign_manager"  # a manager made responsible (the 10-minute clock)
    DISPATCH = "dispatch"  # an executor (or duty staff) sent
    TRANSFER = "transfer"  # 转单: handed to another holder
    RETURN = "return"  # 退单: the executor gives it back, with a reason
    ACCEPT = "accept"  # 接单
    ARRIVE = "arrive"  # on site: a check-in (unit QR, position or the counter), not a typed time
    WAIT_RESIDENT = "wait_resident"  # paused: waiting on the resident, with the contact recorded
    RESUME = "resume"
    HANDLE = "handle"  # 已处理: the work done (photo for repairs and housekeeping)
    REPLY = "reply"  # the resident answered (当日回复): who, how, what was said
    CONTACT = "contact"  # a contact with the resident (weekly on long-running complaints)
    FOLLOW_UP = "follow_up"  # the follow-up within 3 days of handling
    RECTIFY = "rectify"  # attitude complaint: rectification deadline and penalty decision
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"
    NOTE = "note"


class ServiceOrder(SQLModel, table=True):
    """A service work order (服务工作单): a complaint, repair, housekeeping request or emergency."""

    __tablename__ = "service_order"
    __table_args__ = (
        UniqueConstraint("office_id", "number"),
        Index("ix_service_order_office_received", "office_id", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    number: str = Field(max_length=24)
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    severity: str = Field(default=Severity.NORMAL, max_length=16)
    complaint_class: str = Field(default="", max_length=16)
    unit_id: int | None = fk("unit.id", nullable=True)
    household: str = Field(default="", max_length=50)  # who asked: name as given
    contact_phone: str = Field(default="", max_length=20)
    location: str = Field(default="", max_length=100)  # a public area when no unit
    description: str = Field(default="", max_length=2000)
    # Fixed once entered: the clocks start here.
    received_at: datetime = utc_field()
    received_by: int | None = fk("user.id", nullable=True, index=False)
    # Derived from the events (for lists); the events are the record.
    state: str = Field(default=OrderState.RECEIVED, max_length=20, index=True)
    manager_staff_id: int | None = fk("staff.id", nullable=True)
    executor_staff_id: int | None = fk("staff.id", nullable=True)
    handled_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    reopen_count: int = 0
    cancel_reason: str = Field(default="", max_length=500)
    # Bumped on every event: a form opened on an older version is refused, not applied.
    version: int = 1
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class ServiceEvent(SQLModel, table=True):
    """One append-only step on a work order, with its evidence."""

    __tablename__ = "service_event"
    __table_args__ = (
        Index("ix_service_event_order_at", "order_id", "at"),
        # The period's steps of one kind (reopens, follow-ups) without reading every step.
        Index("ix_service_event_office_action_at", "office_id", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    order_id: int = fk("service_order.id", index=False)
    action: str = Field(max_length=20)
    # When it happened. For a check-in it is the server's time of the check-in.
    at: datetime = utc_field()
    from_state: str = Field(default="", max_length=20)
    to_state: str = Field(default="", max_length=20)
    # The staff member the step is about: the one assigned, dispatched, arriving, replying.
    staff_id: int | None = fk("staff.id", nullable=True)
    note: str = Field(default="", max_length=2000)
    reason: str = Field(default="", max_length=500)
    # Evidence: the call the contact was made on, a photo, a check-in.
    call_id: int | None = fk("service_call.id", nullable=True, index=False)
    photo_file_id: int | None = fk("stored_file.id", nullable=True, index=False)
    checkin_method: str = Field(default="", max_length=16)  # "qr", "position", "counter"
    checkin_ref: str = Field(default="", max_length=200)
    # Step-specific facts as JSON: a rectification deadline, a reply channel, who was waited on.
    details: str = Field(default="{}", max_length=4000)
    recorded_at: datetime = utc_field()
    recorded_by: int | None = fk("user.id", nullable=True, index=False)


class HopRole(StrEnum):
    """What the holder of a hop answers for."""

    MANAGER = "manager"  # the responsible manager (assignment, replies)
    EXECUTOR = "executor"  # the one doing the work (arrival, handling)
    DUTY = "duty"  # emergency duty staff


class ServiceHop(SQLModel, table=True):
    """Who held a work order, in one role, from when to when, and why it moved (转单/退单)."""

    __tablename__ = "service_hop"
    __table_args__ = (Index("ix_service_hop_order", "order_id", "role", "start_at"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    order_id: int = fk("service_order.id", index=False)
    role: str = Field(max_length=16)
    staff_id: int = fk("staff.id")
    start_at: datetime = utc_field()
    end_at: datetime | None = utc_field(nullable=True)
    start_event_id: int = fk("service_event.id", index=False)
    end_event_id: int | None = fk("service_event.id", nullable=True, index=False)
    # Why the hop ended: "transfer", "return", "closed", "cancelled".
    end_reason: str = Field(default="", max_length=500)


class ServiceCall(SQLModel, table=True):
    """A front-desk call: answered in how many rings (or seconds), about what, which order."""

    __tablename__ = "service_call"
    __table_args__ = (
        UniqueConstraint("office_id", "source_key"),
        Index("ix_service_call_office_at", "office_id", "called_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    called_at: datetime = utc_field()
    direction: str = Field(default="in", max_length=4)  # "in" or "out" (a follow-up call)
    answered: bool = True
    rings: int | None = None
    answer_seconds: int | None = None
    duration_seconds: int | None = None
    answered_by_staff_id: int | None = fk("staff.id", nullable=True)
    caller_phone: str = Field(default="", max_length=20)
    unit_id: int | None = fk("unit.id", nullable=True, index=False)
    purpose: str = Field(default="", max_length=500)
    order_id: int | None = fk("service_order.id", nullable=True)
    source: str = Field(default="entered", max_length=16)  # "entered" or "import"
    # The phone system's own id of the call (or a digest of its row): a re-import skips it.
    source_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class ReportState(StrEnum):
    """The 突发事件处理表: drafted, submitted to a company leader, approved or sent back."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class EmergencyReport(SQLModel, table=True):
    """The incident report (突发事件处理表) of an emergency work order."""

    __tablename__ = "emergency_report"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    order_id: int = Field(foreign_key="service_order.id", unique=True)
    incident_kind: str = Field(max_length=16)  # "fire", "injury", "other"
    controlled_at: datetime | None = utc_field(nullable=True)
    cause: str = Field(default="", max_length=4000)
    measures: str = Field(default="", max_length=4000)
    losses: str = Field(default="", max_length=2000)
    state: str = Field(default=ReportState.DRAFT, max_length=16)
    drafted_by: int | None = fk("user.id", nullable=True, index=False)
    drafted_at: datetime | None = utc_field(nullable=True)
    decided_by: int | None = fk("user.id", nullable=True, index=False)
    decided_at: datetime | None = utc_field(nullable=True)
    decision_note: str = Field(default="", max_length=1000)
    pdf_sha256: str = Field(default="", max_length=64)
    version: int = 1


class ReturnVisit(SQLModel, table=True):
    """A return visit (回访): household, work order if any, how, who, rating 1–5 and comments."""

    __tablename__ = "return_visit"
    __table_args__ = (Index("ix_return_visit_office_at", "office_id", "visited_at"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    unit_id: int = fk("unit.id")
    order_id: int | None = fk("service_order.id", nullable=True)
    method: str = Field(max_length=16)  # "phone" or "in_person"
    visitor_staff_id: int = fk("staff.id")
    visited_at: datetime = utc_field()
    # 5 very satisfied … 1 very dissatisfied; None when the household gave no valid answer.
    rating: int | None = None
    comments: str = Field(default="", max_length=2000)
    # The issue raised, as a short topic the office keeps ("电梯噪音"): a majority of households
    # of a building (or the estate) raising the same topic calls for a lobby notice.
    topic: str = Field(default="", max_length=50, index=True)
    call_id: int | None = fk("service_call.id", nullable=True, index=False)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class LobbyNotice(SQLModel, table=True):
    """A written notice on the lobby board (大堂公告栏) answering what most households raised."""

    __tablename__ = "lobby_notice"
    __table_args__ = (UniqueConstraint("office_id", "building", "topic", "detected_at"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    building: str = Field(default="", max_length=20)  # "" = the whole estate
    topic: str = Field(max_length=50)
    households_raising: int
    households_visited: int
    households_total: int
    detected_at: datetime = utc_field()
    posted_at: datetime | None = utc_field(nullable=True)
    posted_by_staff_id: int | None = fk("staff.id", nullable=True)
    photo_file_id: int | None = fk("stored_file.id", nullable=True, index=False)
    text: str = Field(default="", max_length=4000)
    responsible_staff_id: int | None = fk("staff.id", nullable=True)


class FeeItem(StrEnum):
    """What a household is billed for each quarter."""

    MANAGEMENT = "management"
    WATER = "water"
    ELECTRICITY = "electricity"


class FeeBill(SQLModel, table=True):
    """A receivable: one household, one quarter, one item, in fen."""

    __tablename__ = "fee_bill"
    __table_args__ = (UniqueConstraint("office_id", "unit_id", "quarter", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    unit_id: int = fk("unit.id")
    quarter: str = Field(max_length=7, index=True)  # "2026-Q3"
    item: str = Field(max_length=16)
    amount_fen: int
    due_on: date
    source: str = Field(default="entered", max_length=16)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class FeePayment(SQLModel, table=True):
    """A payment received from a household against a quarter's bills, in fen."""

    __tablename__ = "fee_payment"
    __table_args__ = (UniqueConstraint("office_id", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    unit_id: int = fk("unit.id")
    quarter: str = Field(max_length=7, index=True)
    item: str = Field(default="", max_length=16)  # "" = against the quarter's bills as a whole
    paid_at: datetime = utc_field()
    amount_fen: int
    receipt_no: str = Field(default="", max_length=40)
    source: str = Field(default="entered", max_length=16)
    source_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class FeeContact(SQLModel, table=True):
    """A reminder sent to a household, an objection it raised, the office's reply."""

    __tablename__ = "fee_contact"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    unit_id: int = fk("unit.id")
    quarter: str = Field(max_length=7)
    kind: str = Field(max_length=16)  # "reminder", "objection", "reply", "escalated"
    at: datetime = utc_field()
    staff_id: int | None = fk("staff.id", nullable=True)
    note: str = Field(default="", max_length=2000)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class ClockState(StrEnum):
    """Where a clock stands when evaluated."""

    RUNNING = "running"
    MET = "met"
    BREACHED = "breached"
    EXCUSED = "excused"  # breached, but by the resident (no access, waiting) or the office


class ServiceClock(SQLModel, table=True):
    """One standard's clock on one subject (a work order, an emergency, a notice, a month), as
    last evaluated: the dashboard and the warnings read these rows.

    Rewritten by each evaluation (compliance.flows.service_clocks); the breach itself is
    kept as a finding, which is the record.
    """

    __tablename__ = "service_clock"
    __table_args__ = (
        UniqueConstraint("office_id", "standard", "subject_key"),
        Index("ix_service_clock_office_started", "office_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    standard: str = Field(max_length=8)  # "S01" … from policies.service
    standard_version: str = Field(max_length=16)
    subject_key: str = Field(max_length=64)  # "order:12", "call:7", "notice:3", "month:2026-10"
    order_id: int | None = fk("service_order.id", nullable=True, index=False)
    started_at: datetime = utc_field()
    due_at: datetime | None = utc_field(nullable=True)
    stopped_at: datetime | None = utc_field(nullable=True)
    state: str = Field(max_length=16)
    elapsed_seconds: int = 0
    paused_seconds: int = 0
    # Who held it when it was breached (the hop), or who holds it now while it runs.
    holder_staff_id: int | None = fk("staff.id", nullable=True, index=False)
    excuse: str = Field(default="", max_length=32)
    finding_id: int | None = fk("finding.id", nullable=True, index=False)
    evaluated_at: datetime = utc_field()


__all__ = [
    "Channel",
    "ClockState",
    "ComplaintClass",
    "EmergencyReport",
    "EventAction",
    "FeeBill",
    "FeeContact",
    "FeeItem",
    "FeePayment",
    "HopRole",
    "LobbyNotice",
    "OrderKind",
    "OrderState",
    "ReportState",
    "ReturnVisit",
    "ServiceCall",
    "ServiceClock",
    "ServiceEvent",
    "ServiceHop",
    "ServiceOrder",
    "Severity",
]
