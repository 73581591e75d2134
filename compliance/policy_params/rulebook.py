"""The rulebook as the office applies it: each rule with its versions and parameters."""

from dataclasses import dataclass

from compliance.clock import local_date
from compliance.context import Ctx
from compliance.permissions import Permission
from compliance.policy_params.service import EffectivePolicy, pick, timeline
from policies import registry
from policies.base import Policy


@dataclass(frozen=True)
class RuleEntry:
    """One rule: the policy in code, the office's versions (oldest first), the one in force."""

    policy: Policy
    versions: list[EffectivePolicy]
    current: EffectivePolicy | None


def rulebook(ctx: Ctx) -> list[RuleEntry]:
    """Every rule in article order with the office's version history (any signed-in role)."""
    ctx.require(Permission.USE_APP)
    today = local_date(ctx.now(), ctx.tz)
    versions = timeline(ctx.session, ctx.actor.office_id)
    return [
        RuleEntry(policy, versions[policy.code], pick(versions[policy.code], today))
        for policy in registry.RULES
    ]
