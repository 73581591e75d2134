"""Use cases for offices and users: only admins change users; staff users link to staff."""

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlmodel import Session, col, select

from compliance.accounts.auth import revoke_user_access
from compliance.accounts.models import User
from compliance.accounts.schemas import OfficeCreate, UserCreate, UserRead
from compliance.actors import Role
from compliance.audit import service as audit
from compliance.clock import Clock
from compliance.context import Ctx
from compliance.errors import Conflict, NotFound, ValidationFailed
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.staff.repository import get_in_office
from compliance.usecase import record_new, transaction, use_case
from compliance.validation import parse


def _username_free(session: Session, username: str) -> None:
    if session.exec(select(User.id).where(col(User.username) == username)).first() is not None:
        raise ValidationFailed.one("username", f"{username!r} is taken")


@use_case
def create_user(ctx: Ctx, data: UserCreate | dict[str, Any]) -> UserRead:
    """Admin: add a user; a staff user must be linked to a staff record of the office."""
    ctx.require(Permission.MANAGE_USERS)
    body = parse(UserCreate, data)
    _username_free(ctx.session, body.username)
    if body.role == Role.STAFF and body.staff_id is None:
        raise ValidationFailed.one("staff_id", "a staff user must be linked to a staff record")
    if body.staff_id is not None:
        get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    if body.is_director and body.role != Role.MANAGER:
        raise ValidationFailed.one("is_director", "only a manager can be the office director")
    user = record_new(
        ctx, User, body, update={"created_at": ctx.now()}, audit_action="user.created"
    )
    return UserRead.model_validate(user)


@use_case
def set_active(ctx: Ctx, user_id: int, active: bool) -> UserRead:
    """Admin: disable (e.g. a dismissed employee) or re-enable a user of the office."""
    ctx.require(Permission.MANAGE_USERS)
    user = ctx.session.exec(
        select(User).where(col(User.id) == user_id, col(User.office_id) == ctx.actor.office_id)
    ).one_or_none()
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if user.id == ctx.actor.user_id and not active:
        raise Conflict("an admin cannot disable their own account")
    ctx.session.execute(update(User).where(col(User.id) == user_id).values(active=active))
    if not active:
        revoke_user_access(ctx.session, user_id, ctx.now(), "user disabled")
    audit.record(ctx, "user.enabled" if active else "user.disabled", "user", user_id, {})
    ctx.session.refresh(user)
    return UserRead.model_validate(user)


def create_office(session: Session, clock: Clock, data: OfficeCreate | dict[str, Any]) -> int:
    """Bootstrap: create an office and its first admin (recorded as done by the system)."""
    with transaction(session):
        body = parse(OfficeCreate, data)
        try:
            ZoneInfo(body.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationFailed.one("timezone", f"unknown time zone {body.timezone!r}") from None
        taken = session.exec(select(Office.id).where(col(Office.code) == body.code)).first()
        if taken is not None:
            raise ValidationFailed.one("code", f"office {body.code} exists")
        _username_free(session, body.admin_username)
        now = clock.now()
        office = Office(
            code=body.code, name=body.name, city=body.city, timezone=body.timezone, created_at=now
        )
        session.add(office)
        session.flush()
        assert office.id is not None
        admin = User(
            office_id=office.id,
            username=body.admin_username,
            display_name=body.admin_name,
            role=Role.ADMIN.value,
            created_at=now,
        )
        session.add(admin)
        session.flush()
        audit.append(
            session,
            at=now,
            actor_id=None,
            actor_role="system",
            office_id=office.id,
            action="office.created",
            entity="office",
            entity_id=str(office.id),
            payload=body.model_dump(mode="json"),
        )
        return office.id
