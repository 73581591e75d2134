"""Evaluate the service standards' clocks of an office and turn attributable breaches into
findings (issue 15 items 6–10).

`evaluate_office` gathers the facts of a period with a handful of set-based queries (orders,
their events, hops and return visits, calls, lobby notices, the office head, the roster), runs
the pure evaluator (policies.service.clocks) and rewrites the period's `service_clock` rows.
Each attributable breach (breached, not excused, with a holder named) becomes an R04 finding
against the holder of the hop at the due time, citing the work order and the events of its
clock; the same person with 3 or more such breaches within 30 days gets one R10 finding for
that window. Findings are deduplicated by key, so evaluating again never doubles them, and are
triaged like any other: nothing is sanctioned here.

`warnings_for` lists the running clocks due soon (the to-do centre reads the same rows), and
`gaming_flags` lists the patterns item 10 asks to flag.
"""

import json
import time as _time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, or_, select
from sqlmodel import Session, col

from compliance.accounts.models import User
from compliance.actors import Actor
from compliance.attendance.models import RosterShift
from compliance.audit import service as audit
from compliance.calendar.service import OfficeCalendar
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.findings.detect import MAX_PERIOD_DAYS
from compliance.findings.models import Finding, FindingSource
from compliance.findings.service import store_decisions
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.service.models import (
    ClockState,
    LobbyNotice,
    ReturnVisit,
    ServiceCall,
    ServiceClock,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from compliance.usecase import use_case
from policies.base import Decision, EvidenceRef, breach
from policies.service import clocks
from policies.service.clocks import ClockResult, State
from policies.service.standards import standard
from policies.vocab import EvidenceKind

# R10: the same person with this many attributable breaches within this many days.
REPEAT_COUNT = 3
REPEAT_DAYS = 30
DETECTOR = "service_clock"
# How far after the period a clock's due may fall (S14: 30 days after handling).
DUE_HORIZON = timedelta(days=45)


@dataclass
class EvaluationSummary:
    """What one evaluation did."""

    office_id: int
    start: date
    end: date
    orders: int = 0
    calls: int = 0
    notices: int = 0
    clocks: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    attributable: int = 0
    excused: int = 0
    new_findings: int = 0
    existing_findings: int = 0
    repeat_findings: int = 0
    seconds: float = 0.0


# --- facts ---------------------------------------------------------------------------------


class _Roster:
    """The office's shifts, per staff member, for the `Duty` protocol."""

    def __init__(self, shifts: dict[int, list[tuple[datetime, datetime]]]) -> None:
        self.shifts = shifts

    def on_duty(self, staff_id: int, start: datetime, end: datetime) -> bool:
        return any(s < end and start < e for s, e in self.shifts.get(staff_id, ()))


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _details(raw: str | None) -> dict[str, Any]:
    if not raw or raw == "{}":
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _talk_evidence(call_id: int | None, note: str, details: dict[str, Any]) -> bool:
    """A reply, contact or follow-up counts with its call, or in person / in writing with
    what was said; a phone contact without its call record does not."""
    if call_id is not None:
        return True
    return details.get("method") in ("in_person", "written") and bool(note.strip())


def _event(
    kind: str,
    eid: int,
    action: str,
    at: datetime,
    staff_id: int | None,
    note: str | None,
    call_id: int | None,
    photo_file_id: int | None,
    checkin_method: str | None,
    raw_details: str | None,
) -> clocks.Event:
    no_access = False
    if action in ("reply", "contact", "follow_up"):
        evidence = _talk_evidence(call_id, note or "", _details(raw_details))
    elif action == "arrive":
        evidence = bool(checkin_method)
        no_access = bool(_details(raw_details).get("no_access"))
    elif action == "handle":
        no_access = bool(_details(raw_details).get("no_access"))
        evidence = photo_file_id is not None or kind not in ("repair", "housekeeping")
    elif action == "wait_resident":
        evidence = call_id is not None or bool((note or "").strip())
    elif action in ("assign_manager", "dispatch", "transfer"):
        evidence = staff_id is not None
    elif action == "rectify":
        details = _details(raw_details)
        evidence = bool(details.get("deadline")) and bool(details.get("penalty"))
    else:
        evidence = True
    return clocks.Event(eid, action, _utc(at), staff_id, evidence, no_access)


@dataclass
class _Facts:
    tz: ZoneInfo
    orders: list[clocks.Order]
    numbers: dict[int, str]
    calls: list[clocks.Call]
    notices: list[clocks.Notice]
    heads: frozenset[int]
    roster: _Roster | None


def _window(tz: ZoneInfo, start: date, end: date) -> tuple[datetime, datetime]:
    lo = datetime.combine(start, time(0), tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), tz).astimezone(UTC)
    return lo, hi


def office_zone(session: Session, office_id: int) -> ZoneInfo:
    """The office's time zone."""
    name = session.execute(select(col(Office.timezone)).where(col(Office.id) == office_id)).scalar()
    return ZoneInfo(name or "Asia/Shanghai")


