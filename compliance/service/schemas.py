"""Input and output shapes of the work orders and the call log."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.i18n import N_
from compliance.service.models import Channel, ComplaintClass, HopRole, OrderKind, Severity
from compliance.validation import AwareDatetime, Input, RecordId

Text = str
Version = int


class CallIn(Input):
    """A front-desk call as entered (or the phone call an order is opened from).

    An answered incoming call says how fast: rings and/or seconds to answer (S01). An
    outgoing call (a reply, a follow-up) needs neither. `called_at` defaults to now (or, for
    the call an order is opened from, to the order's received time).
    """

    called_at: AwareDatetime | None = None
    direction: Literal["in", "out"] = "in"
    answered: bool = True
    rings: int | None = Field(default=None, ge=0, le=99)
    answer_seconds: int | None = Field(default=None, ge=0, le=3600)
    duration_seconds: int | None = Field(default=None, ge=0, le=86_400)
    answered_by_staff_id: RecordId | None = None
    caller_phone: str = Field(default="", max_length=20)
    unit_id: RecordId | None = None
    purpose: str = Field(default="", max_length=500)
    order_id: RecordId | None = None

    @model_validator(mode="after")
    def _how_fast(self) -> "CallIn":
        if (
            self.direction == "in"
            and self.answered
            and self.rings is None
            and self.answer_seconds is None
        ):
            raise ValueError(
                "rings: " + N_("an answered call says how many rings (or seconds) it took")
            )
        return self


class CallRead(BaseModel):
    """A call as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    called_at: datetime
    direction: str
    answered: bool
    rings: int | None
    answer_seconds: int | None
    duration_seconds: int | None
    answered_by_staff_id: int | None
    caller_phone: str
    unit_id: int | None
    purpose: str
    order_id: int | None
    source: str


class OrderIn(Input):
    """A work order as the front desk receives it.

    `received_at` is typed only here (default: now) and fixed afterwards: not in the future,
    and more than RECEIVED_LATE_AFTER (24 h) back only with `late_reason` (a paper order
    entered the next day). `call` is the phone call it came in on, logged with it.
    """

    kind: OrderKind
    channel: Channel
    severity: Severity = Severity.NORMAL
    complaint_class: ComplaintClass = ComplaintClass.NONE
    unit_id: RecordId | None = None
    household: str = Field(default="", max_length=50)
    contact_phone: str = Field(default="", max_length=20)
    location: str = Field(default="", max_length=100)
    description: str = Field(min_length=1, max_length=2000)
    received_at: AwareDatetime | None = None
    late_reason: str = Field(default="", max_length=500)
    call: CallIn | None = None

    @model_validator(mode="after")
    def _where(self) -> "OrderIn":
        if self.unit_id is None and not self.location:
            raise ValueError("location: " + N_("give the unit or the place (a public area)"))
        if self.kind != OrderKind.COMPLAINT and self.complaint_class != ComplaintClass.NONE:
            raise ValueError("complaint_class: " + N_("only a complaint has a complaint class"))
        if self.call is not None and self.channel != Channel.PHONE:
            raise ValueError("call: " + N_("only an order received by phone comes with a call"))
        return self


class OrderFilters(BaseModel):
    """What list_orders narrows to; the dates are office days (inclusive), in its zone."""

    state: str | None = None
    states: tuple[str, ...] = ()
    kind: str | None = None
    severity: str | None = None
    staff_id: int | None = None  # the manager or executor (any hop, held now or before)
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None  # number, household, phone, location or description


class OrderRow(BaseModel):
    """One line of a list of work orders."""

    id: int
    number: str
    kind: str
    channel: str
    severity: str
    complaint_class: str
    state: str
    unit_id: int | None
    unit_label: str
    location: str
    household: str
    contact_phone: str
    description: str
    received_at: datetime
    handled_at: datetime | None
    closed_at: datetime | None
    manager_staff_id: int | None
    manager_name: str
    executor_staff_id: int | None
    executor_name: str
    reopen_count: int
    version: int


class EventView(BaseModel):
    """One step as recorded, with its evidence and the names behind its ids."""

    id: int
    action: str
    at: datetime
    from_state: str
    to_state: str
    staff_id: int | None
    staff_name: str
    note: str
    reason: str
    call_id: int | None
    photo_file_id: int | None
    checkin_method: str
    checkin_ref: str
    details: dict[str, object]
    recorded_at: datetime
    recorded_by: int | None
    recorded_by_name: str


class HopView(BaseModel):
    """Who held the order in one role, from when to when, and why it ended."""

    id: int
    role: str
    staff_id: int
    staff_name: str
    start_at: datetime
    end_at: datetime | None
    start_event_id: int
    end_event_id: int | None
    end_reason: str  # "transfer", "return", "closed", "cancelled", "reopened" ("" = held now)
    reason: str  # what the person wrote when it ended (转单/退单 reason)


class OrderView(OrderRow):
    """A work order with all its events and hops (oldest first)."""

    received_by: int | None
    cancel_reason: str
    office_id: int
    events: list[EventView]
    hops: list[HopView]
    calls: list[CallRead]


# --- the JSON API's bodies for each step --------------------------------------------------


class Step(Input):
    """Every step names the version of the order the form was opened on."""

    version: Version = Field(ge=1)


class AssignIn(Step):
    staff_id: RecordId


class DispatchIn(Step):
    staff_id: RecordId
    role: Literal["executor", "duty"] = "executor"


class TransferIn(Step):
    staff_id: RecordId
    role: HopRole = HopRole.EXECUTOR
    reason: str = Field(min_length=1, max_length=500)


class ReasonIn(Step):
    reason: str = Field(min_length=1, max_length=500)


class ArriveIn(Step):
    method: Literal["qr", "position", "counter"]
    ref: str = Field(default="", max_length=200)


class WaitIn(Step):
    note: str = Field(min_length=1, max_length=2000)
    call_id: RecordId | None = None


class HandleIn(Step):
    note: str = Field(default="", max_length=2000)
    photo_file_id: RecordId | None = None
    no_access: bool = False


class ReplyIn(Step):
    note: str = Field(min_length=1, max_length=2000)
    method: Literal["phone", "in_person", "written"] = "phone"
    call_id: RecordId | None = None


class ContactIn(Step):
    note: str = Field(min_length=1, max_length=2000)
    call_id: RecordId | None = None
    method: Literal["phone", "in_person", "written"] | None = None


class RectifyIn(Step):
    deadline: date
    penalty: str = Field(min_length=1, max_length=500)
    note: str = Field(default="", max_length=2000)


class CloseIn(Step):
    note: str = Field(default="", max_length=2000)
