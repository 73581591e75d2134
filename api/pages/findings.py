"""The triage queue: open findings filtered, paged and grouped by staff member; dismiss one or
many with a reason; confirm one on a page that says which case it opens or joins."""

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, IdPath, csrf_checked, require
from api.i18n import N_, translator
from api.pages.forms import FormPage, remember_form
from api.templating import render
from compliance.cases import repository as cases_repo
from compliance.cases.models import Case, CaseStatus
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.findings import bulk, queue, service
from compliance.findings.evidence import summaries
from compliance.findings.models import FindingStatus
from compliance.findings.repository import get as get_finding
from compliance.findings.schemas import FindingRead
from compliance.flows import open_case
from compliance.permissions import Permission
from compliance.staff.repository import get_in_office

router = APIRouter(include_in_schema=False)
TRIAGE = require(Permission.TRIAGE_FINDINGS)
FILTERS = ("rule", "staff", "team", "source", "from", "to")
NOT_SURE = N_("tick the box to confirm: this cannot be undone")
BAD_DATE = N_("not a date (YYYY-MM-DD)")
BAD_RANGE = N_("the end date is before the start date")


@dataclass
class Filters:
    """The queue's filters as typed in the query string, the valid ones parsed."""

    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    parsed: queue.QueueFilter = field(default_factory=queue.QueueFilter)

    @property
    def query(self) -> str:
        """The filters as a query string (kept when paging, after a dismissal or confirm)."""
        return urlencode({k: v for k, v in self.raw.items() if v})

    def without(self, key: str) -> str:
        """The queue's address with one filter taken off (a chip's ×)."""
        rest = urlencode({k: v for k, v in self.raw.items() if v and k != key})
        return f"/findings?{rest}" if rest else "/findings"


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def parse_filters(params: QueryParams | dict[str, str]) -> Filters:
    """Read the filters; a value that names nothing is dropped, a bad date is reported."""
    raw = {k: str(params.get(k, "")).strip()[:40] for k in FILTERS}
    errors: dict[str, list[str]] = {}
    rule = raw["rule"] if raw["rule"] in queue.RULE_CODES else ""
    source = raw["source"] if raw["source"] in queue.SOURCES else ""
    staff = int(raw["staff"]) if raw["staff"].isdigit() and len(raw["staff"]) < 10 else None
    days: dict[str, date | None] = {}
    for key in ("from", "to"):
        try:
            days[key] = _date(raw[key])
        except ValueError:
            errors[key] = [BAD_DATE]
            days[key] = None
    if days["from"] and days["to"] and days["to"] < days["from"]:
        errors["to"] = [BAD_RANGE]
        days["to"] = None
    raw.update(rule=rule, source=source, staff=str(staff) if staff else "")
    for key in errors:
        raw[key] = ""
    parsed = queue.QueueFilter(
        rule_code=rule or None,
        staff_id=staff,
        team=raw["team"] or None,
        source=source or None,
        date_from=days["from"],
        date_to=days["to"],
    )
    return Filters(raw, errors, parsed)


def _int(text: str, default: int) -> int:
    return int(text) if text.isdigit() and len(text) < 7 else default


def _queue(request: Request, ctx: Ctx, filters: Filters, page: int = 1) -> dict[str, Any]:
    t = translator(request)
    per = _int(request.query_params.get("per", ""), queue.PER_PAGE)
    q = queue.queue_page(ctx, filters.parsed, page=page, per_page=per, lang=t.lang)
    return {
        "q": q,
        "filters": filters,
        "filter_errors": {k: [t(m) for m in v] for k, v in filters.errors.items()},
        "per": per if per != queue.PER_PAGE else "",
        "chosen": set(),
        "done": "",
        "done_id": "",
        "done_case": None,
        "done_count": 0,
    }


def _page_url(filters: Filters, page: int, per: int | str) -> str:
    params = {k: v for k, v in filters.raw.items() if v}
    if per:
        params["per"] = str(per)
    if page > 1:
        params["page"] = str(page)
    return "/findings?" + urlencode(params) if params else "/findings"


@router.get("/findings", dependencies=[TRIAGE])
def queue_page(request: Request, ctx: CtxDep) -> Response:
    """Open findings of the office, grouped by staff member, filtered and paged."""
    qp = request.query_params
    if any(not v.strip() for k, v in qp.items() if k in (*FILTERS, "per", "page")):
        # The filter form sends its blank fields too: drop them, for an address worth keeping.
        kept = urlencode([(k, v) for k, v in qp.multi_items() if v.strip()])
        return RedirectResponse(f"/findings?{kept}" if kept else "/findings", status_code=303)
    filters = parse_filters(qp)
    context = _queue(request, ctx, filters, _int(qp.get("page", ""), 1))
    done = qp.get("done", "")
    if done == "dismissed_many":
        context.update(done=done, done_count=_int(qp.get("n", ""), 0))
    elif done in ("confirmed", "dismissed") and qp.get("id", "").isdigit():
        context.update(done=done, done_id=qp["id"])
        case_id = _int(qp.get("case", ""), 0)
        if done == "confirmed" and case_id:
            case = ctx.session.get(Case, case_id)
            if case is not None and case.office_id == ctx.actor.office_id:
                context["done_case"] = case
                context["done_opened"] = qp.get("how") == "opened"
    context["page_url"] = lambda n: _page_url(filters, n, context["per"])
    return render(request, "pages/findings.html", context)


