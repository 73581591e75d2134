"""`compliance service ...` work-order commands: list, show, receive, step, call, my.

They join the `service` sub-app of compliance.cli.service_clocks (`register`)."""

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from compliance.actors import Role
from compliance.cli.common import acting, console, parse_day, reports_errors
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.permissions import Permission
from compliance.service import calls, orders
from compliance.service.schemas import CallIn, OrderFilters, OrderIn, OrderRow
from compliance.validation import parse

AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]
STEPS = (
    "assign_manager",
    "dispatch",
    "transfer",
    "give_back",
    "accept",
    "arrive",
    "wait_resident",
    "resume",
    "handle",
    "reply",
    "contact",
    "follow_up",
    "rectify",
    "close",
    "reopen",
    "cancel",
)


def _local(ctx: Ctx, at: datetime | None) -> str:
    return at.astimezone(orders.office_zone(ctx)).strftime("%Y-%m-%d %H:%M") if at else ""


def _table(ctx: Ctx, rows: list[OrderRow]) -> Table:
    table = Table(
        "id", "number", "kind", "state", "received (local)", "unit", "manager", "executor"
    )
    for r in rows:
        table.add_row(
            str(r.id),
            r.number,
            r.kind,
            r.state,
            _local(ctx, r.received_at),
            r.unit_label or r.location,
            r.manager_name,
            r.executor_name,
        )
    return table


def list_(
    as_user: AsUser,
    state: Annotated[str | None, typer.Option(help="e.g. received, dispatched, handled")] = None,
    kind: Annotated[str | None, typer.Option(help="complaint, repair, housekeeping…")] = None,
    staff: Annotated[int | None, typer.Option(help="Staff id (manager or executor)")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="First office day")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last office day")] = None,
    text: Annotated[str | None, typer.Option(help="Number, household, phone, text")] = None,
    limit: int = 30,
) -> None:
    """The office's work orders, newest first."""
    with acting(as_user) as ctx:
        ctx.require(Permission.VIEW_SERVICE)
        filters = OrderFilters(
            state=state,
            kind=kind,
            staff_id=staff,
            date_from=parse_day(from_, "--from") if from_ else None,
            date_to=parse_day(to, "--to") if to else None,
            text=text,
        )
        rows, total = orders.list_orders(
            ctx.session, ctx.actor.office_id, filters=filters, limit=limit
        )
        console.print(_table(ctx, rows))
        console.print(f"{len(rows)} of {total}")


def show(order_id: int, as_user: AsUser) -> None:
    """One work order: its events (with their evidence) and hops."""
    with acting(as_user) as ctx:
        v = orders.get_order(ctx.session, ctx.actor.office_id, order_id, staff_id=_own(ctx))
        console.print(
            f"{v.number} [{v.state}] {v.kind}/{v.channel}/{v.severity} "
            f"{v.unit_label or v.location} received {_local(ctx, v.received_at)} "
            f"version {v.version} reopened {v.reopen_count}×"
        )
        console.print(v.description)
        events = Table("at (local)", "step", "from → to", "staff", "evidence", "note / reason")
        for e in v.events:
            evidence = " ".join(
                x
                for x in (
                    f"call {e.call_id}" if e.call_id else "",
                    f"photo {e.photo_file_id}" if e.photo_file_id else "",
                    f"{e.checkin_method}:{e.checkin_ref}" if e.checkin_method else "",
                )
                if x
            )
            events.add_row(
                _local(ctx, e.at),
                e.action,
                f"{e.from_state or '-'} → {e.to_state}",
                e.staff_name,
                evidence,
                " / ".join(x for x in (e.note, e.reason) if x),
            )
        console.print(events)
        hops = Table("role", "staff", "from", "to", "ended", "why")
        for h in v.hops:
            hops.add_row(
                h.role, h.staff_name, _local(ctx, h.start_at), _local(ctx, h.end_at),
                h.end_reason, h.reason,
            )  # fmt: skip
        console.print(hops)


def receive(
    as_user: AsUser,
    kind: Annotated[str, typer.Option(help="complaint, repair, housekeeping, emergency")],
    channel: Annotated[str, typer.Option(help="phone, counter, written, app")],
    description: Annotated[str, typer.Option(help="What the resident asked for")],
    unit: Annotated[int | None, typer.Option(help="Unit id")] = None,
    location: Annotated[str, typer.Option(help="A public area, when no unit")] = "",
    severity: str = "normal",
    complaint_class: Annotated[str, typer.Option(help="attitude, quality, …")] = "",
    household: str = "",
    phone: str = "",
    rings: Annotated[int | None, typer.Option(help="The call: rings to answer")] = None,
    seconds: Annotated[int | None, typer.Option(help="The call: seconds to answer")] = None,
    received_at: Annotated[str | None, typer.Option(help="ISO time with zone")] = None,
    late_reason: str = "",
) -> None:
    """Receive a work order (受理); with --rings/--seconds the phone call is logged with it."""
    data: dict[str, Any] = {
        "kind": kind,
        "channel": channel,
        "description": description,
        "unit_id": unit,
        "location": location,
        "severity": severity,
        "complaint_class": complaint_class,
        "household": household,
        "contact_phone": phone,
        "received_at": received_at,
        "late_reason": late_reason,
    }
    if rings is not None or seconds is not None:
        data["call"] = {"rings": rings, "answer_seconds": seconds, "caller_phone": phone}
    body = _parse(OrderIn, data)
    with acting(as_user) as ctx:
        order = orders.receive(ctx, body)
        console.print(f"work order {order.id} {order.number} received (version {order.version})")