def _order_ids(office_id: int, lo: datetime, hi: datetime) -> Any:
    return select(col(ServiceOrder.id)).where(
        col(ServiceOrder.office_id) == office_id,
        col(ServiceOrder.received_at) >= lo,
        col(ServiceOrder.received_at) < hi,
    )


def gather(session: Session, office_id: int, start: date, end: date) -> _Facts:
    """Every fact the clocks of [start, end] need, in a fixed number of queries."""
    tz = office_zone(session, office_id)
    lo, hi = _window(tz, start, end)
    ids = _order_ids(office_id, lo, hi)
    receiver_user = select(col(User.staff_id)).where(col(User.id) == ServiceOrder.received_by)
    order_rows = session.execute(
        select(
            col(ServiceOrder.id),
            col(ServiceOrder.number),
            col(ServiceOrder.kind),
            col(ServiceOrder.channel),
            col(ServiceOrder.severity),
            col(ServiceOrder.complaint_class),
            col(ServiceOrder.received_at),
            col(ServiceOrder.state),
            receiver_user.scalar_subquery().label("receiver"),
        )
        .where(
            col(ServiceOrder.office_id) == office_id,
            col(ServiceOrder.received_at) >= lo,
            col(ServiceOrder.received_at) < hi,
        )
        .order_by(col(ServiceOrder.id))
    ).all()
    kinds = {r.id: r.kind for r in order_rows}
    events: dict[int, list[clocks.Event]] = defaultdict(list)
    receive_staff: dict[int, int] = {}
    # Notes and details are only read for the steps whose evidence they are.
    talk = col(ServiceEvent.action).in_(
        ("reply", "contact", "follow_up", "wait_resident", "handle", "arrive", "rectify")
    )
    for eid, order_id, action, at, staff_id, note, call_id, photo, checkin, raw in session.execute(
        select(
            col(ServiceEvent.id),
            col(ServiceEvent.order_id),
            col(ServiceEvent.action),
            col(ServiceEvent.at),
            col(ServiceEvent.staff_id),
            case((talk, col(ServiceEvent.note)), else_=""),
            col(ServiceEvent.call_id),
            col(ServiceEvent.photo_file_id),
            col(ServiceEvent.checkin_method),
            case((talk, col(ServiceEvent.details)), else_=""),
        )
        .where(col(ServiceEvent.order_id).in_(ids))
        .order_by(col(ServiceEvent.order_id), col(ServiceEvent.at), col(ServiceEvent.id))
    ):
        events[order_id].append(
            _event(
                kinds.get(order_id, ""),
                eid,
                action,
                at,
                staff_id,
                note,
                call_id,
                photo,
                checkin,
                raw,
            )
        )
        if action == "receive" and staff_id is not None:
            receive_staff.setdefault(order_id, staff_id)
    hops: dict[int, list[clocks.Hop]] = defaultdict(list)
    for row in session.execute(
        select(
            col(ServiceHop.order_id),
            col(ServiceHop.role),
            col(ServiceHop.staff_id),
            col(ServiceHop.start_at),
            col(ServiceHop.end_at),
        )
        .where(col(ServiceHop.order_id).in_(ids))
        .order_by(col(ServiceHop.order_id), col(ServiceHop.start_at), col(ServiceHop.id))
    ):
        end_at = _utc(row.end_at) if row.end_at is not None else None
        hops[row.order_id].append(clocks.Hop(row.role, row.staff_id, _utc(row.start_at), end_at))
    revisits: dict[int, list[clocks.Revisit]] = defaultdict(list)
    for row in session.execute(
        select(
            col(ReturnVisit.id),
            col(ReturnVisit.order_id),
            col(ReturnVisit.visited_at),
            col(ReturnVisit.visitor_staff_id),
        ).where(
            col(ReturnVisit.office_id) == office_id,
            col(ReturnVisit.order_id).in_(ids),
        )
    ):
        revisits[row.order_id].append(
            clocks.Revisit(row.id, _utc(row.visited_at), row.visitor_staff_id)
        )
    orders = [
        clocks.Order(
            id=r.id,
            kind=r.kind,
            channel=r.channel,
            severity=r.severity,
            complaint_class=r.complaint_class or "",
            received_at=_utc(r.received_at),
            receiver_staff_id=receive_staff.get(r.id, r.receiver),
            events=tuple(events.get(r.id, ())),
            hops=tuple(hops.get(r.id, ())),
            revisits=tuple(revisits.get(r.id, ())),
            cancelled=r.state == "cancelled",
        )
        for r in order_rows
    ]
    calls = [
        clocks.Call(
            id=r.id,
            called_at=_utc(r.called_at),
            direction=r.direction,
            answered=r.answered,
            rings=r.rings,
            answer_seconds=r.answer_seconds,
            staff_id=r.answered_by_staff_id,
            duration_seconds=r.duration_seconds,
        )
        for r in session.execute(
            select(
                col(ServiceCall.id),
                col(ServiceCall.called_at),
                col(ServiceCall.direction),
                col(ServiceCall.answered),
                col(ServiceCall.rings),
                col(ServiceCall.answer_seconds),
                col(ServiceCall.duration_seconds),
                col(ServiceCall.answered_by_staff_id),
            ).where(
                col(ServiceCall.office_id) == office_id,
                col(ServiceCall.direction) == "in",
                col(ServiceCall.called_at) >= lo,
                col(ServiceCall.called_at) < hi,
            )
        )
    ]
    notices = [
        clocks.Notice(
            r.id,
            _utc(r.detected_at),
            _utc(r.posted_at) if r.posted_at else None,
            r.responsible_staff_id,
        )
        for r in session.execute(
            select(
                col(LobbyNotice.id),
                col(LobbyNotice.detected_at),
                col(LobbyNotice.posted_at),
                col(LobbyNotice.responsible_staff_id),
            ).where(
                col(LobbyNotice.office_id) == office_id,
                col(LobbyNotice.detected_at) >= lo,
                col(LobbyNotice.detected_at) < hi,
            )
        )
    ]
    heads = frozenset(
        session.execute(
            select(col(User.staff_id)).where(
                col(User.office_id) == office_id,
                col(User.is_director).is_(True),
                col(User.active).is_(True),
                col(User.staff_id).is_not(None),
            )
        ).scalars()
    )
    shifts: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for staff_id, s_at, e_at in session.execute(
        select(col(RosterShift.staff_id), col(RosterShift.start_at), col(RosterShift.end_at)).where(
            col(RosterShift.office_id) == office_id,
            col(RosterShift.end_at) > lo - timedelta(days=1),
            col(RosterShift.start_at) < hi + DUE_HORIZON,
        )
    ):
        shifts[staff_id].append((_utc(s_at), _utc(e_at)))
    numbers = {r.id: r.number for r in order_rows}
    # No roster entered at all: nobody can be shown off duty, so none is excused for it.
    roster = _Roster(dict(shifts)) if shifts else None
    return _Facts(tz, orders, numbers, calls, notices, heads, roster)


