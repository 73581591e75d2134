"""Punches and roster shifts on the web: lists by day and staff member a page at a time,
and corrections with a reason (the old values kept in the audit trail)."""

from typing import Any, TypeVar

from sqlmodel import SQLModel, col

from compliance.attendance import repository
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.attendance.schemas import PunchCorrect, ShiftCorrect
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import NotFound, ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW, parse
from compliance.visits.corrections import Citations, correct
from compliance.visits.listing import Page, Period, paged

T = TypeVar("T", bound=SQLModel)
IN_FUTURE = N_("is in the future")
NOT_ITS_DAY = N_("must start on the shift's day (office time)")
TAKEN = N_("this staff member already has a shift that day")


def list_punches(
    ctx: Ctx, period: Period, page: int = 1, per_page: int = 30
) -> Page[AttendanceEvent]:
    """The office's punches of the local days in the period, newest first."""
    ctx.require(Permission.VIEW_ATTENDANCE)
    order = [col(AttendanceEvent.at).desc(), col(AttendanceEvent.id).desc()]
    return paged(ctx, AttendanceEvent, order, period, page, per_page)


def list_shifts(ctx: Ctx, period: Period, page: int = 1, per_page: int = 30) -> Page[RosterShift]:
    """The office's roster of the days in the period, by day then start."""
    ctx.require(Permission.VIEW_ATTENDANCE)
    order = [col(RosterShift.work_date), col(RosterShift.start_at), col(RosterShift.id)]
    return paged(ctx, RosterShift, order, period, page, per_page)


def _own(ctx: Ctx, model: type[T], record_id: int) -> T:
    row = ctx.session.get(model, record_id)
    if row is None or getattr(row, "office_id") != ctx.actor.office_id:  # noqa: B009
        raise NotFound(N_("no such record in this office"))
    return row


def get_punch(ctx: Ctx, punch_id: int) -> AttendanceEvent:
    """One punch of the office."""
    ctx.require(Permission.VIEW_ATTENDANCE)
    return _own(ctx, AttendanceEvent, punch_id)


def get_shift(ctx: Ctx, shift_id: int) -> RosterShift:
    """One roster shift of the office."""
    ctx.require(Permission.VIEW_ATTENDANCE)
    return _own(ctx, RosterShift, shift_id)


@use_case
def correct_punch(
    ctx: Ctx,
    punch_id: int,
    data: PunchCorrect | dict[str, Any],
    cited: Citations,
    loaded: str | None = None,
) -> dict[str, Any]:
    """Correct a punch's staff member, kind or time, with a reason."""
    ctx.require(Permission.CORRECT_ATTENDANCE)
    body = parse(PunchCorrect, data)
    row = _own(ctx, AttendanceEvent, punch_id)
    get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    if body.at > ctx.now() + CLOCK_SKEW:
        raise ValidationFailed.one("at", IN_FUTURE)
    values = {
        "staff_id": body.staff_id,
        "kind": body.kind.value,
        "at": body.at,
        "work_date": local_date(body.at, ctx.tz),
    }
    return correct(
        ctx,
        row,
        values,
        reason=body.reason,
        kind="attendance",
        cited=cited,
        action="attendance.punch_corrected",
        entity="attendance_event",
        loaded=loaded,
    )


@use_case
def correct_shift(
    ctx: Ctx,
    shift_id: int,
    data: ShiftCorrect | dict[str, Any],
    cited: Citations,
    loaded: str | None = None,
) -> dict[str, Any]:
    """Correct a roster shift's staff member, day or times, with a reason."""
    ctx.require(Permission.CORRECT_ATTENDANCE)
    body = parse(ShiftCorrect, data)
    row = _own(ctx, RosterShift, shift_id)
    get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    if local_date(body.start_at, ctx.tz) != body.work_date:
        raise ValidationFailed.one("start_at", NOT_ITS_DAY)
    other = repository.shift_on(ctx.session, body.staff_id, body.work_date)
    if other is not None and other.id != shift_id:
        raise ValidationFailed.one("work_date", TAKEN)
    values = {
        "staff_id": body.staff_id,
        "work_date": body.work_date,
        "start_at": body.start_at,
        "end_at": body.end_at,
    }
    return correct(
        ctx,
        row,
        values,
        reason=body.reason,
        kind="roster",
        cited=cited,
        action="attendance.shift_corrected",
        entity="roster_shift",
        clash=("work_date", TAKEN),
        loaded=loaded,
    )


PUNCH_FIELDS = ("staff_id", "kind", "at", "work_date")
SHIFT_FIELDS = ("staff_id", "work_date", "start_at", "end_at")
