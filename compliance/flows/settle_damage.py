"""Settling a damage outside the payroll: the damage's account, and pay stops recovering
what was settled (damages -> pay, so it lives in flows)."""

from typing import Any

from compliance.context import Ctx
from compliance.damages import service as damages
from compliance.damages.schemas import DamageRead, Settle
from compliance.pay import settlements


def settle(ctx: Ctx, damage_id: int, data: Settle | dict[str, Any]) -> DamageRead:
    """Record an amount settled outside the payroll (see damages.service.settle); a deduction
    already planned for the damage is reduced by it."""
    return damages.settle(ctx, damage_id, data, settlements)