def evaluate_facts(facts: _Facts, calendar: clocks.WorkingDays, now: datetime) -> list[ClockResult]:
    """Run every clock on the gathered facts (pure)."""
    ctx = clocks.Context(
        tz=facts.tz,
        calendar=calendar,
        now=now,
        duty=facts.roster,
        head_staff_ids=facts.heads,
    )
    out: list[ClockResult] = []
    # A subject recorded with a time still to come (a clock set wrong) has not started yet.
    for order in facts.orders:
        if order.received_at <= now:
            out.extend(clocks.order_clocks(order, ctx))
    busy = clocks.busy_calls(facts.calls, ctx.seconds_per_ring)
    for call in facts.calls:
        if call.called_at > now:
            continue
        found = clocks.s01(call, ctx, line_busy=call.id in busy)
        if found is not None:
            out.append(found)
    out.extend(clocks.s10(n, ctx) for n in facts.notices if n.detected_at <= now)
    return out


# --- findings ------------------------------------------------------------------------------


def dedupe_key(result: ClockResult, tz: ZoneInfo | None = None) -> str:
    """One finding per standard and subject, however often it is evaluated; calls answered
    late (S01) make one finding per person and office day, citing each call: a late pick-up
    is a lapse to look at over a day, not a finding of its own."""
    if result.standard == "S01" and tz is not None:
        day = result.started_at.astimezone(tz).date().isoformat()
        return f"service:S01:{result.holder_staff_id}:{day}"
    return f"service:{result.standard}:{result.subject_key}"


def _calls_decision(group: Sequence[ClockResult], tz: ZoneInfo) -> Decision:
    """One S01 finding for a person's calls answered late on one office day."""
    std = standard("S01")
    first = min(group, key=lambda r: r.started_at)
    day = first.started_at.astimezone(tz).date().isoformat()
    zh_items, en_items = [], []
    for r in sorted(group, key=lambda r: r.started_at):
        at = r.started_at.astimezone(tz).strftime("%H:%M")
        _, _, rest = r.subject_key.partition(":")
        if r.stopped_at is None:
            zh_items.append(f"{at} 来电 #{rest} 未接听")
            en_items.append(f"{at} call #{rest} not answered")
        else:
            zh_items.append(f"{at} 来电 #{rest} {r.elapsed_seconds} 秒后接听")
            en_items.append(f"{at} call #{rest} answered after {r.elapsed_seconds} s")
    return breach(
        explanation_zh=(
            f"{std.code} {std.article}「{std.text_zh}」:{day} 该员工接听的来电中有 "
            f"{len(group)} 个超过 {std.target} 声才接听:" + ";".join(zh_items) + "。"
        ),
        explanation_en=(
            f"{std.code} ({std.title}): on {day}, {len(group)} of the calls this staff member "
            f"answered rang more than {std.target} times: " + "; ".join(en_items) + "."
        ),
        evidence=[ref for r in group for ref in _refs(r)],
        staff_id=first.holder_staff_id,
        occurred_at=first.due_at,
        dedupe_key=dedupe_key(first, tz),
        inputs=[(r.subject_key, r.started_at, r.stopped_at, r.elapsed_seconds) for r in group],
        observed={"calls": len(group)},
    )


