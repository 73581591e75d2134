"""The limit each measured checklist item is judged against, from the office's policy in force
today (e.g. 按铃 ≤ 2 分钟), so the form shows the inspector what the rule will apply."""

from dataclasses import dataclass

from compliance.clock import local_date
from compliance.context import Ctx
from compliance.permissions import Permission
from compliance.policy_params.service import pick, timeline
from policies import registry
from policies.checklist import Bound


@dataclass(frozen=True)
class ItemLimit:
    """A checklist item's limit: the parameter's value in force and how it reads."""

    item_key: str
    rule_code: str
    param: str
    value: int
    unit: str
    bound: Bound
    policy_version: str

    def text(self, lang: str) -> str:
        """ "≤ 2 分钟" / "≤ 2 min", "≥ 5 秒" / "≥ 5 s" (whole minutes shown as minutes)."""
        sign = "≤" if self.bound is Bound.MAX else "≥"
        value, unit = self.value, self.unit
        if unit == "s" and value >= 60 and value % 60 == 0:
            value, unit = value // 60, "min"
        words = {"s": ("秒", "s"), "min": ("分钟", "min"), "h": ("小时", "h")}
        zh, en = words.get(unit, (unit, unit))
        return f"{sign} {value} {zh if lang == 'zh' else en}"


def checklist_limits(ctx: Ctx) -> dict[str, ItemLimit]:
    """Each measured item's limit under the version of its rule in force today, by item key."""
    ctx.require(Permission.USE_APP)
    today = local_date(ctx.now(), ctx.tz)
    versions = timeline(ctx.session, ctx.actor.office_id)
    out: dict[str, ItemLimit] = {}
    for item in registry.checklist_items():
        spec = item.observed
        if spec is None:
            continue
        current = pick(versions[item.rule_code], today)
        if current is None:
            continue
        out[item.key] = ItemLimit(
            item_key=item.key,
            rule_code=item.rule_code,
            param=spec.limit_param,
            value=current.params[spec.limit_param],
            unit=spec.unit,
            bound=spec.bound,
            policy_version=current.version,
        )
    return out
