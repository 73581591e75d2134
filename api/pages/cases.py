"""The HR review queue and the case page, with one form per life-cycle step."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import CtxDep, FormValues, IdPath, IdQuery, csrf_checked, require, require_case_step
from api.i18n import N_, translator
from api.labels import labeller
from api.pages.forms import FormPage, remember_form, yuan_to_fen
from api.read_models import case_view as view
from api.templating import render
from compliance.cases import annotations, decision, notice, review, transition
from compliance.cases import appeal as case_appeal
from compliance.cases import statement as case_statement
from compliance.cases.labels import step_note
from compliance.cases.lifecycle import Action
from compliance.cases.models import CaseStatus
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.flows import execute, open_case
from compliance.flows import propose as case_propose
from compliance.permissions import Permission
from policies import registry
from policies.sanction import (
    OutcomeKind,
    Severity,
    outcome_label,
)

router = APIRouter(include_in_schema=False)
READERS = require(Permission.READ_CASES)
AMEND_ROWS = 3
AMEND_FIELDS = tuple(
    f"{f}_{n}" for n in range(1, AMEND_ROWS + 1) for f in ("kind", "amount", "note")
)


@dataclass
class CaseForm(FormPage):
    """The case page again after a failed step; the template learns the status (409 etc.)."""

    def render(
        self, request: Request, status: int, errors: list[FieldError], message: str
    ) -> Response:
        """Show the case as it is now, with the step's errors and a reload hint on conflict."""
        self.context = {**self.page_context(), "status": status}
        return super().render(request, status, errors, message)


def _local_time(ctx: Ctx, value: str) -> datetime | None:
    """A datetime-local form value (office time), blank for now."""
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed.one("at", N_("not a date and time")) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ctx.tz)


