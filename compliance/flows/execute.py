"""Executing a final decision and closing the case: money outcomes become pay deductions,
a dismissal ends the employment (cases -> pay, so it lives in flows)."""

from typing import Any

from compliance.cases import repository as repo
from compliance.cases import transition
from compliance.cases.decision import check_complete
from compliance.cases.guardrails import dismissal_gates, gate_texts
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case
from compliance.cases.schemas import (
    CaseRead,
)
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import GuardrailViolation, ValidationFailed
from compliance.i18n import N_
from compliance.pay import leaving, plans
from compliance.pay import service as pay
from compliance.staff import repository as staff_repo
from compliance.staff.models import LeaveReason
from compliance.usecase import use_case
from policies.guardrails import blocking_failures


def _check_gates(ctx: Ctx, case: Case) -> None:
    gates = dismissal_gates(ctx.session, ctx.settings, case, effective_at=ctx.now())
    failed = blocking_failures(gates)
    if failed:
        raise GuardrailViolation(
            N_("the dismissal cannot take effect: %(gates)s"), gates=gate_texts(failed)
        )


def _end_employment(ctx: Ctx, case: Case) -> int:
    # The dismissal's day is the last working day: nothing is deducted after that month.
    disabled, _ = leaving.end_employment(
        ctx,
        case.staff_id,
        local_date(ctx.now(), ctx.tz),
        LeaveReason.DISMISSED,
        f"案件 {case.number} 辞退执行",
    )
    return disabled


@use_case
def mark_executed(ctx: Ctx, case_id: int) -> CaseRead:
    """Apply the outcomes (HR): money outcomes become deductions; a dismissal takes effect,
    the staff member leaves and their accounts are disabled."""
    case = transition.begin(ctx, case_id, Action.MARK_EXECUTED)
    proposal = repo.latest_proposal(ctx.session, case.id or 0)
    if proposal is None:  # pragma: no cover - a final case always has a proposal
        raise ValidationFailed.one("proposal", f"case {case.number} has no proposal")
    # An appeal that varied the outcome leaves a revision nobody approved: it must be
    # complete before it is applied, or an outcome without its amount would vanish.
    check_complete(proposal)
    ends = proposal.is_dismissal
    if ends:
        _check_gates(ctx, case)
    # Staff row before case row, as when a case is opened: the two never wait on each other.
    staff_repo.lock_in_office(ctx.session, case.office_id, case.staff_id)
    values: dict[str, Any] = {"effective_at": ctx.now()} if ends else {}
    before, _ = transition.move(ctx, case, Action.MARK_EXECUTED, **values)
    disabled = _end_employment(ctx, case) if ends else 0
    deductions = pay.create_deductions_for_case(ctx, case, proposal)
    note = f"revision {proposal.revision} executed"
    if deductions:
        note += f"; {len(deductions)} deduction(s) scheduled"
    if ends:
        note += f"; employment ended, {disabled} account(s) disabled"
    transition.record(
        ctx,
        case,
        Action.MARK_EXECUTED,
        before,
        note,
        {
            "revision": proposal.revision,
            "deductions": [d.id for d in deductions],
            "ends_employment": ends,
            "accounts_disabled": disabled,
        },
    )
    return transition.finish(ctx, case)


@use_case
def close(ctx: Ctx, case_id: int, *, acknowledge_unrecoverable: bool = False) -> CaseRead:
    """Close an executed case; from now on it can only be annotated (HR).

    When pay cannot take the case's money (a zero cap, a plan beyond 12 months, a balance
    left after the member's last pay month), closing needs that acknowledged, in words.
    """
    case = transition.begin(ctx, case_id, Action.CLOSE)
    money = plans.case_pay(ctx, case, repo.latest_proposal(ctx.session, case.id or 0))
    unrecoverable = money is not None and money.needs_ack
    if unrecoverable and not acknowledge_unrecoverable and money is not None:
        notes_en, notes_zh = " ".join(money.notes_en), "".join(money.notes_zh)
        raise GuardrailViolation(
            N_(
                "case %(number)s cannot be closed without acknowledging that pay cannot take "
                "its money: %(notes)s"
            ),
            number=case.number,
            notes=lambda lang: notes_zh if lang == "zh" else notes_en,
        )
    payload = {"acknowledged": money.notes_zh} if unrecoverable and money is not None else None
    transition.step(ctx, case, Action.CLOSE, payload=payload, closed_at=ctx.now())
    return transition.finish(ctx, case)