def _decisions(
    blamed: Sequence[ClockResult], tz: ZoneInfo, numbers: dict[int, str], now: datetime
) -> list[Decision]:
    """A finding per attributable breach; S01's grouped per person and day."""
    calls: dict[str, list[ClockResult]] = defaultdict(list)
    out: list[Decision] = []
    for r in blamed:
        if r.standard == "S01":
            calls[dedupe_key(r, tz)].append(r)
        else:
            out.append(_breach_decision(r, tz, numbers, now))
    out.extend(_calls_decision(group, tz) for group in calls.values())
    return out


def _refs(result: ClockResult) -> list[EvidenceRef]:
    kind, _, rest = result.subject_key.partition(":")
    subject_id = int(rest.split(":")[0])
    if kind == "call":
        return [EvidenceRef(EvidenceKind.SERVICE_CALL, subject_id)]
    if kind == "notice":
        return [EvidenceRef(EvidenceKind.LOBBY_NOTICE, subject_id)]
    refs = [EvidenceRef(EvidenceKind.SERVICE_ORDER, subject_id)]
    refs += [EvidenceRef(EvidenceKind.SERVICE_EVENT, i) for i in result.event_ids if i]
    return refs


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return "—" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _due_text(r: ClockResult, tz: ZoneInfo) -> tuple[str, str]:
    assert r.due_at is not None
    if r.on_calendar:
        day = (r.due_at - timedelta(seconds=1)).astimezone(tz).date().isoformat()
        return f"{day} 当日结束前", f"by the end of {day}"
    when = _when(r.due_at, tz)
    return f"{when} 前", f"by {when}"


def _subject_text(r: ClockResult, numbers: dict[int, str]) -> tuple[str, str]:
    kind, _, rest = r.subject_key.partition(":")
    subject_id = int(rest.split(":")[0])
    if kind == "call":
        return f"来电 #{subject_id}", f"call #{subject_id}"
    if kind == "notice":
        return f"大堂公告 #{subject_id}", f"lobby notice #{subject_id}"
    number = numbers.get(subject_id, f"#{subject_id}")
    return f"服务工作单 {number}", f"work order {number}"


def _breach_decision(
    r: ClockResult, tz: ZoneInfo, numbers: dict[int, str], now: datetime
) -> Decision:
    std = standard(r.standard)
    subject_zh, subject_en = _subject_text(r, numbers)
    due_zh, due_en = _due_text(r, tz)
    if r.stopped_at is not None:
        done_zh = f"到 {_when(r.stopped_at, tz)} 才完成"
        done_en = f"done only at {_when(r.stopped_at, tz)}"
    else:
        done_zh = f"截至 {_when(now, tz)} 仍未完成"
        done_en = f"still not done at {_when(now, tz)}"
    paused = ""
    paused_en = ""
    if r.paused_seconds:
        minutes = r.paused_seconds // 60
        paused = f"(等待住户 {minutes} 分钟不计)"
        paused_en = f" (waiting on the resident for {minutes} min not counted)"
    return breach(
        explanation_zh=(
            f"{std.code} {std.article}「{std.text_zh}」:{subject_zh} 自 {_when(r.started_at, tz)} "
            f"起计时,应{due_zh}完成,{done_zh}{paused};到期时由该员工负责(当时的经办记录)。"
        ),
        explanation_en=(
            f"{std.code} ({std.title}): {subject_en}, timed from {_when(r.started_at, tz)}, "
            f"was due {due_en} and was {done_en}{paused_en}; this staff member held it when "
            "it fell due."
        ),
        evidence=_refs(r),
        staff_id=r.holder_staff_id,
        occurred_at=r.due_at,
        dedupe_key=dedupe_key(r),
        inputs={
            "standard": std.code,
            "version": std.version,
            "subject": r.subject_key,
            "started_at": r.started_at,
            "due_at": r.due_at,
            "stopped_at": r.stopped_at,
            "elapsed": r.elapsed_seconds,
            "paused": r.paused_seconds,
            "holder": r.holder_staff_id,
        },
    )


def _stamp(d: Decision, eff: EffectivePolicy, detector: str) -> Decision:
    return replace(
        d,
        rule_code=eff.policy.code,
        rule_version=eff.policy.version,
        params_digest=eff.digest,
        detector=detector,
    )


def _store(
    ctx: Ctx, code: str, decisions: Iterable[Decision], tz: ZoneInfo, detector: str
) -> tuple[list[str], int]:
    """Store decisions under the version of the rule in force on each one's day."""
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)[code]
    groups: dict[str, tuple[EffectivePolicy, list[Decision]]] = {}
    for d in decisions:
        assert d.occurred_at is not None
        eff = policy_params.pick(versions, d.occurred_at.astimezone(tz).date())
        if eff is None:
            continue
        groups.setdefault(eff.version, (eff, []))[1].append(_stamp(d, eff, detector))
    new: list[str] = []
    existing = 0
    for eff, ds in groups.values():
        n, e = store_decisions(ctx, ds, eff, FindingSource.DETECTOR)
        new += n
        existing += e
    return new, existing


