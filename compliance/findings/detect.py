"""Run every automatic detector over a period and store the findings (once per evidence)."""

import json
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.findings.gather import gather
from compliance.findings.models import DetectionRun, FindingSource
from compliance.findings.service import store_decisions
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.usecase import use_case
from policies import registry
from policies.base import Decision, Outcome, Policy
from policies.facts import FactBundle

MAX_PERIOD_DAYS = 400


@dataclass
class RuleCount:
    """Findings one rule produced in a run."""

    new: int = 0
    existing: int = 0
    errors: int = 0


@dataclass
class RunSummary:
    """What a detection run did."""

    run_id: int
    start: date
    end: date
    ruleset_digest: str
    per_rule: dict[str, RuleCount] = field(default_factory=dict)
    error_messages: list[str] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def new(self) -> int:
        """New findings in all rules."""
        return sum(c.new for c in self.per_rule.values())

    @property
    def existing(self) -> int:
        """Breaches found again that already had a finding."""
        return sum(c.existing for c in self.per_rule.values())

    @property
    def errors(self) -> int:
        """Rule evaluations that failed (never counted as a pass)."""
        return sum(c.errors for c in self.per_rule.values())


def _segments(
    versions: list[EffectivePolicy], start: date, end: date
) -> list[tuple[EffectivePolicy, date, date]]:
    """The parts of [start, end] each version of a rule was in force."""
    out = []
    for i, v in enumerate(versions):
        until = versions[i + 1].effective_from - timedelta(days=1) if i + 1 < len(versions) else end
        lo, hi = max(start, v.effective_from), min(end, until)
        if lo <= hi:
            out.append((v, lo, hi))
    return out


def _in_segment(d: Decision, ctx: Ctx, lo: date, hi: date) -> bool:
    if d.occurred_at is None:
        return d.outcome == Outcome.ERROR
    return lo <= d.occurred_at.astimezone(ctx.tz).date() <= hi


def narrow_to_staff(bundle: FactBundle, staff_id: int) -> FactBundle:
    """The same facts with only one staff member's records (every fact names its staff)."""
    changes: dict[str, Any] = {}
    for f in fields(bundle):
        value = getattr(bundle, f.name)
        if isinstance(value, tuple) and value and hasattr(value[0], "staff_id"):
            changes[f.name] = tuple(v for v in value if v.staff_id == staff_id)
    return replace(bundle, **changes)


@dataclass
class RuleResult:
    """What one rule decided over (part of) a period under the version in force then."""

    policy: Policy
    eff: EffectivePolicy
    decisions: list[Decision]
    new_keys: list[str]
    existing: int


def evaluate(
    ctx: Ctx,
    bundle: FactBundle,
    rules: Sequence[Policy],
    start: date,
    end: date,
    *,
    source: FindingSource = FindingSource.DETECTOR,
    run_id: int | None = None,
    staff_id: int | None = None,
) -> list[RuleResult]:
    """Run the rules' detectors on the facts, each day under the version then in force, and
    store a finding for every breach or error not stored before (flushes, never commits).

    With `staff_id`, only that staff member's decisions are kept (the facts should already be
    narrowed to them: see `narrow_to_staff`).
    """
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)
    out: list[RuleResult] = []
    for policy in rules:
        for eff, lo, hi in _segments(versions[policy.code], start, end):
            decisions = [
                d
                for d in policy.detect(bundle, eff.params)
                if _in_segment(d, ctx, lo, hi) and (staff_id is None or d.staff_id == staff_id)
            ]
            storable = [d for d in decisions if d.staff_id is not None and d.occurred_at]
            new, existing = store_decisions(ctx, storable, eff, source, run_id)
            out.append(RuleResult(policy, eff, decisions, new, existing))
    return out


def detector_rules() -> list[Policy]:
    """The rules that have automatic detectors, in rulebook order."""
    return [p for p in registry.RULES if p.detectors]


def detect_period(ctx: Ctx, start: date, end: date, *, created_by: int | None) -> RunSummary:
    """Detect breaches of every rule in [start, end] and record the run; flushes, never
    commits, checks no role (the caller's use case does: `run_detection`, the nightly run)."""
    began = _time.perf_counter()
    rules = detector_rules()
    needs = frozenset().union(*(d.needs for p in rules for d in p.detectors))
    bundle = gather(ctx.session, ctx.actor.office_id, start, end, ctx.now(), ctx.tz, needs)
    run = DetectionRun(
        office_id=ctx.actor.office_id,
        period_start=start,
        period_end=end,
        ruleset_digest=registry.ruleset_digest(),
        started_at=ctx.now(),
        created_by=created_by,
    )
    ctx.session.add(run)
    ctx.session.flush()
    assert run.id is not None
    summary = RunSummary(run.id, start, end, run.ruleset_digest)
    summary.facts = {
        "feedback": len(bundle.feedback),
        "punches": len(bundle.punches),
        "visits": len(bundle.visits),
        "tip_lines": len(bundle.tip_lines),
        "damages": len(bundle.damages),
    }
    for policy in rules:
        summary.per_rule.setdefault(policy.code, RuleCount())
    for result in evaluate(ctx, bundle, rules, start, end, run_id=run.id):
        count = summary.per_rule[result.policy.code]
        errors = [d for d in result.decisions if d.outcome == Outcome.ERROR]
        count.errors += len(errors)
        summary.error_messages.extend(f"{result.policy.code}: {d.error}" for d in errors[:5])
        count.new += len(result.new_keys)
        count.existing += result.existing
    summary.seconds = _time.perf_counter() - began
    run.finished_at = ctx.now()
    run.new_findings, run.existing_findings, run.errors = (
        summary.new,
        summary.existing,
        summary.errors,
    )
    run.summary = _summary_json(summary)
    return summary


def check_period(ctx: Ctx, start: date, end: date) -> date:
    """Refuse a backwards, future or too long period; return the end, capped at today."""
    today = ctx.now().astimezone(ctx.tz).date()
    if end < start:
        raise ValidationFailed.one("end", "is before start")
    if start > today:
        raise ValidationFailed.one("start", "is in the future")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed.one("end", f"period longer than {MAX_PERIOD_DAYS} days")
    return min(end, today)


@use_case
def run_detection(ctx: Ctx, start: date, end: date) -> RunSummary:
    """Detect breaches of every rule in [start, end] (office-local dates), one transaction."""
    ctx.require(Permission.RUN_DETECTION)
    end = check_period(ctx, start, end)
    summary = detect_period(ctx, start, end, created_by=ctx.actor.user_id)
    audit.record(
        ctx,
        "detection.run",
        "detection_run",
        summary.run_id,
        {
            "start": start,
            "end": end,
            "ruleset": summary.ruleset_digest,
            "summary": _summary_json(summary),
        },
    )
    return summary


def _summary_json(summary: RunSummary) -> str:
    return json.dumps(
        {code: vars(c) for code, c in summary.per_rule.items()} | {"facts": summary.facts}
    )