def _outcomes(values: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(1, AMEND_ROWS + 1):
        kind = values.get(f"kind_{i}", "").strip()
        if not kind:
            continue
        row: dict[str, Any] = {"kind": kind, "note": values.get(f"note_{i}", "")}
        yuan_to_fen(values, f"amount_{i}", "amount_fen", row)
        out.append(row)
    return out


@dataclass(frozen=True)
class Step:
    """One life-cycle step as a form: its fields and the one service it calls."""

    action: str
    fields: tuple[str, ...]
    run: Callable[[Ctx, int, dict[str, str]], object]


def _int(v: dict[str, str], name: str) -> int:
    text = v.get(name, "").strip()
    if not text.isdigit():
        raise ValidationFailed.one(name, N_("is required"))
    return int(text)


def _due(v: dict[str, str]) -> Any:
    return v["due"].strip() or None


STEPS: tuple[Step, ...] = (
    Step(
        "add_evidence",
        ("finding_id",),
        lambda c, i, v: open_case.add_evidence(c, i, _int(v, "finding_id")),
    ),
    Step(
        "request_statement",
        ("due",),
        lambda c, i, v: case_statement.request_statement(c, i, _due(v)),
    ),
    Step(
        "submit_statement",
        ("text",),
        lambda c, i, v: case_statement.submit_statement(c, i, v["text"]),
    ),
    Step(
        "record_refusal",
        ("note",),
        lambda c, i, v: case_statement.record_refusal(c, i, v["note"]),
    ),
    Step("record_silence", (), lambda c, i, v: case_statement.record_silence(c, i)),
    Step(
        "propose",
        ("severity", "severity_reason"),
        lambda c, i, v: case_propose.propose(c, i, v["severity"], v["severity_reason"]),
    ),
    Step(
        "amend",
        ("reason", *AMEND_FIELDS),
        lambda c, i, v: decision.amend(c, i, _outcomes(v), v["reason"]),  # type: ignore[arg-type]
    ),
    Step(
        "record_union_notice",
        ("reasons",),
        lambda c, i, v: decision.record_union_notice(c, i, v["reasons"]),
    ),
    Step(
        "record_union_reply",
        ("reply", "objection"),
        lambda c, i, v: decision.record_union_reply(
            c, i, v["reply"], objection=v["objection"] == "1"
        ),
    ),
    Step(
        "approve",
        ("justification", "union_answer", "confirm"),
        lambda c, i, v: decision.approve(c, i, v["justification"], v["union_answer"]),
    ),
    Step(
        "reject_proposal",
        ("reason",),
        lambda c, i, v: review.reject_proposal(c, i, v["reason"]),
    ),
    Step("send_back", ("reason",), lambda c, i, v: review.send_back(c, i, v["reason"])),
    Step("dismiss", ("reason", "confirm"), lambda c, i, v: decision.dismiss(c, i, v["reason"])),
    Step(
        "serve_notice",
        ("content",),
        lambda c, i, v: notice.serve_notice(c, i, v["content"]),
    ),
    Step("acknowledge", (), lambda c, i, v: notice.acknowledge(c, i)),
    Step(
        "record_ack_refusal",
        ("witnesses", "at", "place", "note"),
        lambda c, i, v: notice.record_ack_refusal(
            c, i, v["witnesses"], at=_local_time(c, v["at"]), place=v["place"], note=v["note"]
        ),
    ),
    Step("appeal", ("grounds",), lambda c, i, v: case_appeal.appeal(c, i, v["grounds"])),
    Step(
        "decide_appeal",
        ("outcome", "reasoning"),
        lambda c, i, v: case_appeal.decide_appeal(c, i, v["outcome"], v["reasoning"]),
    ),
    Step("finalize", ("confirm",), lambda c, i, v: case_appeal.finalize(c, i)),
    Step("mark_executed", ("confirm",), lambda c, i, v: execute.mark_executed(c, i)),
    Step(
        "close",
        ("acknowledge_unrecoverable", "confirm"),
        lambda c, i, v: execute.close(
            c, i, acknowledge_unrecoverable=v["acknowledge_unrecoverable"] == "1"
        ),
    ),
    Step(
        "annotate",
        ("text",),
        lambda c, i, v: annotations.annotate(c, i, v["text"]),
    ),
)


def _checked(ctx: Ctx, case_id: int, action: str, values: dict[str, str]) -> None:
    """What the page asks before a step the services do not: a reason for an approval, and
    the confirmation of a step that cannot be undone (the form shows what will happen)."""
    if action not in view.IRREVERSIBLE:
        return
    transition.begin(ctx, case_id, Action(action))  # may they, on this case, now? (no change)
    errors: list[FieldError] = []
    if action == "approve" and not values["justification"].strip():
        errors.append(FieldError("justification", N_("give the reason for your decision")))
    if action in view.IRREVERSIBLE and values.get("confirm") != "1":
        if action != "approve" or view.approves_dismissal(ctx, case_id):
            errors.append(FieldError("confirm", CONFIRM_MISSING))
    if errors:
        raise ValidationFailed(errors)


CONFIRM_MISSING = N_("this step cannot be undone: tick the box to confirm it")


def _case_context(request: Request, ctx: Ctx, case_id: int) -> dict[str, Any]:
    t = translator(request)
    v = view.case_view(ctx, case_id)
    return {
        "v": v,
        "where": view.where(v.detail, t.lang, v.staff_name, ctx.actor.user_id),
        "label": labeller(t),
        "severities": [s.value for s in Severity],
        "outcome_kinds": [(k.value, outcome_label(k, t.lang)) for k in OutcomeKind],
        "outcome_label": lambda k: outcome_label(k, t.lang),
        "step_note": lambda note, action="": step_note(note, t.lang, action),
        "evidence_detail": lambda e: view.evidence_detail(e.kind, e.detail, t.lang),
        "amend_rows": range(1, AMEND_ROWS + 1),
        "done": "",
        "status": 200,
    }


@router.get("/cases", dependencies=[READERS])
def queue(
    request: Request,
    ctx: CtxDep,
    status: str = "",
    rule: str = "",
    staff_id: IdQuery = None,
) -> Response:
    """Cases by state, newest first, filtered by state, rule and staff member."""
    q = view.queue(ctx, status=status or None, rule_code=rule or None, staff_id=staff_id)
    # Past the deadline the case waits on HR to record silence (allowed from the next day).
    today = local_date(ctx.now(), ctx.tz)
    overdue = {
        c.id
        for c in q.rows
        if c.status == CaseStatus.AWAITING_STATEMENT
        and c.statement_due is not None
        and c.statement_due < today
    }
    return render(
        request,
        "pages/cases.html",
        {
            "q": q,
            "overdue": overdue,
            "label": labeller(translator(request)),
            "rules": [p.code for p in registry.RULES],
            "filters": {"status": status, "rule": rule, "staff_id": staff_id or ""},
        },
    )


@router.get("/cases/{case_id}", dependencies=[READERS])
def case_page(request: Request, case_id: IdPath, ctx: CtxDep, done: str = "") -> Response:
    """The case: evidence, rule, statement, proposal, approvals, gates, and the next steps."""
    context = _case_context(request, ctx, case_id)
    context["done"] = done
    return render(request, "pages/case.html", context)


def _register(step: Step) -> None:
    def take(request: Request, case_id: IdPath, ctx: CtxDep, form: FormValues) -> Response:
        values = {k: form.get(k, "") for k in step.fields}
        remember_form(
            request,
            CaseForm(
                "pages/case.html",
                lambda: _case_context(request, ctx, case_id),
                values,
                step.action,
                aliases={"outcomes": "kind_1"},
                session=ctx.session,
            ),
        )
        _checked(ctx, case_id, step.action, values)
        step.run(ctx, case_id, values)
        return RedirectResponse(f"/cases/{case_id}?done={step.action}", status_code=303)

    take.__doc__ = f"Case step: {step.action}, then back to the case page."
    router.add_api_route(
        f"/cases/{{case_id}}/{step.action}",
        take,
        methods=["POST"],
        dependencies=[require_case_step(step.action), csrf_checked],
        name=f"case_{step.action}",
    )


for _step in STEPS:
    _register(_step)