def _finding_ids(
    session: Session, office_id: int, code: str, keys: Sequence[str]
) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        for key, fid in session.execute(
            select(col(Finding.dedupe_key), col(Finding.id)).where(
                col(Finding.office_id) == office_id,
                col(Finding.rule_code) == code,
                col(Finding.dedupe_key).in_(chunk),
            )
        ):
            out[key] = fid
    return out


def _repeats(
    ctx: Ctx, office_id: int, tz: ZoneInfo, start: datetime, end: datetime
) -> tuple[int, int]:
    """R10: a person with REPEAT_COUNT attributable breaches within REPEAT_DAYS gets one
    finding for that window (the window starts again after it)."""
    session = ctx.session
    rows = session.execute(
        select(
            col(ServiceClock.holder_staff_id),
            col(ServiceClock.due_at),
            col(ServiceClock.standard),
            col(ServiceClock.subject_key),
            col(ServiceClock.order_id),
            col(ServiceClock.finding_id),
        )
        .where(
            col(ServiceClock.office_id) == office_id,
            col(ServiceClock.state) == ClockState.BREACHED.value,
            col(ServiceClock.holder_staff_id).is_not(None),
            col(ServiceClock.due_at) >= start - timedelta(days=REPEAT_DAYS),
            col(ServiceClock.due_at) < end,
        )
        .order_by(col(ServiceClock.holder_staff_id), col(ServiceClock.due_at))
    ).all()
    # Windows already raised: a breach inside one does not start another.
    raised: dict[int, list[datetime]] = defaultdict(list)
    for staff_id, at in session.execute(
        select(col(Finding.staff_id), col(Finding.occurred_at)).where(
            col(Finding.office_id) == office_id,
            col(Finding.rule_code) == "R10",
            col(Finding.detector) == DETECTOR,
        )
    ):
        raised[staff_id].append(_utc(at))
    # Repeats count findings, not clock rows: a day of calls answered late is one lapse.
    by_staff: dict[int, list[Any]] = defaultdict(list)
    seen: set[int] = set()
    for row in rows:
        if row.finding_id is not None:
            if row.finding_id in seen:
                continue
            seen.add(row.finding_id)
        by_staff[row.holder_staff_id].append(row)
    span = timedelta(days=REPEAT_DAYS)
    decisions: list[Decision] = []
    for staff_id, breaches in by_staff.items():
        window: list[Any] = []
        for b in breaches:
            due = _utc(b.due_at)
            window = [w for w in window if _utc(w.due_at) > due - span] + [b]
            if any(due - span < r <= due for r in raised[staff_id]):
                window = []  # inside a window already raised
                continue
            if len(window) < REPEAT_COUNT:
                continue
            first, last = _utc(window[0].due_at), due
            codes = "、".join(sorted({w.standard for w in window}))
            refs: list[EvidenceRef] = []
            for w in window:
                kind, _, rest = w.subject_key.partition(":")
                ev_kind = {
                    "call": EvidenceKind.SERVICE_CALL,
                    "notice": EvidenceKind.LOBBY_NOTICE,
                }.get(kind, EvidenceKind.SERVICE_ORDER)
                refs.append(EvidenceRef(ev_kind, int(rest.split(":")[0])))
            decisions.append(
                breach(
                    explanation_zh=(
                        f"{REPEAT_DAYS} 天内({_when(first, tz)} 至 {_when(last, tz)})有 "
                        f"{len(window)} 次可归责的服务标准超时({codes}),达到 {REPEAT_COUNT} "
                        "次的处理标准。"
                    ),
                    explanation_en=(
                        f"{len(window)} attributable breaches of the service standards "
                        f"({', '.join(sorted({w.standard for w in window}))}) within "
                        f"{REPEAT_DAYS} days ({_when(first, tz)} to {_when(last, tz)}), "
                        f"reaching the threshold of {REPEAT_COUNT}."
                    ),
                    evidence=refs,
                    staff_id=staff_id,
                    occurred_at=last,
                    dedupe_key=f"service_repeat:{staff_id}:{b.standard}:{b.subject_key}",
                    inputs=[(w.standard, w.subject_key, _utc(w.due_at)) for w in window],
                    observed={"breaches": len(window)},
                )
            )
            raised[staff_id].append(last)
            window = []
    new, existing = _store(ctx, "R10", decisions, tz, DETECTOR)
    return len(new), existing


_COLUMNS = (
    "office_id, standard, standard_version, subject_key, order_id, started_at, due_at, "
    "stopped_at, state, elapsed_seconds, paused_seconds, holder_staff_id, excuse, finding_id, "
    "evaluated_at"
)


