"""Statutory guardrails applied to a case: dismissal gates and the cost of getting it wrong."""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.cases import repository as repo
from compliance.cases.models import Case
from compliance.cases.proposal_facts import effective_policy
from compliance.cases.schemas import CostRead
from compliance.clock import local_date
from compliance.config import Settings
from compliance.errors import NotFound
from compliance.staff.models import Staff
from compliance.staff.repository import wage_on
from policies.guardrails import DismissalFacts, Gate, get_profile


def _staff(session: Session, case: Case) -> Staff:
    staff = session.get(Staff, case.staff_id)
    if staff is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound(f"staff member {case.staff_id} not found")
    return staff


def dismissal_gates(
    session: Session, settings: Settings, case: Case, effective_at: datetime | None = None
) -> tuple[Gate, ...]:
    """The profile's dismissal gates for the case as it stands (effective_at: when it takes
    effect, if known)."""
    tz = ZoneInfo(settings.timezone)
    eff = effective_policy(session, case, tz)
    union = repo.union_notice_of(session, case.id or 0)
    facts = DismissalFacts(
        incident_at=case.incident_at,
        # The parameter version that judges the incident: its own start and publication (the
        # code's dates when the office never changed the defaults).
        rule_effective_from=eff.effective_from,
        rule_published_on=eff.published_on(tz),
        rulebook_ack_at=_staff(session, case).rulebook_ack_at,
        statement_step_done=repo.statement_of(session, case.id or 0) is not None,
        union_notified_at=union.notified_at if union else None,
        union_reasons=union.reasons if union else "",
        union_reply_at=union.reply_at if union else None,
        effective_at=effective_at or case.effective_at,
        time_zone=settings.timezone,
    )
    return get_profile(settings.guardrail_profile).dismissal_gates(facts)


def wrongful_dismissal_cost(
    session: Session, settings: Settings, case: Case, today: date
) -> CostRead | None:
    """Twice the statutory economic compensation, to the day the dismissal would take effect.

    None when no wage is on record (there is nothing honest to show).
    """
    staff = _staff(session, case)
    end = local_date(case.effective_at, ZoneInfo(settings.timezone)) if case.effective_at else today
    end = max(end, staff.hire_date)
    wage = wage_on(session, case.staff_id, end)
    if wage is None:
        return None
    cost = get_profile(settings.guardrail_profile).wrongful_dismissal_cost(
        staff.hire_date, end, wage
    )
    return CostRead(
        amount_fen=cost.amount_fen,
        multiplier=cost.multiplier,
        end_date=end,
        explanation_zh=list(cost.explanation_zh),
        explanation_en=list(cost.explanation_en),
    )


def gate_texts(failed: Sequence[Gate]) -> Callable[[str], str]:
    """The failed gates as an error's value: the rulebook's own text in each language."""
    return lambda lang: (
        ";".join(g.text_zh for g in failed)
        if lang == "zh"
        else "; ".join(g.text_en for g in failed)
    )
