"""Return visits (回访, rulebook 第2篇 4、): a household asked, by phone or in person, how
satisfied it is, with the work order visited about (if any), who visited, a five-level rating
and what the household raised.

Rating: 5 非常满意, 4 满意, 3 一般, 2 不满意, 1 非常不满意, or no rating at all when the household
gave no valid answer (hung up, "说不清"). A rating of 4 or 5 is satisfied; a visit without a
rating is not a valid answer and counts in neither part of the satisfaction rate (S12).

The issue raised is a short topic ("电梯噪音") from the list the office keeps — the topics its
visits have recorded, offered for picking so that the same issue is written the same way — and
the comments hold the household's own words. A typed topic is normalised (`normalise_topic`)
before it is stored or compared, so "电梯 噪音" and "电梯噪音。" are one topic. Recording a
visit with a topic checks at once whether the topic has become a majority issue
(compliance.service.lobby).

A phone visit may carry its call: an outgoing call from the call log (`call_id`), or one
logged with the visit (`log_call`).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import FieldError, NotFound, ValidationFailed
from compliance.i18n import N_
from compliance.permissions import Permission
from compliance.residents.models import Unit
from compliance.service import calls, lobby
from compliance.service.models import ReturnVisit, ServiceCall, ServiceOrder
from compliance.service.schemas import CallIn
from compliance.staff.models import Staff
from compliance.usecase import record_new, use_case
from compliance.validation import AwareDatetime, Flag, Input, RecordId, parse
from compliance.visits.listing import Page

RATINGS = (5, 4, 3, 2, 1)
SATISFIED_FROM = 4  # 4 满意 and 5 非常满意 are satisfied (S12)
RATING_WORDS = {
    5: N_("Very satisfied"),
    4: N_("Satisfied (rating)"),
    3: N_("Neither satisfied nor dissatisfied"),
    2: N_("Dissatisfied"),
    1: N_("Very dissatisfied"),
}
NO_ANSWER = N_("No valid answer")
METHODS = {"phone": N_("By phone"), "in_person": N_("In person")}
PER_PAGE = 30
RECENT_ORDERS = 10
TOPIC_MAX = 50

NOT_IN_OFFICE = N_("not found in this office")
OTHER_UNIT = N_("this work order is about another unit")
CALL_NOT_OUT = N_("not an outgoing call of this office")
CALL_IN_PERSON = N_("a visit in person has no call")
BAD_RATING = N_("choose a rating from 1 to 5, or no valid answer")


def rating_word(rating: int | None) -> str:
    """The rating in words (a msgid): 非常满意 … 非常不满意, or 无有效回答."""
    return RATING_WORDS.get(rating, NO_ANSWER) if rating is not None else NO_ANSWER


def is_valid_answer(rating: int | None) -> bool:
    """Whether the visit counts in the satisfaction rate at all."""
    return rating is not None


def is_satisfied(rating: int | None) -> bool:
    """Rated 4 (满意) or 5 (非常满意)."""
    return rating is not None and rating >= SATISFIED_FROM


_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BY_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_EDGE_PUNCT = re.compile(r"^[\s\W_]+|[\s\W_]+$")


def normalise_topic(text: str) -> str:
    """One way of writing a topic: full-width forms folded (NFKC), spaces collapsed and
    dropped next to Chinese characters, punctuation at either end removed, Latin letters in
    lower case. "电梯 噪音。" and "电梯噪音" are the same topic; "" stays ""."""
    s = unicodedata.normalize("NFKC", text)
    s = " ".join(s.split())
    s = _SPACE_BY_CJK.sub("", s)
    s = _EDGE_PUNCT.sub("", s)
    return s.lower()[:TOPIC_MAX]


class VisitIn(Input):
    """A return visit as entered."""

    unit_id: RecordId
    order_id: RecordId | None = None
    method: Literal["phone", "in_person"]
    visitor_staff_id: RecordId
    visited_at: AwareDatetime
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    comments: str = Field(default="", max_length=2000)
    topic: str = Field(default="", max_length=200)
    call_id: RecordId | None = None
    log_call: Flag = False
    call_seconds: Annotated[int, Field(ge=0, le=86_400)] | None = None


def _in_office(ctx: Ctx, model: Any, row_id: int | None) -> Any:
    if row_id is None:
        return None
    return ctx.session.execute(
        select(model).where(col(model.id) == row_id, col(model.office_id) == ctx.actor.office_id)
    ).scalar_one_or_none()


def _check(ctx: Ctx, data: VisitIn) -> None:
    """Every reference in the office and consistent; all problems at once."""
    errors: list[FieldError] = []
    if _in_office(ctx, Unit, data.unit_id) is None:
        errors.append(FieldError("unit_id", NOT_IN_OFFICE))
    if _in_office(ctx, Staff, data.visitor_staff_id) is None:
        errors.append(FieldError("visitor_staff_id", NOT_IN_OFFICE))
    order = _in_office(ctx, ServiceOrder, data.order_id)
    if data.order_id is not None and order is None:
        errors.append(FieldError("order_id", NOT_IN_OFFICE))
    elif order is not None and order.unit_id is not None and order.unit_id != data.unit_id:
        errors.append(FieldError("order_id", OTHER_UNIT))
    if data.method == "in_person" and (data.call_id is not None or data.log_call):
        errors.append(FieldError("call_id", CALL_IN_PERSON))
    call = _in_office(ctx, ServiceCall, data.call_id)
    if data.call_id is not None and (call is None or call.direction != "out"):
        errors.append(FieldError("call_id", CALL_NOT_OUT))
    if errors:
        raise ValidationFailed(errors)


@use_case
def record_visit(ctx: Ctx, data: VisitIn | dict[str, Any]) -> ReturnVisit:
    """Record a return visit (front desk or manager); a phone visit may log its outgoing
    call. A topic raised is checked at once for a majority (a lobby notice opens)."""
    ctx.require(Permission.RECORD_RETURN_VISIT)
    visit = data if isinstance(data, VisitIn) else parse(VisitIn, data)
    _check(ctx, visit)
    topic = normalise_topic(visit.topic)
    call_id = visit.call_id
    if visit.log_call and call_id is None:
        call = calls.new_call(
            ctx,
            CallIn(
                called_at=visit.visited_at,
                direction="out",
                duration_seconds=visit.call_seconds,
                answered_by_staff_id=visit.visitor_staff_id,
                unit_id=visit.unit_id,
                purpose="回访",
                order_id=visit.order_id,
            ),
        )
        call_id = call.id
    fields = visit.model_dump(exclude={"log_call", "call_seconds", "topic", "call_id"})
    row = record_new(
        ctx,
        ReturnVisit,
        fields,
        update={
            "topic": topic,
            "call_id": call_id,
            "created_at": ctx.now(),
            "created_by": ctx.actor.user_id,
        },
        not_future={"visited_at": visit.visited_at},
        audit_action="return_visit.recorded",
        audit_payload={**visit.model_dump(mode="json"), "topic": topic, "call_id": call_id},
    )
    if topic:
        lobby.check_majority(ctx, row)
    return row


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    """Which visits a list shows: local days [start, end], and optionally one unit, visitor,
    rating ("none" for no valid answer), topic and method."""

    start: date | None = None
    end: date | None = None
    unit_id: int | None = None
    visitor_staff_id: int | None = None
    rating: str = ""
    topic: str = ""
    method: str = ""


def local_range(ctx: Ctx, start: date | None, end: date | None) -> tuple[Any, Any]:
    """The UTC instants of local days [start, end] (either open: None)."""
    lo = datetime.combine(start, time(), ctx.tz) if start else None
    hi = datetime.combine(end + timedelta(days=1), time(), ctx.tz) if end else None
    return lo, hi


def _where(ctx: Ctx, f: VisitFilters) -> list[Any]:
    where: list[Any] = [col(ReturnVisit.office_id) == ctx.actor.office_id]
    lo, hi = local_range(ctx, f.start, f.end)
    if lo is not None:
        where.append(col(ReturnVisit.visited_at) >= lo)
    if hi is not None:
        where.append(col(ReturnVisit.visited_at) < hi)
    if f.unit_id is not None:
        where.append(col(ReturnVisit.unit_id) == f.unit_id)
    if f.visitor_staff_id is not None:
        where.append(col(ReturnVisit.visitor_staff_id) == f.visitor_staff_id)
    if f.rating == "none":
        where.append(col(ReturnVisit.rating).is_(None))
    elif f.rating.isdigit():
        where.append(col(ReturnVisit.rating) == int(f.rating))
    if f.topic:
        where.append(col(ReturnVisit.topic) == normalise_topic(f.topic))
    if f.method in METHODS:
        where.append(col(ReturnVisit.method) == f.method)
    return where


@dataclass(frozen=True)
class VisitSummary:
    """The selected visits at a glance: how many, households, valid answers, satisfied."""

    visits: int
    households: int
    valid: int
    satisfied: int

    @property
    def rate_tenths(self) -> int | None:
        """Satisfied ÷ valid answers in tenths of a percent (floored), None without any."""
        return self.satisfied * 1000 // self.valid if self.valid else None


def list_visits(ctx: Ctx, f: VisitFilters, page: int = 1) -> tuple[Page[ReturnVisit], VisitSummary]:
    """The office's visits, newest first, a page at a time, and the summary of all selected."""
    ctx.require(Permission.VIEW_SERVICE)
    where = _where(ctx, f)
    rating = col(ReturnVisit.rating)
    counts = ctx.session.execute(
        select(
            func.count(),
            func.count(func.distinct(col(ReturnVisit.unit_id))),
            func.count(rating),
            func.count(rating).filter(rating >= SATISFIED_FROM),
        ).where(*where)
    ).one()
    page = max(1, min(page, 10_000))
    rows = ctx.session.execute(
        select(ReturnVisit)
        .where(*where)
        .order_by(col(ReturnVisit.visited_at).desc(), col(ReturnVisit.id).desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).scalars()
    summary = VisitSummary(int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3]))
    return Page(list(rows), summary.visits, page, PER_PAGE), summary


