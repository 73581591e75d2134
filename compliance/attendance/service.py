"""Use cases for office punches (check-in / sign-back) and the shift roster."""

from typing import Any

from sqlalchemy.exc import IntegrityError

from compliance.attendance import repository
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.attendance.schemas import PunchCreate, PunchRead, ShiftCreate, ShiftRead
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.permissions import Permission
from compliance.recording import record_new
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import parse


@use_case
def record_punch(ctx: Ctx, data: PunchCreate | dict[str, Any]) -> PunchRead:
    """Record one office check-in or sign-back by hand (manager or admin)."""
    ctx.require(Permission.RECORD_ATTENDANCE)
    body = parse(PunchCreate, data)
    row = record_new(
        ctx,
        AttendanceEvent,
        body,
        staff_id=body.staff_id,
        not_future={"at": body.at},
        update={
            "work_date": local_date(body.at, ctx.tz),
            "source": "manual",
            "created_at": ctx.now(),
            "created_by": ctx.actor.user_id,
        },
        audit_action="attendance.punch_recorded",
    )
    return PunchRead.model_validate(row)


@use_case
def roster_shift(ctx: Ctx, data: ShiftCreate | dict[str, Any]) -> ShiftRead:
    """Roster one shift for a staff member on a local date (manager or admin)."""
    ctx.require(Permission.RECORD_ATTENDANCE)
    body = parse(ShiftCreate, data)
    office_id = ctx.actor.office_id
    get_in_office(ctx.session, office_id, body.staff_id)
    # The shift belongs to the day it starts on; a mismatch means a wrong date was typed.
    if local_date(body.start_at, ctx.tz) != body.work_date:
        raise ValidationFailed.one("start_at", "must start on the shift's work_date (local time)")
    if repository.shift_on(ctx.session, body.staff_id, body.work_date) is not None:
        raise ValidationFailed.one("work_date", "this staff member already has a shift that day")
    now = ctx.now()
    row = RosterShift(
        office_id=office_id,
        staff_id=body.staff_id,
        work_date=body.work_date,
        start_at=body.start_at,
        end_at=body.end_at,
        created_at=now,
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    try:
        ctx.session.flush()
    except IntegrityError:
        # Someone rostered the same day between our check and the insert.
        raise ValidationFailed.one(
            "work_date", "this staff member already has a shift that day"
        ) from None
    audit.record(
        ctx, "attendance.shift_rostered", "roster_shift", row.id, body.model_dump(mode="json")
    )
    return ShiftRead.model_validate(row)
