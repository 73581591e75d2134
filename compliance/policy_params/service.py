"""Which version of a rule, with which parameters, is in force for an office on a day.

Rule changes are never retroactive (《劳动合同法》第四条: a rule binds staff once it has been
made known to them). A version applies from 00:00 office time of its effective_from day, so
`publish` refuses any day whose start is before the moment the change is recorded: from
tomorrow on, or today only when recorded at exactly 00:00 office time. History (versions the
office published before it recorded them here: demo data, an import) goes through
`record_history` with its own publication moment, never through the CLI or the web.
"""

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.permissions import Permission
from compliance.policy_params.models import PolicyVersion
from compliance.usecase import use_case
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
    published_at: datetime | None = None  # None: the code's defaults, published with the code

    def published_on(self, tz: tzinfo) -> date:
        """The office day this version was published (the code's date for the defaults)."""
        if self.published_at is None:
            return self.policy.published_on
        return local_date(self.published_at, tz)

    @property
    def version(self) -> str:
        """Version label stored with every finding, e.g. '1.0' (defaults) or '1.2'."""
        return f"{self.policy.version}.{self.revision}"


def _defaults(policy: Policy) -> EffectivePolicy:
    params = policy.resolve_params(None)
    return EffectivePolicy(policy, 0, policy.effective_from, params, policy.params_digest(params))


def _from_row(policy: Policy, row: PolicyVersion) -> EffectivePolicy:
    params = policy.resolve_params(json.loads(row.params_json))
    return EffectivePolicy(
        policy, row.revision, row.effective_from, params, row.params_digest, row.published_at
    )


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


# The reason a past effective date is refused: an English msgid the pages translate
# (compliance/translations) and the CLI prints with its Chinese beside it (RETROACTIVE_ZH).
RETROACTIVE = (
    "a new version cannot take effect before it is recorded: a rule binds staff only once it "
    "has been made known to them (Labour Contract Law, art. 4); choose tomorrow or a later day"
)
RETROACTIVE_ZH = (
    "新版本不能在录入之前生效:规章制度须向员工公示或告知后才对其生效(《劳动合同法》第四条);"
    "请选择明天或以后的日期"
)


def starts_at(day: date, tz: tzinfo) -> datetime:
    """The moment a version effective from `day` starts to apply: 00:00 office time."""
    return datetime.combine(day, time(), tz)


def earliest_effective_from(recorded_at: datetime, tz: tzinfo) -> date:
    """The first day a version recorded at `recorded_at` may take effect: the day whose start
    (00:00 office time) is not before that moment — today only at exactly midnight."""
    today = local_date(recorded_at, tz)
    return today if starts_at(today, tz) >= recorded_at else today + timedelta(days=1)


def _rule(code: str) -> Policy:
    try:
        return registry.get(code)
    except KeyError:
        raise ValidationFailed.one("rule_code", f"unknown rule {code}") from None


@use_case
def publish(
    ctx: Ctx, code: str, overrides: Mapping[str, Any], effective_from: date, reason: str
) -> EffectivePolicy:
    """Admin: change a rule's parameters from a date on; this creates a new version.

    Published now: refused when effective_from starts before this moment (never retroactive).
    """
    ctx.require(Permission.ADMINISTER)
    policy = _rule(code)
    if not reason.strip():
        raise ValidationFailed.one("reason", "a reason is required for a parameter change")
    if effective_from < policy.effective_from:
        raise ValidationFailed.one("effective_from", "is before the rule itself took effect")
    now = ctx.now()
    if starts_at(effective_from, ctx.tz) < now:
        raise ValidationFailed.one("effective_from", RETROACTIVE)
    return _insert(ctx, policy, overrides, effective_from, reason, now, "policy.published")


@use_case
def record_history(
    ctx: Ctx,
    code: str,
    overrides: Mapping[str, Any],
    effective_from: date,
    reason: str,
    published_at: datetime,
) -> EffectivePolicy:
    """Admin, from code only (the demo loader, an import; no CLI command or page calls it):
    record a version the office published at `published_at`, before this system knew of it.

    History obeys the same rule as `publish`: the version took effect no earlier than its
    publication, which is no later than now.
    """
    ctx.require(Permission.ADMINISTER)
    policy = _rule(code)
    if not reason.strip():
        raise ValidationFailed.one("reason", "a reason is required for a parameter change")
    if effective_from < policy.effective_from:
        raise ValidationFailed.one("effective_from", "is before the rule itself took effect")
    if published_at.tzinfo is None or published_at > ctx.now():
        raise ValidationFailed.one("published_at", "must be an aware moment no later than now")
    if starts_at(effective_from, ctx.tz) < published_at:
        raise ValidationFailed.one("effective_from", RETROACTIVE)
    return _insert(
        ctx, policy, overrides, effective_from, reason, published_at, "policy.history_recorded"
    )


def _insert(
    ctx: Ctx,
    policy: Policy,
    overrides: Mapping[str, Any],
    effective_from: date,
    reason: str,
    published_at: datetime,
    event: str,
) -> EffectivePolicy:
    code = policy.code
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
        published_at=published_at,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    eff = _from_row(policy, row)
    audit.record(
        ctx,
        event,
        "policy_version",
        row.id,
        {
            "rule": code,
            "version": eff.version,
            "from": effective_from,
            "published_at": published_at,
            "params": params,
        },
    )
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