def office_topics(ctx: Ctx, limit: int = 50) -> list[str]:
    """The topics the office's visits have recorded, the most raised first (the list offered
    for picking)."""
    ctx.require(Permission.VIEW_SERVICE)
    topic = col(ReturnVisit.topic)
    rows = ctx.session.execute(
        select(topic, func.count())
        .where(col(ReturnVisit.office_id) == ctx.actor.office_id, topic != "")
        .group_by(topic)
        .order_by(func.count().desc(), topic)
        .limit(limit)
    )
    return [r[0] for r in rows]


@dataclass(frozen=True)
class OrderChoice:
    """A work order offered in the visit form's picker."""

    id: int
    number: str
    kind: str
    received_at: datetime
    description: str


def recent_orders(ctx: Ctx, unit_id: int, limit: int = RECENT_ORDERS) -> list[OrderChoice]:
    """The unit's latest work orders (for the visit form's picker), newest first."""
    ctx.require(Permission.VIEW_SERVICE)
    rows = ctx.session.execute(
        select(
            col(ServiceOrder.id),
            col(ServiceOrder.number),
            col(ServiceOrder.kind),
            col(ServiceOrder.received_at),
            col(ServiceOrder.description),
        )
        .where(
            col(ServiceOrder.office_id) == ctx.actor.office_id,
            col(ServiceOrder.unit_id) == unit_id,
        )
        .order_by(col(ServiceOrder.received_at).desc(), col(ServiceOrder.id).desc())
        .limit(limit)
    )
    return [OrderChoice(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def order_numbers(ctx: Ctx, order_ids: list[int]) -> dict[int, str]:
    """The numbers of the given work orders of the office, by id (one query)."""
    ids = sorted({i for i in order_ids if i})
    if not ids:
        return {}
    rows = ctx.session.execute(
        select(col(ServiceOrder.id), col(ServiceOrder.number)).where(
            col(ServiceOrder.office_id) == ctx.actor.office_id, col(ServiceOrder.id).in_(ids)
        )
    )
    return {r[0]: r[1] for r in rows}


def get_order_unit(ctx: Ctx, order_id: int) -> int | None:
    """The unit of one of the office's work orders (the form opened from an order)."""
    order = _in_office(ctx, ServiceOrder, order_id)
    if order is None:
        raise NotFound(N_("no such work order in this office"))
    return order.unit_id  # type: ignore[no-any-return]
