"""Judge a record the moment it is saved: the rules it feeds, on that staff member's facts.

The record is saved by its own use case (and committed) first; judging runs right after, in
a transaction of its own, through the same detectors, fact gathering and finding store as a
detection run (compliance/findings/detect.py), so a finding made here is the one a later run
would make, and never made twice. If judging fails the record is kept, the failure is
recorded and said, and the nightly run judges the record again.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlmodel import col

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.damages.models import DamageIncident
from compliance.errors import NotFound
from compliance.feedback.models import Feedback
from compliance.findings import service as findings
from compliance.findings.detect import detector_rules, evaluate, narrow_to_staff
from compliance.findings.gather import gather
from compliance.flows.judgments import JudgeResult, RecordKind, RuleOutcome, Verdict
from compliance.flows.models import Judgment
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.tips.models import TipLine
from compliance.usecase import transaction
from compliance.visits.models import Visit
from policies.base import Decision, EvidenceRef, Outcome, Policy
from policies.conduct.feedback import rules_fed
from policies.text import yuan
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel, Satisfaction

log = logging.getLogger(__name__)
T = TypeVar("T")


# The facts each kind of record adds to: a rule is fed by a record when one of its
# detectors needs those facts (declared on the detector). Spot checks feed the rules of
# their checklist items instead.
FEEDS: dict[RecordKind, frozenset[str]] = {
    RecordKind.FEEDBACK: frozenset({"feedback"}),
    RecordKind.VISIT: frozenset({"visits", "punches"}),
    RecordKind.TIP: frozenset({"tip_lines"}),
    RecordKind.DAMAGE: frozenset({"damages"}),
}

# Rules whose breach is the absence of something within a time allowed: a record saved
# before that time is up cannot breach them yet; the nightly run judges them again.
NEEDS_TIME = frozenset({"R02", "R12"})

# Days around the record's own day whose facts can change a decision it feeds: a night
# shift's duty starts the day before; a tip handover counts within the grace either side.
WINDOW: dict[RecordKind, tuple[int, int]] = {
    RecordKind.FEEDBACK: (0, 0),
    RecordKind.VISIT: (1, 1),
    RecordKind.TIP: (3, 3),
    RecordKind.DAMAGE: (0, 0),
}

UNIT_ZH = {"s": "秒", "min": "分钟", "h": "小时", "days": "天", "count": ""}
UNIT_EN = {"s": "s", "min": "min", "h": "h", "days": "days", "count": ""}


@dataclass(frozen=True)
class _Subject:
    staff_id: int
    day: date
    ref: EvidenceRef
    rules: tuple[Policy, ...]


def _rules_feeding(kind: RecordKind) -> tuple[Policy, ...]:
    fed = FEEDS[kind]
    return tuple(p for p in detector_rules() if any(d.needs & fed for d in p.detectors))


def _one(ctx: Ctx, model: Any, record_id: int) -> Any:
    row = ctx.session.execute(
        select(model).where(model.id == record_id, model.office_id == ctx.actor.office_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{model.__name__} {record_id} not found")
    return row


def _subject(ctx: Ctx, kind: RecordKind, record_id: int) -> _Subject:
    rules = _rules_feeding(kind)
    if kind is RecordKind.FEEDBACK:
        fb: Feedback = _one(ctx, Feedback, record_id)
        # The rules its category leads to (declared once, with the feedback rules); a damage
        # report's R11 is judged on the incident it opened (see judge_record).
        satisfaction = Satisfaction(fb.satisfaction) if fb.satisfaction else None
        codes = set(
            rules_fed(FeedbackCategory(fb.category), FeedbackChannel(fb.channel), satisfaction)
        )
        ref = EvidenceRef(EvidenceKind.FEEDBACK, record_id)
        return _Subject(fb.staff_id, fb.work_date, ref, tuple(p for p in rules if p.code in codes))
    if kind is RecordKind.VISIT:
        visit: Visit = _one(ctx, Visit, record_id)
        return _Subject(
            visit.staff_id, visit.work_date, EvidenceRef(EvidenceKind.VISIT, record_id), rules
        )
    if kind is RecordKind.TIP:
        tip: TipLine = _one(ctx, TipLine, record_id)
        day = local_date(tip.received_at, ctx.tz)
        return _Subject(tip.staff_id, day, EvidenceRef(EvidenceKind.TIP_LINE, record_id), rules)
    damage: DamageIncident = _one(ctx, DamageIncident, record_id)
    day = local_date(damage.occurred_at, ctx.tz)
    return _Subject(damage.staff_id, day, EvidenceRef(EvidenceKind.DAMAGE, record_id), rules)


def _limits(policy: Policy, params: dict[str, int], zh: bool) -> str:
    parts = []
    for p in policy.parameters:
        value = params.get(p.name, p.default)
        if p.unit == "fen":
            shown = yuan(value)
        else:
            unit = (UNIT_ZH if zh else UNIT_EN).get(p.unit, p.unit)
            shown = f"{value} {unit}".strip()
        parts.append(f"{p.description_zh if zh else p.description_en} {shown}")
    return ("、" if zh else "; ").join(parts)


def _checked(policy: Policy, params: dict[str, int], fed: frozenset[str]) -> tuple[str, str]:
    """What a rule with no breach was checked for (its detectors this record feeds), with
    the limits that applied."""
    detectors = [d for d in policy.detectors if d.needs & fed] or list(policy.detectors)
    what_zh = ";".join(d.description_zh for d in detectors)
    what_en = "; ".join(d.description_en for d in detectors)
    zh, en = f"已检查:{what_zh}", f"checked: {what_en}"
    if policy.parameters:
        zh += f"({_limits(policy, params, True)})"
        en += f" ({_limits(policy, params, False)})"
    if policy.code in NEEDS_TIME:
        zh += ";期限届满后由夜间检查再次判定"
        en += "; judged again by the nightly run once the time allowed has passed"
    return zh, en


def _concerns(d: Decision, ref: EvidenceRef, new: set[str]) -> bool:
    return d.dedupe_key in new or ref in d.evidence


def _from_decision(d: Decision, new: set[str], ids: dict[str, int]) -> RuleOutcome:
    if d.outcome is Outcome.PASS:
        return RuleOutcome(d.rule_code, Verdict.NO_BREACH, d.explanation_zh, d.explanation_en)
    if d.outcome is Outcome.NOT_APPLICABLE:
        return RuleOutcome(d.rule_code, Verdict.NOT_APPLICABLE, d.explanation_zh, d.explanation_en)
    verdict = (
        Verdict.ERROR
        if d.outcome is Outcome.ERROR
        else Verdict.FINDING_OPENED
        if d.dedupe_key in new
        else Verdict.FINDING_EXISTS
    )
    return RuleOutcome(
        d.rule_code, verdict, d.explanation_zh, d.explanation_en, ids.get(d.dedupe_key)
    )


def _judge_detected(ctx: Ctx, kind: RecordKind, record_id: int) -> list[RuleOutcome]:
    subject = _subject(ctx, kind, record_id)
    if not subject.rules:
        return []
    today = ctx.now().astimezone(ctx.tz).date()
    before, after = WINDOW[kind]
    end = min(subject.day + timedelta(days=after), today)
    start = min(subject.day - timedelta(days=before), end)
    needs = frozenset().union(*(d.needs for p in subject.rules for d in p.detectors))
    bundle = gather(ctx.session, ctx.actor.office_id, start, end, ctx.now(), ctx.tz, needs)
    bundle = narrow_to_staff(bundle, subject.staff_id)
    results = evaluate(ctx, bundle, subject.rules, start, end, staff_id=subject.staff_id)
    out: list[RuleOutcome] = []
    for policy in subject.rules:
        mine = [r for r in results if r.policy.code == policy.code]
        new = {k for r in mine for k in r.new_keys}
        decided = [d for r in mine for d in r.decisions if _concerns(d, subject.ref, new)]
        ids = findings.finding_ids(ctx, policy.code, [d.dedupe_key for d in decided])
        out.extend(_from_decision(d, new, ids) for d in decided)
        if not decided:
            # The version in force on the record's own day says what was checked.
            eff = next((r.eff for r in mine if r.eff.effective_from <= subject.day), None)
            params = dict(eff.params) if eff else policy.resolve_params()
            zh, en = _checked(policy, params, FEEDS[kind])
            out.append(RuleOutcome(policy.code, Verdict.NO_BREACH, zh, en))
    return out


def _judge_spot_check(ctx: Ctx, record_id: int) -> list[RuleOutcome]:
    check: SpotCheck = _one(ctx, SpotCheck, record_id)
    items = list(
        ctx.session.execute(
            select(SpotCheckItem)
            .where(col(SpotCheckItem.spot_check_id) == record_id)
            .order_by(col(SpotCheckItem.id))
        ).scalars()
    )
    decided = findings.decide_spot_check_items(ctx, check, items)
    # Saving the check already raised its failed items' findings (same transaction as the
    # answers); the first judgment of the check reports them as opened by it.
    first = not ctx.session.execute(
        select(col(Judgment.id)).where(
            col(Judgment.office_id) == ctx.actor.office_id,
            col(Judgment.record_kind) == RecordKind.SPOT_CHECK.value,
            col(Judgment.record_id) == record_id,
        )
    ).first()
    out = []
    for decision, new in decided:
        ids = findings.finding_ids(ctx, decision.rule_code, [decision.dedupe_key])
        opened = set(ids) if first else set(new)
        out.append(_from_decision(decision, opened, ids))
    return out


def judge_record(ctx: Ctx, kind: RecordKind, record_id: int) -> JudgeResult:
    """Run the rules a saved record feeds, store new findings, and record the judgment;
    flushes, never commits (see `judge_saved`)."""
    if kind is RecordKind.SPOT_CHECK:
        outcomes = _judge_spot_check(ctx, record_id)
    else:
        outcomes = _judge_detected(ctx, kind, record_id)
    if kind is RecordKind.FEEDBACK:
        # A damage report is judged through the damage incident it opened (R11).
        opened = ctx.session.execute(
            select(col(Feedback.damage_id)).where(col(Feedback.id) == record_id)
        ).scalar_one_or_none()
        if opened is not None:
            outcomes += _judge_detected(ctx, RecordKind.DAMAGE, opened)
    row = Judgment(
        office_id=ctx.actor.office_id,
        record_kind=kind.value,
        record_id=record_id,
        judged_at=ctx.now(),
        judged_by=ctx.actor.user_id,
        outcomes=json.dumps([asdict(o) for o in outcomes], ensure_ascii=False),
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "record.judged",
        "judgment",
        row.id,
        {
            "record_kind": kind.value,
            "record_id": record_id,
            "outcomes": [
                {"rule": o.rule_code, "verdict": o.verdict.value, "finding_id": o.finding_id}
                for o in outcomes
            ],
        },
    )
    return JudgeResult(kind, record_id, tuple(outcomes), row.id)


def judge_saved(ctx: Ctx, kind: RecordKind, record_id: int) -> JudgeResult:
    """Judge a record its use case has just committed, in a transaction of its own.

    A failure rolls back the judging only: the record stays, the failure is recorded as a
    judgment with its reason, and the nightly run judges the record again.
    """
    try:
        with transaction(ctx.session):
            return judge_record(ctx, kind, record_id)
    except Exception as exc:  # the record is saved; judging must not lose it
        log.exception("judging %s %s failed", kind.value, record_id)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        try:
            with transaction(ctx.session):
                row = Judgment(
                    office_id=ctx.actor.office_id,
                    record_kind=kind.value,
                    record_id=record_id,
                    judged_at=ctx.now(),
                    judged_by=ctx.actor.user_id,
                    error=reason,
                )
                ctx.session.add(row)
            return JudgeResult(kind, record_id, (), row.id, reason)
        except Exception:
            log.exception("recording the failed judgment of %s %s failed", kind.value, record_id)
            return JudgeResult(kind, record_id, (), None, reason)


def save_and_judge(
    ctx: Ctx, kind: RecordKind, save: Callable[[], T], record_id: Callable[[T], int]
) -> tuple[T, JudgeResult]:
    """Save a record through its use case, then judge it at once (see `judge_saved`)."""
    saved = save()
    return saved, judge_saved(ctx, kind, record_id(saved))