def _insert_clocks(
    session: Session,
    office_id: int,
    results: Sequence[ClockResult],
    finding_ids: dict[str, int],
    now: datetime,
    tz: ZoneInfo,
) -> None:
    """Insert the clock rows as one driver-level executemany of plain tuples: a year is
    ~100,000 rows, and the per-value processing of an ORM or Core insert would be most of the
    evaluation's time. Times are written as the UTC type stores them (naive UTC text on
    SQLite, aware on PostgreSQL). service_clock is not a sealed table (it is rewritten by each
    evaluation; the findings are the record)."""
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO service_clock ({_COLUMNS}) VALUES ({', '.join([mark] * 15)})"

    def t(value: datetime | None) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else value

    stamp = t(now)
    rows = [
        (
            office_id,
            r.standard,
            str(r.version),
            r.subject_key,
            r.order_id,
            t(r.started_at),
            t(r.due_at),
            t(r.stopped_at),
            r.state.value,
            r.elapsed_seconds,
            r.paused_seconds,
            r.holder_staff_id,
            r.excuse.value,
            finding_ids.get(dedupe_key(r, tz)) if r.attributable else None,
            stamp,
        )
        for r in results
    ]
    for i in range(0, len(rows), 10_000):
        conn.exec_driver_sql(sql, rows[i : i + 10_000])


# --- the use case --------------------------------------------------------------------------


def _ctx(session: Session, office_id: int, now: datetime) -> Ctx:
    return Ctx(
        session=session,
        actor=Actor.system("service-clocks", office_id),
        clock=FixedClock(now),
    )


def evaluate_office(
    session: Session,
    office_id: int,
    start: date,
    end: date,
    *,
    now: datetime,
    audit_unchanged: bool = True,
) -> EvaluationSummary:
    """Evaluate every clock of the subjects started in [start, end] (office days), rewrite
    their service_clock rows, and raise findings for attributable breaches (idempotent;
    flushes, never commits: the caller's transaction). The minute-by-minute run passes
    `audit_unchanged=False`: it audits only an evaluation that raised a finding."""
    began = _time.perf_counter()
    now = _utc(now)
    facts = gather(session, office_id, start, end)
    tz = facts.tz
    lo, hi = _window(tz, start, end)
    calendar = OfficeCalendar(session, office_id)
    results = evaluate_facts(facts, calendar, now)
    summary = EvaluationSummary(
        office_id,
        start,
        end,
        orders=len(facts.orders),
        calls=len(facts.calls),
        notices=len(facts.notices),
        clocks=len(results),
    )
    for r in results:
        summary.by_state[r.state.value] = summary.by_state.get(r.state.value, 0) + 1
    ctx = _ctx(session, office_id, now)
    blamed = [r for r in results if r.attributable]
    summary.attributable = len(blamed)
    summary.excused = summary.by_state.get(State.EXCUSED.value, 0)
    decisions = _decisions(blamed, tz, facts.numbers, now)
    new, existing = _store(ctx, "R04", decisions, tz, DETECTOR)
    summary.new_findings, summary.existing_findings = len(new), existing
    ids = _finding_ids(session, office_id, "R04", sorted({dedupe_key(r, tz) for r in blamed}))
    # Rewrite the period's clocks.
    session.execute(
        delete(ServiceClock).where(
            col(ServiceClock.office_id) == office_id,
            or_(
                col(ServiceClock.order_id).in_(_order_ids(office_id, lo, hi)),
                and_(
                    col(ServiceClock.order_id).is_(None),
                    col(ServiceClock.started_at) >= lo,
                    col(ServiceClock.started_at) < hi,
                ),
            ),
        )
    )
    _insert_clocks(session, office_id, results, ids, now, tz)
    summary.repeat_findings, _ = _repeats(ctx, office_id, tz, lo, hi + DUE_HORIZON)
    summary.seconds = _time.perf_counter() - began
    if not audit_unchanged and not (summary.new_findings or summary.repeat_findings):
        session.flush()
        return summary
    audit.append(
        session,
        at=now,
        actor_id=None,
        actor_role="system",
        office_id=office_id,
        action="service.clocks_evaluated",
        entity="office",
        entity_id=str(office_id),
        payload={
            "start": start,
            "end": end,
            "clocks": summary.clocks,
            "by_state": summary.by_state,
            "new_findings": summary.new_findings,
            "repeat_findings": summary.repeat_findings,
        },
    )
    session.flush()
    return summary


@use_case
def evaluate(ctx: Ctx, start: date, end: date) -> EvaluationSummary:
    """Evaluate the office's clocks for [start, end] (a manager, the office head, HR or an
    admin; the nightly run calls evaluate_office itself)."""
    ctx.require(Permission.EVALUATE_SERVICE)
    if end < start:
        raise ValidationFailed.one("end", "is before start")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed.one("end", f"period longer than {MAX_PERIOD_DAYS} days")
    today = ctx.now().astimezone(office_zone(ctx.session, ctx.actor.office_id)).date()
    if start > today:
        raise ValidationFailed.one("start", "is in the future")
    summary = evaluate_office(
        ctx.session, ctx.actor.office_id, start, min(end, today), now=ctx.now()
    )
    audit.record(
        ctx,
        "service.evaluated",
        "office",
        ctx.actor.office_id,
        {"start": start, "end": end, "clocks": summary.clocks, "new": summary.new_findings},
    )
    return summary


# --- warnings (item 9) ------------------------------------------------------------------------

