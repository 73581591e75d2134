"""Service records as evidence of a missed service standard (compliance.flows.service_clocks):
the work order, the events of its clock, the call, the lobby notice."""

from collections.abc import Callable, Collection
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.i18n import gettext
from compliance.residents.models import Unit
from compliance.service import labels
from compliance.service.models import LobbyNotice, ServiceCall, ServiceEvent, ServiceOrder
from compliance.staff.models import Staff

# What each step on a work order is called when printed (English msgids; the catalog has the
# Chinese).
ACTION = {
    "receive": N_("the work order was received"),
    "assign_manager": N_("a manager was assigned"),
    "dispatch": N_("the work order was dispatched"),
    "transfer": N_("the work order was transferred"),
    "return": N_("the work order was given back"),
    "accept": N_("the work order was accepted"),
    "arrive": N_("arrived on site (check-in)"),
    "wait_resident": N_("waiting on the resident (contact recorded)"),
    "resume": N_("work resumed"),
    "handle": N_("the work was done"),
    "reply": N_("the resident was answered"),
    "contact": N_("the resident was contacted"),
    "follow_up": N_("the resident was followed up"),
    "rectify": N_("rectification deadline and penalty decided"),
    "close": N_("the work order was closed"),
    "reopen": N_("the work order was reopened"),
    "cancel": N_("the work order was cancelled"),
    "note": N_("a note on the work order"),
}


def _order_query(office_id: int, ids: Collection[int]) -> Select[*tuple[Any, ...]]:
    # An order with its unit (when it has one), to name it "FW-… · 报修 · 3栋 1203".
    return (
        select(ServiceOrder, Unit)
        .outerjoin(Unit, col(Unit.id) == col(ServiceOrder.unit_id))
        .where(col(ServiceOrder.id).in_(ids), col(ServiceOrder.office_id) == office_id)
    )


def _event_query(office_id: int, ids: Collection[int]) -> Select[*tuple[Any, ...]]:
    # A step with the staff member it is about (who replied, arrived, ...).
    return (
        select(ServiceEvent, Staff)
        .outerjoin(Staff, col(Staff.id) == col(ServiceEvent.staff_id))
        .where(col(ServiceEvent.id).in_(ids), col(ServiceEvent.office_id) == office_id)
    )


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _unit(u: Any) -> str:
    return f"{u.building} {u.room}" if u is not None else ""


def say_order(row: tuple[ServiceOrder, Any], lang: str, tz: tzinfo) -> tuple[datetime, str]:
    """A work order as the findings pages name it: its number, kind and unit (or place)."""
    o, u = row
    where = _unit(u) or o.location
    return o.received_at, _join(o.number, labels.label("kind", o.kind, lang), where)


def say_event(row: tuple[ServiceEvent, Any], lang: str, tz: tzinfo) -> tuple[datetime, str]:
    """A step as the findings pages name it: its action in words, its time, who."""
    e, staff = row
    when = e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    who = staff.name if staff is not None else ""
    return e.at, _join(f"{labels.label('action', e.action, lang)} {when}", who)


def say_call(r: ServiceCall, lang: str, tz: tzinfo) -> tuple[datetime, str]:
    """A call as the findings pages name it: its time and how many rings."""
    rings = "—" if r.rings is None else str(r.rings)
    when = r.called_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return r.called_at, _join(when, gettext(lang, N_("%(rings)s rings"), rings=rings), r.purpose)


# How the findings pages name these records (the work order by its number, not its id) and
# where a work order is opened.
Say = Callable[[Any, str, tzinfo], tuple[datetime | None, str]]
SAY: dict[str, Say] = {
    "service_order": say_order,
    "service_event": say_event,
    "service_call": say_call,
}
REF: dict[str, Callable[[Any], str]] = {"service_order": lambda row: str(row[0].number)}
HREF: dict[str, Callable[[Any], str]] = {
    "service_order": lambda row: f"/service/orders/{row[0].id}"
}


def _print_orders(job: PrintJob) -> list[Printed]:
    p = job.printer
    orders: dict[int, Any] = ORDER.load(job.session, job.office_id, job.refs.get(ORDER.key, set()))
    events: dict[int, Any] = EVENT.load(job.session, job.office_id, job.refs.get(EVENT.key, set()))
    by_order: dict[int, list[Any]] = {}
    for e, staff in sorted(events.values(), key=lambda r: (r[0].at, r[0].id)):
        by_order.setdefault(e.order_id, []).append((e, staff))
    out = []
    for o, _unit_row in orders.values():
        lines = [
            p.gettext(
                N_("work order %(number)s, received %(received)s"),
                number=o.number,
                received=p.dt(o.received_at),
            )
        ]
        if o.description:
            lines.append(p.mask(o.description))
        for e, staff in by_order.get(o.id, []):
            who = f" · {staff.name}" if staff is not None else ""
            lines.append(
                f"{p.dt(e.at)} {p.gettext(ACTION.get(e.action, N_('a note on the work order')))}"
                + who
            )
        out.append(Printed(o.received_at, o.id, tuple(lines)))
    return out


def _print_calls(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows: dict[int, Any] = CALL.load(job.session, job.office_id, job.refs.get(CALL.key, set()))
    return [
        Printed(
            r.called_at,
            r.id,
            (
                p.gettext(
                    N_("call at %(at)s, answered after %(rings)s rings / %(seconds)s s"),
                    at=p.dt(r.called_at),
                    rings="—" if r.rings is None else r.rings,
                    seconds="—" if r.answer_seconds is None else r.answer_seconds,
                ),
            ),
        )
        for r in rows.values()
    ]


def _print_notices(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows: dict[int, Any] = NOTICE.load(job.session, job.office_id, job.refs.get(NOTICE.key, set()))
    return [
        Printed(
            r.detected_at,
            r.id,
            (
                p.gettext(
                    N_("lobby notice on %(topic)s: detected %(detected)s, posted %(posted)s"),
                    topic=p.mask(r.topic),
                    detected=p.dt(r.detected_at),
                    posted=p.dt(r.posted_at),
                ),
            ),
        )
        for r in rows.values()
    ]


ORDER = Kind(
    key="service_order",
    model=ServiceOrder,
    label_en="Service work order",
    page_label=N_("Service work order"),
    noun="service work order",
    query=_order_query,
    show=lambda r: Shown(r[0].received_at, f"{r[0].number} · {r[0].description.strip()}"),
    recorder=lambda r: r[0].received_by,
    print=_print_orders,
)

EVENT = Kind(
    key="service_event",
    model=ServiceEvent,
    label_en="Work order step",
    page_label=N_("Work order step"),
    noun="work order step",
    query=_event_query,
    show=lambda r: Shown(r[0].at, r[0].note.strip()),
    recorder=lambda r: r[0].recorded_by,
    print=None,
    printed_with="service_order",
)

CALL = Kind(
    key="service_call",
    model=ServiceCall,
    label_en="Front-desk call",
    page_label=N_("Front-desk call"),
    noun="front-desk call",
    query=in_office(ServiceCall),
    show=lambda r: Shown(r.called_at, r.purpose.strip()),
    recorder=lambda r: r.created_by,
    print=_print_calls,
)

NOTICE = Kind(
    key="lobby_notice",
    model=LobbyNotice,
    label_en="Lobby notice",
    page_label=N_("Lobby notice"),
    noun="lobby notice",
    query=in_office(LobbyNotice),
    show=lambda r: Shown(r.posted_at or r.detected_at, r.topic),
    recorder=lambda r: None,
    print=_print_notices,
)
