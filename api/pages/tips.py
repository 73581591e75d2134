"""The cashier's desk: tips handed over with a countersignature, and printable receipts."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, csrf_checked, require
from api.pages.forms import FormPage, local_datetime, present, remember_form, yuan_to_fen
from api.templating import render
from compliance.context import Ctx
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind, judged_query, shown_judgment
from compliance.money import format_fen
from compliance.permissions import Permission
from compliance.residents.service import list_units
from compliance.staff.service import list_staff
from compliance.tips import service
from compliance.tips.schemas import TipReportChoice

router = APIRouter(include_in_schema=False)
CASHIER = require(Permission.KEEP_TIP_DESK)
RECEIPT_READERS = require(Permission.VIEW_TIP_DESK)


def _desk(ctx: Ctx) -> dict[str, Any]:
    pending, done = service.desk(ctx)
    staff = list_staff(ctx, status="active")
    units = list_units(ctx)
    return {
        "pending": pending,
        "done": done,
        "signers": [(u.id, u.display_name) for u in service.countersigners(ctx)],
        "staff_options": [(s.id, f"{s.employee_no} {s.name}") for s in staff],
        "unit_options": [(u.id, f"{u.building} {u.room}") for u in units],
        "report_options": [(r.id, _report_label(ctx, r)) for r in service.tip_reports(ctx)],
    }


def _report_label(ctx: Ctx, r: TipReportChoice) -> str:
    when = r.occurred_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
    amount = f" · {format_fen(r.amount_fen)}" if r.amount_fen is not None else ""
    return f"#{r.id} · {r.staff_name}{amount} · {when}"


@router.get("/tips", dependencies=[CASHIER])
def desk(request: Request, ctx: CtxDep) -> Response:
    """Tips waiting to be handed over, the one-step form, and the latest receipts."""
    now = ctx.now().astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M")
    values = {"received_at": now, "handed_over_at": now}
    return render(request, "pages/tips.html", {**_desk(ctx), "values": values, "now": now})


@router.post("/tips/new", dependencies=[CASHIER, csrf_checked])
def record(request: Request, ctx: CtxDep, form: FormValues) -> Response:
    """Declare a tip and hand it over at the desk in one go, then show its receipt."""
    page = FormPage(
        "pages/tips.html",
        lambda: {**_desk(ctx), "now": form.get("handed_over_at", "")},
        form,
        "new",
        aliases={"amount_fen": "amount"},
        session=ctx.session,
    )
    remember_form(request, page)
    data: dict[str, Any] = present(form, "staff_id", "unit_id", "countersigned_by", "feedback_id")
    for name in ("received_at", "handed_over_at"):
        data[name] = local_datetime(form.get(name, "").strip(), ctx.tz)
    yuan_to_fen(form, "amount", "amount_fen", data)
    tip = service.record_tip_with_handover(ctx, data)
    judged = judge_saved(ctx, RecordKind.TIP, tip.id)
    return RedirectResponse(f"/tips/{tip.id}/receipt?{judged_query(judged)}", status_code=303)


@router.post("/tips/{tip_id}/handover", dependencies=[CASHIER, csrf_checked])
def hand_over(request: Request, tip_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
    """Receive a declared tip with a countersignature, then show its receipt."""
    page = FormPage(
        "pages/tips.html",
        lambda: {**_desk(ctx), "now": form.get("handed_over_at", "")},
        form,
        f"handover-{tip_id}",
        session=ctx.session,
    )
    remember_form(request, page)
    signer = form.get("countersigned_by", "").strip()
    when = local_datetime(form.get("handed_over_at", "").strip(), ctx.tz)
    report = form.get("feedback_id", "").strip() or None
    tip = service.hand_over(ctx, tip_id, signer, when, report)  # type: ignore[arg-type]
    judged = judge_saved(ctx, RecordKind.TIP, tip.id)
    return RedirectResponse(f"/tips/{tip.id}/receipt?{judged_query(judged)}", status_code=303)


@router.get("/tips/{tip_id}/receipt", dependencies=[RECEIPT_READERS])
def receipt(request: Request, tip_id: IdPath, ctx: CtxDep, judged: int = 0) -> Response:
    """The receipt, laid out for printing; after a save, what the rules concluded (on screen)."""
    r = service.get_receipt(ctx, tip_id)
    judgment = shown_judgment(ctx, judged, RecordKind.TIP, tip_id)
    return render(request, "pages/tip_receipt.html", {"r": r, "judgment": judgment})