@router.post("/findings/dismiss", dependencies=[TRIAGE, csrf_checked])
def dismiss_many(
    request: Request,
    ctx: CtxDep,
    ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies form defaults)
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    page: Annotated[str, Form()] = "",
) -> Response:
    """Dismiss the ticked findings with one reason; a bad reason shows the same page again
    with the same ticks."""
    chosen = {int(i) for i in ids if i.isdigit() and len(i) < 10}
    filters = parse_filters(_back_params(back))

    def again() -> dict[str, Any]:
        context = _queue(request, ctx, filters, _int(page, 1))
        context.update(chosen=chosen, page_url=lambda n: _page_url(filters, n, ""))
        return context

    remember_form(
        request,
        FormPage("pages/findings.html", again, {"reason": reason}, "bulk", session=ctx.session),
    )
    done = bulk.dismiss_many(ctx, {"ids": sorted(chosen), "reason": reason})
    sep = "&" if filters.query else ""
    return RedirectResponse(
        f"/findings?{filters.query}{sep}done=dismissed_many&n={len(done)}", status_code=303
    )


def _back_params(back: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(back[:500]))


@router.post("/findings/{finding_id}/dismiss", dependencies=[TRIAGE, csrf_checked])
def dismiss(
    request: Request,
    finding_id: IdPath,
    ctx: CtxDep,
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Dismiss a finding with a reason, then back to the queue as it was filtered."""
    filters = parse_filters(_back_params(back))
    remember_form(
        request,
        FormPage(
            "pages/findings.html",
            lambda: {
                **_queue(request, ctx, filters),
                "page_url": lambda n: _page_url(filters, n, ""),
            },
            {"reason": reason},
            f"dismiss-{finding_id}",
            session=ctx.session,
        ),
    )
    service.dismiss(ctx, finding_id, {"reason": reason})
    sep = "&" if filters.query else ""
    return RedirectResponse(
        f"/findings?{filters.query}{sep}done=dismissed&id={finding_id}", status_code=303
    )


# Confirming ---------------------------------------------------------------------------------


def _confirm_context(request: Request, ctx: Ctx, finding_id: int, back: str) -> dict[str, Any]:
    """What confirming this finding will do: the case it opens, or the one it joins."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    row = get_finding(ctx.session, ctx.actor.office_id, finding_id)
    finding = FindingRead.model_validate(row)
    staff = get_in_office(ctx.session, ctx.actor.office_id, finding.staff_id)
    joins = None
    if finding.status == FindingStatus.OPEN.value:
        joins = cases_repo.open_case_for(
            ctx.session, ctx.actor.office_id, finding.staff_id, finding.rule_code
        )
    lapses = joins is not None and joins.status in (
        CaseStatus.DECISION_PROPOSED.value,
        CaseStatus.APPROVED.value,
    )
    lang = translator(request).lang
    return {
        "f": finding,
        "staff": staff,
        "evidence": summaries(ctx, [finding], lang).get(finding.id, []),
        "joins": joins,
        "lapses": lapses,
        "back": back,
        "back_url": "/findings?" + back if back else "/findings",
    }


@router.get("/findings/{finding_id}/confirm", dependencies=[TRIAGE])
def confirm_page(request: Request, finding_id: IdPath, ctx: CtxDep, back: str = "") -> Response:
    """Confirming cannot be undone: say what it will do and ask to be sure."""
    context = _confirm_context(request, ctx, finding_id, back[:500])
    return render(request, "pages/finding_confirm.html", context)


@router.post("/findings/{finding_id}/confirm", dependencies=[TRIAGE, csrf_checked])
def confirm(
    request: Request,
    finding_id: IdPath,
    ctx: CtxDep,
    reason: Annotated[str, Form()] = "",
    sure: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Confirm a finding (ticked "I am sure"): it opens a case or joins the open one."""
    back = back[:500]
    remember_form(
        request,
        FormPage(
            "pages/finding_confirm.html",
            lambda: _confirm_context(request, ctx, finding_id, back),
            {"reason": reason},
            "confirm",
            session=ctx.session,
        ),
    )
    if sure != "yes":
        raise ValidationFailed.one("sure", NOT_SURE)
    row = get_finding(ctx.session, ctx.actor.office_id, finding_id)
    before = cases_repo.open_case_for(ctx.session, ctx.actor.office_id, row.staff_id, row.rule_code)
    case = open_case.confirm_into_case(ctx, finding_id, reason)
    how = "joined" if before is not None and before.id == case.id else "opened"
    filters = parse_filters(_back_params(back))
    sep = "&" if filters.query else ""
    return RedirectResponse(
        f"/findings?{filters.query}{sep}done=confirmed&id={finding_id}&case={case.id}&how={how}",
        status_code=303,
    )
