"""Gather the facts the sanction engine needs for a case, with explicit eager queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from compliance.cases.models import Case, CaseFinding, CaseStatus
from compliance.cases.sod import evidence_refs
from compliance.clock import local_date
from compliance.damages.models import DamageIncident
from compliance.errors import ValidationFailed
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding, FindingStatus
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.staff.repository import wage_on
from compliance.tips.models import TipLine
from policies.ladder import PriorBreach, SanctionFacts
from policies.sanction import Severity
from policies.vocab import EvidenceKind, FeedbackCategory

TIP_RULE = "R12"
DAMAGE_RULE = "R11"
INCOMPETENCE_RULE = "R10"
# Feedback categories whose amount is money to restore (R13 solicitation and theft).
_RESTITUTION_CATEGORIES = (FeedbackCategory.SOLICITATION.value, FeedbackCategory.THEFT.value)


@dataclass(frozen=True)
class EngineInput:
    """Everything `policies.ladder.propose` needs besides the severity."""

    policy: EffectivePolicy
    prior_breaches: tuple[PriorBreach, ...]
    facts: SanctionFacts


def effective_policy(session: Session, case: Case, tz: tzinfo) -> EffectivePolicy:
    """The rule version the case is judged by: the one recorded when it was opened.

    A parameter change published later with an earlier effective date does not move an
    opened case; if the recorded version is gone, the version in force on the incident date.
    """
    versions = policy_params.timeline(session, case.office_id)[case.rule_code]
    for v in versions:
        if v.version == case.policy_version and v.digest == case.params_digest:
            return v
    found = policy_params.pick(versions, local_date(case.incident_at, tz))
    if found is None:
        raise ValidationFailed.one("rule_code", f"{case.rule_code} was not in force then")
    return found


def _priors(
    session: Session, case: Case, rule_code: str
) -> list[tuple[Finding, str | None, str | None]]:
    """Confirmed findings of the rule and staff member before the incident, outside this case,
    with their case number and severity; findings of dismissed cases were no breach."""
    stmt = (
        select(Finding, Case.number, Case.severity, Case.status)
        .join(CaseFinding, col(CaseFinding.finding_id) == col(Finding.id), isouter=True)
        .join(Case, col(Case.id) == col(CaseFinding.case_id), isouter=True)
        .where(
            col(Finding.office_id) == case.office_id,
            col(Finding.staff_id) == case.staff_id,
            col(Finding.rule_code) == rule_code,
            col(Finding.status) == FindingStatus.CONFIRMED.value,
            col(Finding.occurred_at) < case.incident_at,
        )
        .order_by(col(Finding.occurred_at), col(Finding.id))
    )
    out: list[tuple[Finding, str | None, str | None]] = []
    for finding, number, severity, status in session.exec(stmt):
        if number == case.number or status == CaseStatus.DISMISSED.value:
            continue
        out.append((finding, number, severity))
    return out


def _compensation(session: Session, findings: Sequence[Finding]) -> int | None:
    """R11: the assessed value of the damage incidents; None while any is not assessed."""
    ids = sorted(evidence_refs(findings).get(EvidenceKind.DAMAGE, set()))
    if not ids:
        return None
    values = list(
        session.exec(
            select(DamageIncident.assessed_value_fen).where(col(DamageIncident.id).in_(ids))
        )
    )
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def _concealed_tip(session: Session, findings: Sequence[Finding], grace_hours: int) -> int | None:
    """R12: the tips reported minus what was handed over within the grace period.

    None when a reported tip has no amount: the reviewer must establish it.
    """
    refs = evidence_refs(findings)
    reports = list(
        session.exec(
            select(Feedback).where(
                col(Feedback.id).in_(sorted(refs.get(EvidenceKind.FEEDBACK, set()))),
                col(Feedback.category) == FeedbackCategory.TIP_REPORTED.value,
            )
        )
    )
    if not reports or any(r.amount_fen is None for r in reports):
        return None
    lines = list(
        session.exec(
            select(TipLine).where(
                col(TipLine.id).in_(sorted(refs.get(EvidenceKind.TIP_LINE, set()))),
                col(TipLine.handed_over_at).is_not(None),
            )
        )
    )
    reported = sum(r.amount_fen or 0 for r in reports)
    deadline = max(r.occurred_at for r in reports) + timedelta(hours=grace_hours)
    in_time = sum(t.amount_fen for t in lines if t.handed_over_at and t.handed_over_at <= deadline)
    return max(reported - in_time, 0)


def _restitution(session: Session, findings: Sequence[Finding]) -> int | None:
    """R13: the money or goods' value reported solicited or stolen."""
    ids = sorted(evidence_refs(findings).get(EvidenceKind.FEEDBACK, set()))
    if not ids:
        return None
    amounts = list(
        session.exec(
            select(Feedback.amount_fen).where(
                col(Feedback.id).in_(ids), col(Feedback.category).in_(_RESTITUTION_CATEGORIES)
            )
        )
    )
    known = [a for a in amounts if a is not None]
    return sum(known) if known else None


def _executed_cases(session: Session, case: Case, rule_code: str) -> int:
    return len(
        list(
            session.exec(
                select(Case.id).where(
                    col(Case.office_id) == case.office_id,
                    col(Case.staff_id) == case.staff_id,
                    col(Case.rule_code) == rule_code,
                    col(Case.id) != case.id,
                    col(Case.status).in_([CaseStatus.EXECUTED.value, CaseStatus.CLOSED.value]),
                )
            )
        )
    )


def gather(session: Session, case: Case, findings: Sequence[Finding], tz_name: str) -> EngineInput:
    """The engine's input for the case: prior breaches, wage, money facts, earlier steps."""
    tz = ZoneInfo(tz_name)
    eff = effective_policy(session, case, tz)
    priors = _priors(session, case, case.rule_code)
    prior_breaches = tuple(
        PriorBreach(
            finding_id=f.id or 0,
            case_number=number,
            rule_code=f.rule_code,
            occurred_at=f.occurred_at,
            severity=Severity(sev) if sev else None,
        )
        for f, number, sev in priors
    )
    wage = wage_on(session, case.staff_id, local_date(case.incident_at, tz)) or 0
    compensation = concealed = restitution = None
    prior_concealments = prior_steps = 0
    if case.rule_code == DAMAGE_RULE:
        compensation = _compensation(session, findings)
    elif case.rule_code == TIP_RULE:
        grace = eff.params.get("handover_grace_hours", 48)
        concealed = _concealed_tip(session, findings, grace)
        prior_concealments = len({number or f"f{f.id}" for f, number, _ in priors})
    elif case.rule_code == INCOMPETENCE_RULE:
        prior_steps = _executed_cases(session, case, INCOMPETENCE_RULE)
    else:
        restitution = _restitution(session, findings)
    facts = SanctionFacts(
        incident_at=case.incident_at,
        monthly_wage_fen=wage,
        compensation_fen=compensation,
        concealed_tip_fen=concealed,
        restitution_fen=restitution,
        prior_concealments=prior_concealments,
        prior_incompetence_steps=prior_steps,
        case_number=case.number,
        time_zone=tz_name,
    )
    return EngineInput(eff, prior_breaches, facts)
