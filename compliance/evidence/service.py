"""Service records as evidence of a missed service standard (compliance.flows.service_clocks):
the work order, the events of its clock, the call, the lobby notice."""

from typing import Any

from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.service.models import LobbyNotice, ServiceCall, ServiceEvent, ServiceOrder

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


def _print_orders(job: PrintJob) -> list[Printed]:
    p = job.printer
    orders: dict[int, Any] = ORDER.load(job.session, job.office_id, job.refs.get(ORDER.key, set()))
    events: dict[int, Any] = EVENT.load(job.session, job.office_id, job.refs.get(EVENT.key, set()))
    by_order: dict[int, list[Any]] = {}
    for e in sorted(events.values(), key=lambda e: (e.at, e.id)):
        by_order.setdefault(e.order_id, []).append(e)
    out = []
    for o in orders.values():
        lines = [
            p.gettext(
                N_("work order %(number)s, received %(received)s"),
                number=o.number,
                received=p.dt(o.received_at),
            )
        ]
        if o.description:
            lines.append(p.mask(o.description))
        for e in by_order.get(o.id, []):
            lines.append(
                f"{p.dt(e.at)} {p.gettext(ACTION.get(e.action, N_('a note on the work order')))}"
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
    query=in_office(ServiceOrder),
    show=lambda r: Shown(r.received_at, f"{r.number} · {r.description.strip()}"),
    recorder=lambda r: r.received_by,
    print=_print_orders,
)

EVENT = Kind(
    key="service_event",
    model=ServiceEvent,
    label_en="Work order step",
    page_label=N_("Work order step"),
    noun="work order step",
    query=in_office(ServiceEvent),
    show=lambda r: Shown(r.at, r.note.strip()),
    recorder=lambda r: r.recorded_by,
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
