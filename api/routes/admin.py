"""/api/admin: rule parameters, minimum wages, users and the audit chain (admin only)."""

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CtxDep, IdPath, require
from api.read_models.admin_overview import admin_overview
from compliance.accounts import users
from compliance.accounts.schemas import UserCreate, UserRead
from compliance.audit import service as audit
from compliance.pay import service as pay
from compliance.pay.schemas import MinimumWageRead, MinimumWageSet
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.validation import Flag, Input

router = APIRouter(prefix="/api/admin", tags=["admin"])
ADMIN = require(Permission.ADMINISTER)
USERS = require(Permission.MANAGE_USERS)


class PublishIn(Input):
    """New parameter values of a rule from a date on, with the reason."""

    params: dict[str, int] = Field(default_factory=dict)
    effective_from: date
    reason: str = Field(min_length=1, max_length=1000)


class VersionRead(BaseModel):
    """The version a publication created."""

    rule_code: str
    version: str
    effective_from: date
    params: dict[str, int]
    digest: str


class ActiveIn(BaseModel):
    """Enable or disable a user."""

    model_config = ConfigDict(extra="forbid")

    active: Flag


class ChainRead(BaseModel):
    """The audit chain's state: intact, or the first bad sequence number."""

    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str


@router.get("/users", dependencies=[USERS])
def list_users(ctx: CtxDep) -> list[UserRead]:
    """The office's users."""
    return admin_overview(ctx).users


@router.post("/users", status_code=201, dependencies=[USERS])
def create_user(body: UserCreate, ctx: CtxDep) -> UserRead:
    """Add a user with a role."""
    return users.create_user(ctx, body)


@router.post("/users/{user_id}/active", dependencies=[USERS])
def set_active(user_id: IdPath, body: ActiveIn, ctx: CtxDep) -> UserRead:
    """Disable (their sessions and tokens end) or enable a user."""
    return users.set_active(ctx, user_id, body.active)


@router.post("/rules/{rule_code}", status_code=201, dependencies=[ADMIN])
def publish(rule_code: str, body: PublishIn, ctx: CtxDep) -> VersionRead:
    """Change a rule's parameters from a date on: a new policy version."""
    eff = policy_params.publish(ctx, rule_code, body.params, body.effective_from, body.reason)
    return VersionRead(
        rule_code=eff.policy.code,
        version=eff.version,
        effective_from=eff.effective_from,
        params=dict(eff.params),
        digest=eff.digest,
    )


@router.get("/minimum-wages", dependencies=[ADMIN])
def minimum_wages(ctx: CtxDep) -> list[MinimumWageRead]:
    """Recorded minimum wages by city and date."""
    return pay.list_minimum_wages(ctx)


@router.post("/minimum-wages", status_code=201, dependencies=[ADMIN])
def set_minimum_wage(body: MinimumWageSet, ctx: CtxDep) -> MinimumWageRead:
    """Record a city's monthly minimum wage from a date on."""
    return pay.set_minimum_wage(ctx, body.city, body.monthly_fen, body.effective_from, body.note)


@router.get("/audit/verify", dependencies=[ADMIN])
def verify(ctx: CtxDep) -> ChainRead:
    """Walk the audit chain and report whether it is intact."""
    report: dict[str, Any] = asdict(audit.verify_chain(ctx))
    return ChainRead(**report)
