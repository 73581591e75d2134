"""Run every automatic detector over a period and store the findings (once per evidence)."""

import json
import time as _time
from dataclasses import dataclass, field
from datetime import date, timedelta

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.findings.gather import gather
from compliance.findings.models import DetectionRun, FindingSource
from compliance.findings.service import store_decisions
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.users.models import Role
from policies import registry
from policies.base import Decision, Outcome

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


def run_detection(ctx: Ctx, start: date, end: date) -> RunSummary:
    """Detect breaches of every rule in [start, end] (office-local dates), one transaction."""
    ctx.require(Role.MANAGER, Role.HR, Role.ADMIN)
    today = ctx.now().astimezone(ctx.tz).date()
    if end < start:
        raise ValidationFailed.one("end", "is before start")
    if start > today:
        raise ValidationFailed.one("start", "is in the future")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed.one("end", f"period longer than {MAX_PERIOD_DAYS} days")
    end = min(end, today)
    began = _time.perf_counter()
    rules = [p for p in registry.RULES if p.detectors]
    needs = frozenset().union(*(d.needs for p in rules for d in p.detectors))
    bundle = gather(ctx.session, ctx.actor.office_id, start, end, ctx.now(), ctx.tz, needs)
    run = DetectionRun(
        office_id=ctx.actor.office_id,
        period_start=start,
        period_end=end,
        ruleset_digest=registry.ruleset_digest(),
        started_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(run)
    ctx.session.flush()
    assert run.id is not None
    summary = RunSummary(run.id, start, end, run.ruleset_digest)
    summary.facts = {
        "feedback": len(bundle.feedback),
        "field_days": len(bundle.field_days),
        "visits": len(bundle.visits),
        "tip_lines": len(bundle.tip_lines),
        "damages": len(bundle.damages),
    }
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)
    for policy in rules:
        count = summary.per_rule.setdefault(policy.code, RuleCount())
        for eff, lo, hi in _segments(versions[policy.code], start, end):
            decisions = [
                d for d in policy.detect(bundle, eff.params) if _in_segment(d, ctx, lo, hi)
            ]
            errors = [d for d in decisions if d.outcome == Outcome.ERROR]
            count.errors += len(errors)
            summary.error_messages.extend(f"{policy.code}: {d.error}" for d in errors[:5])
            storable = [d for d in decisions if d.staff_id is not None and d.occurred_at]
            new, existing = store_decisions(ctx, storable, eff, FindingSource.DETECTOR, run.id)
            count.new += len(new)
            count.existing += existing
    summary.seconds = _time.perf_counter() - began
    run.finished_at = ctx.now()
    run.new_findings, run.existing_findings, run.errors = (
        summary.new,
        summary.existing,
        summary.errors,
    )
    run.summary = json.dumps(
        {code: vars(c) for code, c in summary.per_rule.items()} | {"facts": summary.facts}
    )
    audit.record(
        ctx,
        "detection.run",
        "detection_run",
        run.id,
        {"start": start, "end": end, "ruleset": run.ruleset_digest, "summary": run.summary},
    )
    ctx.session.commit()
    return summary
