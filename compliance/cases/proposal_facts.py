"""Gather the facts the sanction engine needs for cases, with explicit eager queries.

Set-based: the facts of many cases come from a fixed handful of queries (one per kind of
fact), whatever their number; one case is a batch of one.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from compliance.cases.models import Appeal, Case, CaseFinding, CaseStatus
from compliance.cases.sod import evidence_refs
from compliance.clock import local_date
from compliance.damages.models import DamageIncident
from compliance.errors import ValidationFailed
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding, FindingStatus
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy, Timeline
from compliance.staff.models import StaffWage
from compliance.tips.models import TipLine
from policies.proposal import PriorBreach, SanctionFacts, Standing
from policies.sanction import Severity
from policies.vocab import EvidenceKind, FeedbackCategory

TIP_RULE = "R12"
DAMAGE_RULE = "R11"
INCOMPETENCE_RULE = "R10"
# Feedback categories whose amount is money to restore (R13 solicitation and theft).
_RESTITUTION_CATEGORIES = (FeedbackCategory.SOLICITATION.value, FeedbackCategory.THEFT.value)
_EXECUTED = (CaseStatus.EXECUTED.value, CaseStatus.CLOSED.value)
# A case's decision stands once final (the appeal window passed or the appeal was decided
# upheld or varied) and stays standing when executed and closed.
_DECIDED = (CaseStatus.FINAL.value, *_EXECUTED)
OVERTURNED = "overturned"  # the appeal outcome that sets the decision aside
# Bound parameters per IN list: far below SQLite's 32,766 and PostgreSQL's 65,535.
CHUNK = 10_000

T = TypeVar("T")


@dataclass(frozen=True)
class EngineInput:
    """Everything `policies.ladder.propose` needs besides the severity."""

    policy: EffectivePolicy
    prior_breaches: tuple[PriorBreach, ...]
    facts: SanctionFacts


@dataclass(frozen=True)
class _Prior:
    finding_id: int
    rule_code: str
    occurred_at: datetime
    case_number: str | None
    severity: str | None
    standing: Standing


def standing_of(case_number: str | None, status: str | None, overturned: bool) -> Standing:
    """Where the decision on a finding stands, from its case (if any) and that case's state."""
    if case_number is None:
        return Standing.NO_CASE
    if status in _DECIDED:
        return Standing.DECIDED
    if status == CaseStatus.DISMISSED.value:
        return Standing.OVERTURNED if overturned else Standing.WITHDRAWN
    return Standing.PENDING


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The values in lists of at most `size` (one IN list each)."""
    batch: list[T] = []
    for v in values:
        batch.append(v)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pick_effective(versions: list[EffectivePolicy], case: Case, tz: tzinfo) -> EffectivePolicy:
    for v in versions:
        if v.version == case.policy_version and v.digest == case.params_digest:
            return v
    found = policy_params.pick(versions, local_date(case.incident_at, tz))
    if found is None:
        raise ValidationFailed.one("rule_code", f"{case.rule_code} was not in force then")
    return found


def effective_policy(session: Session, case: Case, tz: tzinfo) -> EffectivePolicy:
    """The rule version the case is judged by: the one recorded when it was opened.

    A parameter change published later with an earlier effective date does not move an
    opened case; if the recorded version is gone, the version in force on the incident date.
    """
    versions = policy_params.timeline(session, case.office_id)[case.rule_code]
    return _pick_effective(versions, case, tz)


def _priors(session: Session, cases: Sequence[Case]) -> dict[int, list[_Prior]]:
    """Per case: confirmed findings of its rule and staff member before the incident, outside
    the case, with their case number, severity and standing (the ladder counts only those a
    case decided, the decision standing; it lists the others as not counted, with why).
    """
    by_pair: dict[tuple[int, int, str], list[tuple[int, str, datetime, Any, Any, Any, Any]]]
    by_pair = defaultdict(list)
    overturned = (
        exists()
        .where(col(Appeal.case_id) == col(Case.id), col(Appeal.outcome) == OVERTURNED)
        .label("overturned")
    )
    offices = sorted({c.office_id for c in cases})
    rules = sorted({c.rule_code for c in cases})
    for staff_ids in chunks(sorted({c.staff_id for c in cases})):
        stmt = (
            sa_select(
                col(Finding.office_id),
                col(Finding.staff_id),
                col(Finding.id),
                col(Finding.rule_code),
                col(Finding.occurred_at),
                col(Case.number),
                col(Case.severity),
                col(Case.status),
                overturned,
            )
            .join(CaseFinding, col(CaseFinding.finding_id) == col(Finding.id), isouter=True)
            .join(Case, col(Case.id) == col(CaseFinding.case_id), isouter=True)
            .where(
                col(Finding.office_id).in_(offices),
                col(Finding.staff_id).in_(staff_ids),
                col(Finding.rule_code).in_(rules),
                col(Finding.status) == FindingStatus.CONFIRMED.value,
            )
        )
        for office_id, staff_id, *rest in session.execute(stmt):
            by_pair[(office_id, staff_id, rest[1])].append((rest[0] or 0, *rest[1:]))
    for rows in by_pair.values():
        rows.sort(key=lambda r: (r[2], r[0]))  # occurred_at, id: the order of the ladder
    out: dict[int, list[_Prior]] = {}
    for case in cases:
        out[case.id or 0] = [
            _Prior(fid, rule, at, number, severity, standing_of(number, status, bool(gone)))
            for fid, rule, at, number, severity, status, gone in by_pair.get(
                (case.office_id, case.staff_id, case.rule_code), ()
            )
            if at < case.incident_at and number != case.number
        ]
    return out


def _wages(session: Session, cases: Sequence[Case], tz: tzinfo) -> dict[int, int | None]:
    """Per case: the monthly wage in force on the incident's local date, None if none yet."""
    history: dict[int, tuple[list[date], list[int]]] = defaultdict(lambda: ([], []))
    for staff_ids in chunks(sorted({c.staff_id for c in cases})):
        rows = session.exec(
            select(
                col(StaffWage.staff_id),
                col(StaffWage.effective_from),
                col(StaffWage.monthly_wage_fen),
            )
            .where(col(StaffWage.staff_id).in_(staff_ids))
            .order_by(col(StaffWage.staff_id), col(StaffWage.effective_from))
        )
        for staff_id, day, fen in rows:
            days, fens = history[staff_id]
            days.append(day)
            fens.append(fen)
    out: dict[int, int | None] = {}
    for case in cases:
        days, fens = history.get(case.staff_id, ([], []))
        i = bisect_right(days, local_date(case.incident_at, tz))
        out[case.id or 0] = fens[i - 1] if i else None
    return out