# Warn this long before the due: minute clocks (S02, S09), and clocks due at the end of a day.
WARN_MINUTES = timedelta(minutes=30)
# A clock due at the end of an office day (midnight) warns from 18:00, two hours before the
# office day ends at 20:00.
WARN_CALENDAR = timedelta(hours=6)
# Calendar clocks warn only within office hours (office time).
DAY_FROM, DAY_TO = time(8), time(20)
MINUTE_CLOCKS = ("S01", "S02", "S09")


@dataclass(frozen=True)
class ClockWarning:
    """A running clock due soon: who holds it, when it is due."""

    clock_id: int
    standard: str
    subject_key: str
    order_id: int | None
    due_at: datetime
    holder_staff_id: int | None


def _manager_of(session: Session, order_ids: Sequence[int], at: datetime) -> dict[int, int]:
    if not order_ids:
        return {}
    rows = session.execute(
        select(col(ServiceHop.order_id), col(ServiceHop.staff_id)).where(
            col(ServiceHop.order_id).in_(list(order_ids)),
            col(ServiceHop.role) == "manager",
            col(ServiceHop.start_at) <= at,
            or_(col(ServiceHop.end_at).is_(None), col(ServiceHop.end_at) > at),
        )
    ).all()
    return {o: s for o, s in rows}


def warning_filter(office_id: int, now: datetime, tz: ZoneInfo) -> Any:
    """The SQL condition of a running clock the to-do centre warns of now."""
    minute = and_(
        col(ServiceClock.standard).in_(MINUTE_CLOCKS),
        col(ServiceClock.due_at) <= now + WARN_MINUTES,
    )
    local = now.astimezone(tz).time()
    conds = [minute]
    if DAY_FROM <= local < DAY_TO:
        conds.append(
            and_(
                col(ServiceClock.standard).not_in(MINUTE_CLOCKS),
                col(ServiceClock.due_at) <= now + WARN_CALENDAR,
            )
        )
    return and_(
        col(ServiceClock.office_id) == office_id,
        col(ServiceClock.state) == ClockState.RUNNING.value,
        col(ServiceClock.due_at).is_not(None),
        col(ServiceClock.due_at) > now,
        or_(*conds),
    )


def warnings_for(
    session: Session, office_id: int, staff_id: int | None, now: datetime
) -> list[ClockWarning]:
    """Running clocks due within the warning window for this staff member as holder or as the
    order's responsible manager (every one of the office's with staff_id None); none at night
    for clocks due at the end of an office day."""
    now = _utc(now)
    tz = office_zone(session, office_id)
    rows = session.execute(
        select(
            col(ServiceClock.id),
            col(ServiceClock.standard),
            col(ServiceClock.subject_key),
            col(ServiceClock.order_id),
            col(ServiceClock.due_at),
            col(ServiceClock.holder_staff_id),
        )
        .where(warning_filter(office_id, now, tz))
        .order_by(col(ServiceClock.due_at), col(ServiceClock.id))
    ).all()
    managers = _manager_of(session, [r.order_id for r in rows if r.order_id is not None], now)
    out = []
    for r in rows:
        mine = (
            staff_id is None
            or r.holder_staff_id == staff_id
            or (r.order_id is not None and managers.get(r.order_id) == staff_id)
        )
        if mine:
            out.append(
                ClockWarning(
                    r.id, r.standard, r.subject_key, r.order_id, _utc(r.due_at), r.holder_staff_id
                )
            )
    return out


# --- gaming flags (item 10) ---------------------------------------------------------------------

# What the codes mean, for the pages (msgids; the catalog has the Chinese).
GAMING_LABELS = {
    "quick_reopen": N_("A reopen within 24 hours of closing"),
    "follow_up_without_call": N_("A phone follow-up without its call record"),
    "revisit_by_handler": N_("A return visit by the one who handled the order"),
    "all_top_ratings": N_("One visitor's ratings all very satisfied for a month"),
}
EXCUSE_LABELS = {
    "resident_no_access": N_("The resident gave no access"),
    "resident_waiting": N_("Waiting on the resident"),
    "nobody_on_duty": N_("Nobody on duty"),
    "line_busy": N_("On another call while it rang"),
}

REOPEN_WITHIN = timedelta(hours=24)
SAME_RATING_MIN_VISITS = 5


@dataclass(frozen=True)
class GamingFlag:
    """A pattern that may be gaming the standards: shown, never a finding by itself."""

    kind: (
        str  # "quick_reopen" | "follow_up_without_call" | "revisit_by_handler" | "all_top_ratings"
    )
    staff_id: int | None
    order_id: int | None
    at: datetime
    count: int = 1
    detail: str = ""  # a month ("2026-10") for all_top_ratings


