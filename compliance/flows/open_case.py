"""Opening a case from a confirmed finding, joining one, or adding a finding as evidence
(findings -> cases, so it lives in flows)."""

from typing import Any

from sqlmodel import col, select

from compliance.audit import service as audit
from compliance.cases import repository as repo
from compliance.cases import transition
from compliance.cases.lifecycle import Action, check_may
from compliance.cases.models import (
    Case,
    CaseFinding,
    CaseStatus,
    CaseStep,
)
from compliance.cases.schemas import (
    CaseRead,
)
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.counters.service import next_number
from compliance.errors import Conflict, ValidationFailed
from compliance.findings import repository as findings_repo
from compliance.findings import service as findings
from compliance.findings.models import Finding, FindingStatus
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.staff import repository as staff_repo
from compliance.usecase import use_case


def _policy_on(ctx: Ctx, rule_code: str, finding: Finding) -> EffectivePolicy:
    day = local_date(finding.occurred_at, ctx.tz)
    eff = policy_params.in_force(ctx.session, ctx.actor.office_id, rule_code, day)
    if eff is None:
        raise ValidationFailed.one("finding_id", f"{rule_code} was not in force on {day}")
    return eff


def _check_attachable(ctx: Ctx, finding: Finding, *, may_confirm: bool) -> None:
    wanted = (
        (FindingStatus.OPEN, FindingStatus.CONFIRMED) if may_confirm else (FindingStatus.CONFIRMED,)
    )
    if finding.status not in wanted:
        hint = "" if may_confirm else "; confirm it first"
        raise ValidationFailed.one("finding_id", f"finding {finding.id} is {finding.status}{hint}")
    link = repo.case_of_finding(ctx.session, finding.id or 0)
    if link is not None:
        owner = ctx.session.get(Case, link.case_id)
        number = owner.number if owner else "?"
        raise Conflict(
            N_("finding %(id)s is already part of case %(number)s"),
            id=str(finding.id),
            number=number,
        )


def _confirm_if_open(ctx: Ctx, finding: Finding, reason: str) -> None:
    if finding.status == FindingStatus.OPEN.value:
        findings.confirm(ctx, finding.id or 0, {"reason": reason})


def _join(ctx: Ctx, case: Case, finding: Finding, reason: str | None) -> None:
    """Add a finding to a case; after approval (or with partial approvals) they lapse."""
    values: dict[str, Any] = {}
    if finding.rule_code == case.rule_code and finding.occurred_at < case.incident_at:
        # The case is judged by the rule version in force on its (now earlier) incident date.
        eff = _policy_on(ctx, case.rule_code, finding)
        values.update(
            incident_at=finding.occurred_at, policy_version=eff.version, params_digest=eff.digest
        )
    before, _ = transition.move(ctx, case, Action.ADD_EVIDENCE, **values)  # locks the case first
    if reason is not None:
        _confirm_if_open(ctx, finding, reason)
    lapsed = 0
    if before in (CaseStatus.DECISION_PROPOSED.value, CaseStatus.APPROVED.value):
        lapsed = repo.lapse_approvals(ctx.session, case.id or 0, ctx.now())
    ctx.session.add(
        CaseFinding(
            case_id=case.id or 0,
            finding_id=finding.id or 0,
            added_at=ctx.now(),
            added_by=ctx.actor.user_id,
        )
    )
    note = f"finding #{finding.id} ({finding.rule_code}) added"
    if lapsed:
        note += f"; {lapsed} approval(s) lapsed and must be given again"
    transition.record(
        ctx, case, Action.ADD_EVIDENCE, before, note, {"finding_id": finding.id, "lapsed": lapsed}
    )


def _open(ctx: Ctx, finding: Finding, eff: EffectivePolicy, reason: str | None) -> Case:
    office_id = ctx.actor.office_id
    code = ctx.session.exec(select(Office.code).where(col(Office.id) == office_id)).one()
    now = ctx.now()
    year = local_date(now, ctx.tz).year
    # Taken in this transaction: if it rolls back, so does the number (gap-free).
    n = next_number(ctx.session, office_id, "case", year)
    if reason is not None:
        _confirm_if_open(ctx, finding, reason)
    case = Case(
        office_id=office_id,
        number=f"{code}-{year}-{n:04d}",
        staff_id=finding.staff_id,
        rule_code=finding.rule_code,
        policy_version=eff.version,
        params_digest=eff.digest,
        incident_at=finding.occurred_at,
        opened_at=now,
        opened_by=ctx.actor.user_id,
    )
    ctx.session.add(case)
    ctx.session.flush()
    ctx.session.add(
        CaseFinding(
            case_id=case.id or 0,
            finding_id=finding.id or 0,
            added_at=now,
            added_by=ctx.actor.user_id,
        )
    )
    ctx.session.add(
        CaseStep(
            case_id=case.id or 0,
            action="open",
            from_status="",
            to_status=case.status,
            note=f"opened from finding #{finding.id}",
            at=now,
            actor_id=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    audit.record(
        ctx,
        "case.opened",
        "case",
        case.id,
        {
            "number": case.number,
            "staff_id": case.staff_id,
            "rule": case.rule_code,
            "policy_version": case.policy_version,
            "params_digest": case.params_digest,
            "finding_id": finding.id,
        },
    )
    return case


def _attach(ctx: Ctx, finding_id: int, confirm_reason: str | None) -> Case:
    ctx.require(Permission.OPEN_CASE)
    finding = findings_repo.get(ctx.session, ctx.actor.office_id, finding_id)
    check_may(ctx.actor, finding.staff_id, Action.ADD_EVIDENCE)
    eff = _policy_on(ctx, finding.rule_code, finding)
    # Openings for one person queue here, so two confirmations never open two cases; the
    # checks below therefore see what the one before committed.
    staff_repo.lock_in_office(ctx.session, ctx.actor.office_id, finding.staff_id)
    _check_attachable(ctx, finding, may_confirm=confirm_reason is not None)
    case = repo.open_case_for(ctx.session, ctx.actor.office_id, finding.staff_id, finding.rule_code)
    if case is None:
        return _open(ctx, finding, eff, confirm_reason)
    _join(ctx, case, finding, confirm_reason)
    return case


@use_case
def open_or_join(ctx: Ctx, finding_id: int) -> CaseRead:
    """Open a case from a confirmed finding, or add it to the open case of the same staff
    member and rule (manager or HR)."""
    return transition.finish(ctx, _attach(ctx, finding_id, None))


@use_case
def confirm_into_case(ctx: Ctx, finding_id: int, reason: str = "") -> CaseRead:
    """Confirm an open finding and open or join its case, in one transaction."""
    return transition.finish(ctx, _attach(ctx, finding_id, reason))


@use_case
def add_evidence(ctx: Ctx, case_id: int, finding_id: int) -> CaseRead:
    """Add a confirmed finding of the same staff member; an approval given lapses."""
    case = transition.begin(ctx, case_id, Action.ADD_EVIDENCE)
    finding = findings_repo.get(ctx.session, ctx.actor.office_id, finding_id)
    if finding.staff_id != case.staff_id:
        raise ValidationFailed.one("finding_id", f"finding {finding_id} is about someone else")
    _check_attachable(ctx, finding, may_confirm=False)
    _join(ctx, case, finding, None)
    return transition.finish(ctx, case)