def _by_id(
    session: Session, columns: tuple[Any, ...], ids: Mapping[int, set[int]], *where: Any
) -> dict[int, dict[int, Any]]:
    """Per office, the rows of the columns (the first is the id, and its table has an
    office_id) for that office's ids, keyed by id: another office's record never resolves."""
    office = columns[0].class_.office_id
    out: dict[int, dict[int, Any]] = defaultdict(dict)
    for office_id, wanted in sorted(ids.items()):
        for part in chunks(sorted(wanted)):
            stmt = select(*columns).where(
                col(columns[0]).in_(part), col(office) == office_id, *where
            )
            for row in session.exec(stmt):
                out[office_id][int(row[0])] = row
    return out


def _compensation(refs: Mapping[EvidenceKind, set[int]], values: Mapping[int, Any]) -> int | None:
    """R11: the assessed value of the damage incidents; None while any is not assessed."""
    ids = sorted(refs.get(EvidenceKind.DAMAGE, set()))
    if not ids:
        return None
    found: list[int | None] = [values[i].assessed_value_fen for i in ids if i in values]
    if not found or any(v is None for v in found):
        return None
    return sum(v for v in found if v is not None)


def _concealed_tip(
    refs: Mapping[EvidenceKind, set[int]],
    feedback: Mapping[int, Any],
    lines: Mapping[int, Any],
    grace_hours: int,
) -> int | None:
    """R12, as its detectors judge it: the tips reported minus what was declared for handover
    by the deadline (a handover is a declaration too); for a declared tip found on its own
    (no report), what has still not been handed over.

    None when a reported tip has no amount: the reviewer must establish it.
    """
    reports = [
        feedback[i]
        for i in sorted(refs.get(EvidenceKind.FEEDBACK, set()))
        if i in feedback and feedback[i].category == FeedbackCategory.TIP_REPORTED.value
    ]
    declared = [lines[i] for i in sorted(refs.get(EvidenceKind.TIP_LINE, set())) if i in lines]
    if not reports:
        if not declared:
            return None
        kept: int = sum(t.amount_fen for t in declared if t.handed_over_at is None)
        return kept
    if any(r.amount_fen is None for r in reports):
        return None
    reported: int = sum(r.amount_fen or 0 for r in reports)
    deadline = max(r.occurred_at for r in reports) + timedelta(hours=grace_hours)
    in_time: int = 0
    for t in declared:
        known = [at for at in (t.declared_at, t.handed_over_at) if at is not None]
        if known and min(known) <= deadline:
            in_time += t.amount_fen
    return max(reported - in_time, 0)


def _restitution(refs: Mapping[EvidenceKind, set[int]], feedback: Mapping[int, Any]) -> int | None:
    """R13: the money or goods' value reported solicited or stolen."""
    ids = sorted(refs.get(EvidenceKind.FEEDBACK, set()))
    if not ids:
        return None
    known: list[int] = [
        feedback[i].amount_fen
        for i in ids
        if i in feedback
        and feedback[i].category in _RESTITUTION_CATEGORIES
        and feedback[i].amount_fen is not None
    ]
    return sum(known) if known else None


