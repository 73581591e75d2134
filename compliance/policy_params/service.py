"""Which version of a rule, with which parameters, is in force for an office on a day."""

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.policy_params.models import PolicyVersion
from compliance.users.models import Role
from policies import registry
from policies.base import Policy


@dataclass(frozen=True)
class EffectivePolicy:
    """A rule with the parameters an office uses from effective_from on."""

    policy: Policy
    revision: int
    effective_from: date
    params: Mapping[str, int]
    digest: str

    @property
    def version(self) -> str:
        """Version label stored with every finding, e.g. '1.0' (defaults) or '1.2'."""
        return f"{self.policy.version}.{self.revision}"


def _defaults(policy: Policy) -> EffectivePolicy:
    params = policy.resolve_params(None)
    return EffectivePolicy(policy, 0, policy.effective_from, params, policy.params_digest(params))


def _from_row(policy: Policy, row: PolicyVersion) -> EffectivePolicy:
    params = policy.resolve_params(json.loads(row.params_json))
    return EffectivePolicy(policy, row.revision, row.effective_from, params, row.params_digest)


Timeline = dict[str, list[EffectivePolicy]]


def timeline(session: Session, office_id: int) -> Timeline:
    """Every rule's versions for the office, oldest first (one query)."""
    rows = session.execute(
        select(PolicyVersion)
        .where(col(PolicyVersion.office_id) == office_id)
        .order_by(
            col(PolicyVersion.rule_code),
            col(PolicyVersion.effective_from),
            col(PolicyVersion.revision),
        )
    ).scalars()
    out: Timeline = {p.code: [_defaults(p)] for p in registry.RULES}
    for row in rows:
        policy = registry.get(row.rule_code)
        if row.code_version == policy.version:
            out[row.rule_code].append(_from_row(policy, row))
    return out


def pick(versions: list[EffectivePolicy], day: date) -> EffectivePolicy | None:
    """The version in force on a day (never a later one); None before the rule existed."""
    chosen = None
    for v in versions:
        if v.effective_from <= day:
            chosen = v
    return chosen


def in_force(session: Session, office_id: int, code: str, day: date) -> EffectivePolicy | None:
    """The version of one rule in force for the office on a day."""
    return pick(timeline(session, office_id)[code], day)


def publish(
    ctx: Ctx, code: str, overrides: Mapping[str, Any], effective_from: date, reason: str
) -> EffectivePolicy:
    """Admin: change a rule's parameters from a date on; this creates a new version."""
    ctx.require(Role.ADMIN)
    try:
        policy = registry.get(code)
    except KeyError:
        raise ValidationFailed.one("rule_code", f"unknown rule {code}") from None
    if not reason.strip():
        raise ValidationFailed.one("reason", "a reason is required for a parameter change")
    if effective_from < policy.effective_from:
        raise ValidationFailed.one("effective_from", "is before the rule itself took effect")
    office_id = ctx.actor.office_id
    current = in_force(ctx.session, office_id, code, effective_from) or _defaults(policy)
    merged = {**current.params, **overrides}
    try:
        params = policy.resolve_params(merged)
    except ValueError as exc:
        raise ValidationFailed.one("params", str(exc)) from None
    last = ctx.session.execute(
        select(func.max(col(PolicyVersion.revision))).where(
            col(PolicyVersion.office_id) == office_id,
            col(PolicyVersion.rule_code) == code,
            col(PolicyVersion.code_version) == policy.version,
        )
    ).scalar_one()
    row = PolicyVersion(
        office_id=office_id,
        rule_code=code,
        code_version=policy.version,
        revision=(last or 0) + 1,
        effective_from=effective_from,
        params_json=json.dumps(params, sort_keys=True),
        params_digest=policy.params_digest(params),
        reason=reason.strip(),
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    eff = _from_row(policy, row)
    audit.record(
        ctx,
        "policy.published",
        "policy_version",
        row.id,
        {"rule": code, "version": eff.version, "from": effective_from, "params": params},
    )
    ctx.session.commit()
    return eff


def load_overrides_file(path: Path) -> list[tuple[str, date, dict[str, int], str]]:
    """Read a checked-in TOML of parameter overrides: [[override]] rule, from, reason, params."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValidationFailed.one("file", f"cannot read {path.name}: {exc}") from None
    out, errors = [], []
    for i, entry in enumerate(data.get("override", [])):
        try:
            out.append(
                (str(entry["rule"]), entry["from"], dict(entry["params"]), str(entry["reason"]))
            )
        except (KeyError, TypeError) as exc:
            errors.append(FieldError(f"override.{i}", f"missing or bad key {exc}"))
    if errors:
        raise ValidationFailed(errors)
    return out