def step(
    order_id: int,
    action: Annotated[str, typer.Argument(help=", ".join(STEPS))],
    as_user: AsUser,
    staff: Annotated[int | None, typer.Option(help="Staff id (assign, dispatch, transfer)")] = None,
    role: Annotated[str, typer.Option(help="executor, duty or manager")] = "executor",
    reason: str = "",
    note: str = "",
    method: Annotated[str | None, typer.Option(help="qr/position/counter; phone/…")] = None,
    ref: Annotated[str, typer.Option(help="The check-in: QR text or lat,lng")] = "",
    call: Annotated[int | None, typer.Option(help="Call id (the evidence)")] = None,
    photo: Annotated[int | None, typer.Option(help="Stored photo id")] = None,
    no_access: bool = False,
    deadline: Annotated[str | None, typer.Option(help="Rectification deadline")] = None,
    penalty: str = "",
    version: Annotated[int | None, typer.Option(help="Default: the current one")] = None,
) -> None:
    """Take one step on a work order (the life cycle decides who may, from which state)."""
    if action not in STEPS:
        raise ValidationFailed.one("action", "unknown step")
    with acting(as_user) as ctx:
        if version is None:
            version = orders.get_order(
                ctx.session, ctx.actor.office_id, order_id, staff_id=_own(ctx)
            ).version
        v = version

        def need_staff() -> int:
            if staff is None:
                raise ValidationFailed.one("--staff", "is required")
            return staff

        if action == "assign_manager":
            o = orders.assign_manager(ctx, order_id, need_staff(), version=v)
        elif action == "dispatch":
            o = orders.dispatch(ctx, order_id, need_staff(), role=role, version=v)
        elif action == "transfer":
            o = orders.transfer(ctx, order_id, need_staff(), role=role, reason=reason, version=v)
        elif action == "give_back":
            o = orders.give_back(ctx, order_id, reason=reason, version=v)
        elif action == "accept":
            o = orders.accept(ctx, order_id, version=v)
        elif action == "arrive":
            o = orders.arrive(ctx, order_id, method=method or "", ref=ref, version=v)
        elif action == "wait_resident":
            o = orders.wait_resident(ctx, order_id, note=note, call_id=call, version=v)
        elif action == "resume":
            o = orders.resume(ctx, order_id, note=note, version=v)
        elif action == "handle":
            o = orders.handle(
                ctx, order_id, note=note, photo_file_id=photo, no_access=no_access, version=v
            )
        elif action == "reply":
            o = orders.reply(
                ctx, order_id, note=note, method=method or "phone", call_id=call, version=v
            )
        elif action == "contact":
            o = orders.contact(ctx, order_id, note=note, call_id=call, method=method, version=v)
        elif action == "follow_up":
            o = orders.follow_up(ctx, order_id, note=note, call_id=call, method=method, version=v)
        elif action == "rectify":
            if deadline is None:
                raise ValidationFailed.one("--deadline", "is required")
            o = orders.rectify(
                ctx,
                order_id,
                deadline=parse_day(deadline, "--deadline"),
                penalty=penalty,
                note=note,
                version=v,
            )
        elif action == "close":
            o = orders.close(ctx, order_id, note=note, version=v)
        elif action == "reopen":
            o = orders.reopen(ctx, order_id, reason=reason, version=v)
        else:
            o = orders.cancel(ctx, order_id, reason=reason, version=v)
        console.print(f"work order {o.id} {o.number}: {o.state} (version {o.version})")


def call(
    as_user: AsUser,
    rings: Annotated[int | None, typer.Option(help="Rings before it was answered")] = None,
    seconds: Annotated[int | None, typer.Option(help="Seconds before it was answered")] = None,
    missed: bool = False,
    out: Annotated[bool, typer.Option(help="An outgoing call (reply, follow-up)")] = False,
    staff: Annotated[int | None, typer.Option(help="Answered by (staff id)")] = None,
    unit: Annotated[int | None, typer.Option(help="The caller's unit id")] = None,
    phone: str = "",
    purpose: str = "",
    order: Annotated[int | None, typer.Option(help="The work order it belongs to")] = None,
    at: Annotated[str | None, typer.Option(help="ISO time with zone (default now)")] = None,
) -> None:
    """Log a call at the front desk."""
    body = _parse(
        CallIn,
        {
            "rings": rings,
            "answer_seconds": seconds,
            "answered": not missed,
            "direction": "out" if out else "in",
            "answered_by_staff_id": staff,
            "unit_id": unit,
            "caller_phone": phone,
            "purpose": purpose,
            "order_id": order,
            "called_at": at,
        },
    )
    with acting(as_user) as ctx:
        c = calls.record_call(ctx, body)
        console.print(f"call {c.id} logged")


def my(as_user: AsUser) -> None:
    """The acting staff member's work orders, what needs them first."""
    with acting(as_user) as ctx:
        rows = orders.my_orders(ctx.session, ctx.actor.office_id, ctx.actor.staff_id or -1)
        console.print(_table(ctx, rows))


def _own(ctx: Ctx) -> int | None:
    """A staff user reads only the orders they held (-1: an account with no staff record)."""
    if ctx.actor.role != Role.STAFF:
        return None
    return ctx.actor.staff_id if ctx.actor.staff_id is not None else -1


def _parse(model: Any, data: dict[str, Any]) -> Any:
    return parse(model, {k: v for k, v in data.items() if v is not None})


def register(app: typer.Typer) -> None:
    """Add the work-order commands to the `service` sub-app."""
    app.command("orders")(reports_errors(list_))
    app.command("show")(reports_errors(show))
    app.command("receive")(reports_errors(receive))
    app.command("step")(reports_errors(step))
    app.command("call")(reports_errors(call))
    app.command("my")(reports_errors(my))