def _executed_cases(session: Session, cases: Sequence[Case]) -> dict[int, int]:
    """Per R10 case: the staff member's other R10 cases executed or closed."""
    wanted = [c for c in cases if c.rule_code == INCOMPETENCE_RULE]
    done: dict[tuple[int, int], list[int]] = defaultdict(list)
    for staff_ids in chunks(sorted({c.staff_id for c in wanted})):
        rows = session.exec(
            select(Case.office_id, Case.staff_id, Case.id).where(
                col(Case.staff_id).in_(staff_ids),
                col(Case.rule_code) == INCOMPETENCE_RULE,
                col(Case.status).in_(_EXECUTED),
            )
        )
        for office_id, staff_id, case_id in rows:
            done[(office_id, staff_id)].append(case_id or 0)
    return {
        c.id or 0: sum(1 for i in done.get((c.office_id, c.staff_id), ()) if i != c.id)
        for c in wanted
    }


def gather_many(
    session: Session,
    cases: Sequence[Case],
    findings: Mapping[int, Sequence[Finding]],
    tz_name: str,
) -> dict[int, EngineInput]:
    """The engine's input for each case (by id): prior breaches, wage, money facts, earlier
    steps. `findings` holds each case's findings; the queries do not grow with the cases."""
    tz = ZoneInfo(tz_name)
    timelines: dict[int, Timeline] = {
        office_id: policy_params.timeline(session, office_id)
        for office_id in sorted({c.office_id for c in cases})
    }
    effective = {
        c.id or 0: _pick_effective(timelines[c.office_id][c.rule_code], c, tz) for c in cases
    }
    refs = {c.id or 0: evidence_refs(findings.get(c.id or 0, ())) for c in cases}

    def wanted(kind: EvidenceKind, pick: Any) -> dict[int, set[int]]:
        out: dict[int, set[int]] = defaultdict(set)
        for c in cases:
            if pick(c.rule_code):
                out[c.office_id] |= refs[c.id or 0].get(kind, set())
        return out

    not_money = (DAMAGE_RULE, INCOMPETENCE_RULE)
    damages = _by_id(
        session,
        (DamageIncident.id, DamageIncident.assessed_value_fen),
        wanted(EvidenceKind.DAMAGE, lambda r: r == DAMAGE_RULE),
    )
    feedback = _by_id(
        session,
        (Feedback.id, Feedback.category, Feedback.amount_fen, Feedback.occurred_at),
        wanted(EvidenceKind.FEEDBACK, lambda r: r not in not_money),
        col(Feedback.category).in_([FeedbackCategory.TIP_REPORTED.value, *_RESTITUTION_CATEGORIES]),
    )
    lines = _by_id(
        session,
        (TipLine.id, TipLine.amount_fen, TipLine.handed_over_at, TipLine.declared_at),
        wanted(EvidenceKind.TIP_LINE, lambda r: r == TIP_RULE),
    )
    priors = _priors(session, cases)
    wages = _wages(session, cases, tz)
    executed = _executed_cases(session, cases)
    out: dict[int, EngineInput] = {}
    for case in cases:
        cid = case.id or 0
        eff, mine, case_refs = effective[cid], priors[cid], refs[cid]
        office = case.office_id
        compensation = concealed = restitution = None
        prior_concealments = prior_steps = 0
        if case.rule_code == DAMAGE_RULE:
            compensation = _compensation(case_refs, damages.get(office, {}))
        elif case.rule_code == TIP_RULE:
            grace = eff.params.get("handover_grace_hours", 48)
            concealed = _concealed_tip(
                case_refs, feedback.get(office, {}), lines.get(office, {}), grace
            )
            # Only a concealment a case decided, the decision standing, makes this a repeat.
            prior_concealments = len(
                {p.case_number for p in mine if p.standing is Standing.DECIDED}
            )
        elif case.rule_code == INCOMPETENCE_RULE:
            prior_steps = executed[cid]
        else:
            restitution = _restitution(case_refs, feedback.get(office, {}))
        facts = SanctionFacts(
            incident_at=case.incident_at,
            monthly_wage_fen=wages[cid] or 0,
            compensation_fen=compensation,
            concealed_tip_fen=concealed,
            restitution_fen=restitution,
            prior_concealments=prior_concealments,
            prior_incompetence_steps=prior_steps,
            case_number=case.number,
            time_zone=tz_name,
        )
        prior_breaches = tuple(
            PriorBreach(
                finding_id=p.finding_id,
                case_number=p.case_number,
                rule_code=p.rule_code,
                occurred_at=p.occurred_at,
                severity=Severity(p.severity) if p.severity else None,
                standing=p.standing,
            )
            for p in mine
        )
        out[cid] = EngineInput(eff, prior_breaches, facts)
    return out


def gather(session: Session, case: Case, findings: Sequence[Finding], tz_name: str) -> EngineInput:
    """The engine's input for one case: a batch of one."""
    return gather_many(session, [case], {case.id or 0: findings}, tz_name)[case.id or 0]