def gaming_flags(session: Session, office_id: int, start: date, end: date) -> list[GamingFlag]:
    """The gaming patterns of [start, end]: a reopen within 24 h of closing; a phone
    follow-up without its call record; a return visit by the one who handled the order; one
    visitor's ratings all "very satisfied" over a month (at least 5 visits). Four queries."""
    tz = office_zone(session, office_id)
    lo, hi = _window(tz, start, end)
    out: list[GamingFlag] = []
    # 1. A reopen right after closing (paired in Python: interval arithmetic differs between
    # the databases).
    reopened = select(col(ServiceEvent.order_id)).where(
        col(ServiceEvent.office_id) == office_id,
        col(ServiceEvent.action) == "reopen",
        col(ServiceEvent.at) >= lo,
        col(ServiceEvent.at) < hi,
    )
    last_close: dict[int, datetime] = {}
    for order_id, action, at, staff_id in session.execute(
        select(
            col(ServiceEvent.order_id),
            col(ServiceEvent.action),
            col(ServiceEvent.at),
            col(ServiceEvent.staff_id),
        )
        .where(
            col(ServiceEvent.office_id) == office_id,
            col(ServiceEvent.action).in_(("close", "reopen")),
            col(ServiceEvent.order_id).in_(reopened),
        )
        .order_by(col(ServiceEvent.order_id), col(ServiceEvent.at), col(ServiceEvent.id))
    ):
        at = _utc(at)
        if action == "close":
            last_close[order_id] = at
        elif (
            lo <= at < hi and order_id in last_close and at - last_close[order_id] <= REOPEN_WITHIN
        ):
            out.append(GamingFlag("quick_reopen", staff_id, order_id, at))
    # 2. A follow-up by phone (or with no way named) without its call record.
    for order_id, at, staff_id, details in session.execute(
        select(
            col(ServiceEvent.order_id),
            col(ServiceEvent.at),
            col(ServiceEvent.staff_id),
            col(ServiceEvent.details),
        ).where(
            col(ServiceEvent.office_id) == office_id,
            col(ServiceEvent.action) == "follow_up",
            col(ServiceEvent.call_id).is_(None),
            col(ServiceEvent.at) >= lo,
            col(ServiceEvent.at) < hi,
        )
    ):
        if _details(details).get("method") not in ("in_person", "written"):
            out.append(GamingFlag("follow_up_without_call", staff_id, order_id, _utc(at)))
    # 3. A return visit by the one who handled the order (its executor hop or the handling):
    # the period's visits first, then their orders' handlers looked up by order (indexed).
    revisits = session.execute(
        select(
            col(ReturnVisit.order_id),
            col(ReturnVisit.visited_at),
            col(ReturnVisit.visitor_staff_id),
        ).where(
            col(ReturnVisit.office_id) == office_id,
            col(ReturnVisit.visited_at) >= lo,
            col(ReturnVisit.visited_at) < hi,
            col(ReturnVisit.order_id).is_not(None),
        )
    ).all()
    order_ids = sorted({v.order_id for v in revisits})
    handlers: set[tuple[int, int]] = set()
    for i in range(0, len(order_ids), 500):
        chunk = order_ids[i : i + 500]
        handlers.update(
            (order_id, staff_id)
            for order_id, staff_id in session.execute(
                select(col(ServiceHop.order_id), col(ServiceHop.staff_id))
                .where(col(ServiceHop.order_id).in_(chunk), col(ServiceHop.role) == "executor")
                .union(
                    select(col(ServiceEvent.order_id), col(ServiceEvent.staff_id)).where(
                        col(ServiceEvent.order_id).in_(chunk),
                        col(ServiceEvent.action) == "handle",
                        col(ServiceEvent.staff_id).is_not(None),
                    )
                )
            )
        )
    for order_id, at, staff_id in sorted(set(revisits), key=lambda v: (v[1], v[0])):
        if (order_id, staff_id) in handlers:
            out.append(GamingFlag("revisit_by_handler", staff_id, order_id, _utc(at)))
    # 4. One visitor's ratings all 5 over a month, with at least 5 rated visits.
    per_month: dict[tuple[int, str], list[tuple[int | None, datetime]]] = defaultdict(list)
    for staff_id, at, rating in session.execute(
        select(
            col(ReturnVisit.visitor_staff_id), col(ReturnVisit.visited_at), col(ReturnVisit.rating)
        ).where(
            col(ReturnVisit.office_id) == office_id,
            col(ReturnVisit.visited_at) >= lo,
            col(ReturnVisit.visited_at) < hi,
            col(ReturnVisit.rating).is_not(None),
        )
    ):
        month = _utc(at).astimezone(tz).strftime("%Y-%m")
        per_month[(staff_id, month)].append((rating, _utc(at)))
    for (staff_id, month), visits in sorted(per_month.items()):
        if len(visits) >= SAME_RATING_MIN_VISITS and all(r == 5 for r, _ in visits):
            last = max(at for _, at in visits)
            out.append(GamingFlag("all_top_ratings", staff_id, None, last, len(visits), month))
    out.sort(key=lambda f: (f.at, f.kind))
    return out


def count_clocks(session: Session, office_id: int) -> int:
    """How many clock rows the office has (tests, the CLI)."""
    return int(
        session.execute(
            select(func.count())
            .select_from(ServiceClock)
            .where(col(ServiceClock.office_id) == office_id)
        ).scalar_one()
    )


__all__ = [
    "EXCUSE_LABELS",
    "GAMING_LABELS",
    "ClockWarning",
    "EvaluationSummary",
    "GamingFlag",
    "evaluate",
    "evaluate_office",
    "gaming_flags",
    "warning_filter",
    "warnings_for",
]
