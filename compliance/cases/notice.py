"""The decision notice: serving it, its acknowledgement, or a refusal to sign for it."""

from datetime import date, datetime
from typing import Any

from compliance.calendar.service import CalendarNotCovered
from compliance.cases import repository as repo
from compliance.cases import transition
from compliance.cases.deadlines import appeal_deadline
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, Notice, NoticeKind, ServiceKind
from compliance.cases.schemas import (
    CaseRead,
    NoticeIn,
    ServiceRefusalIn,
)
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, ValidationFailed
from compliance.i18n import N_, gettext
from compliance.staff.models import Staff
from compliance.usecase import use_case
from compliance.validation import not_in_future, parse


@use_case
def serve_notice(ctx: Ctx, case_id: int, content: str) -> CaseRead:
    """Hand over the written decision notice (HR). The notice is served, and the appeal
    window opens, only when the staff member signs for it or refuses before a witness."""
    case = transition.begin(ctx, case_id, Action.SERVE_NOTICE)
    body = parse(NoticeIn, {"content": content})
    now = ctx.now()
    transition.step(
        ctx,
        case,
        Action.SERVE_NOTICE,
        note="notice handed over; the appeal window opens once it is served",
        payload={"content": body.content},
        notified_at=now,
        appeal_deadline=None,
    )
    ctx.session.add(
        Notice(
            case_id=case.id or 0,
            kind=NoticeKind.DECISION.value,
            content=body.content,
            served_at=now,
            served_by=ctx.actor.user_id,
        )
    )
    ctx.session.flush()
    return transition.finish(ctx, case)


def _window(ctx: Ctx, case: Case, served_at: datetime) -> date | None:
    """The appeal deadline counted from service; None while the calendar lacks the year."""
    try:
        return appeal_deadline(ctx.session, case.office_id, local_date(served_at, ctx.tz))
    except CalendarNotCovered:
        return None


def _decision_notice(ctx: Ctx, case: Case) -> Notice:
    notice = repo.decision_notice(ctx.session, case.id or 0)
    if notice is None:  # pragma: no cover - every notified state has a notice
        raise ValidationFailed.one("notice", f"case {case.number} has no decision notice")
    # A refusal recorded without a witness (before witnesses were required) served nothing:
    # it may be recorded again, properly.
    if notice.ack_kind is not None and case.service_completed_at is not None:
        kind = notice.ack_kind
        how = N_("signed for") if kind == ServiceKind.SIGNED.value else N_("refused (left with)")
        when = notice.acknowledged_at.astimezone(ctx.tz) if notice.acknowledged_at else None
        raise Conflict(
            N_("the notice was already served (%(kind)s)"),
            kind=lambda lang: kind if lang == "en" else gettext(lang, how),
            when=f"{when:%Y-%m-%d %H:%M}" if when else "",
        )
    return notice


def _serve(
    ctx: Ctx,
    case: Case,
    notice: Notice,
    action: Action,
    kind: ServiceKind,
    at: datetime,
    refusal: ServiceRefusalIn | None = None,
) -> None:
    deadline = _window(ctx, case, at)
    served_on = local_date(at, ctx.tz).isoformat()
    how = "signed" if refusal is None else f"refused to sign before {'、'.join(refusal.witnesses)}"
    tail = (
        f"appeal possible until {deadline.isoformat()}"
        if deadline
        else "appeal deadline not counted yet (the office calendar lacks the year)"
    )
    note = f"served {served_on} ({how}); {tail}"
    payload: dict[str, Any] = {
        "notice_id": notice.id,
        "ack_kind": kind.value,
        "served_at": at,
        "appeal_deadline": deadline,
    }
    if refusal is not None:
        payload |= {"witnesses": refusal.witnesses, "place": refusal.place, "note": refusal.note}
    transition.step(
        ctx,
        case,
        action,
        note=note,
        payload=payload,
        service_completed_at=at,
        appeal_deadline=deadline,
    )
    notice.acknowledged_at = at
    notice.ack_kind = kind.value
    notice.ack_recorded_by = ctx.actor.user_id
    notice.ack_recorded_at = ctx.now()
    if refusal is not None:
        notice.witnesses = "、".join(refusal.witnesses)
        notice.service_place = refusal.place
        notice.service_note = refusal.note
    ctx.session.add(notice)
    ctx.session.flush()


@use_case
def acknowledge(ctx: Ctx, case_id: int) -> CaseRead:
    """The staff member signs for the decision notice: it is served now."""
    case = transition.begin(ctx, case_id, Action.ACKNOWLEDGE)
    notice = _decision_notice(ctx, case)
    _serve(ctx, case, notice, Action.ACKNOWLEDGE, ServiceKind.SIGNED, ctx.now())
    return transition.finish(ctx, case)


@use_case
def record_ack_refusal(
    ctx: Ctx,
    case_id: int,
    witnesses: list[str] | str | None = None,
    *,
    at: datetime | None = None,
    place: str = "",
    note: str = "",
) -> CaseRead:
    """HR records that the staff member refused to sign, before a witness (留置送达): the
    notice is served at the time of the refusal."""
    case = transition.begin(ctx, case_id, Action.RECORD_ACK_REFUSAL)
    body = parse(ServiceRefusalIn, {"witnesses": witnesses, "at": at, "place": place, "note": note})
    notice = _decision_notice(ctx, case)
    when = body.at or ctx.now()
    not_in_future("at", when, ctx.now())
    if when < notice.served_at:
        raise ValidationFailed.one("at", "is before the notice was handed over")
    staff = ctx.session.get(Staff, case.staff_id)
    if staff is not None and staff.name in body.witnesses:
        raise ValidationFailed.one("witnesses", "the staff member cannot witness their own refusal")
    _serve(ctx, case, notice, Action.RECORD_ACK_REFUSAL, ServiceKind.REFUSED_TO_SIGN, when, body)
    return transition.finish(ctx, case)
