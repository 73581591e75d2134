"""The work-order life cycle as data: which step from which states, who may take it, where
it leads.

受理 → 派单 → 接单 → 处理中 ⇄ 等待住户 → 已处理 → 待回访 → 已关闭 (or 已取消), with 转单 and
退单 as hops. Pure: no database, no clock. compliance.service.orders loads the order, asks
`check` here, and applies the step with a conditional update.

Who may take a step:
- the front desk and managers by permission (`permission`), on any order of their office;
- staff (WORK_SERVICE_ORDER) only where `holder` is set, and only on an order whose work hop
  (executor or duty) they hold now;
- `director`: only the office director (管理处负责人), e.g. the rectification of an attitude
  complaint (article 2.2(3)).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from compliance.actors import Actor, Role
from compliance.errors import Forbidden, InvalidTransition
from compliance.i18n import N_
from compliance.permissions import Permission, holds, refusal
from compliance.service.labels import coded
from compliance.service.models import EventAction, OrderKind, OrderState

S = OrderState
A = EventAction
P = Permission

# Where the step leaves the state: unchanged, or back where it was before the wait.
SAME = "same"
BEFORE_WAIT = "before_wait"

TERMINAL: frozenset[OrderState] = frozenset({S.CLOSED, S.CANCELLED})
OPEN: frozenset[OrderState] = frozenset(s for s in OrderState if s not in TERMINAL)
# Someone is sent and the work is not done yet.
WORKING: frozenset[OrderState] = frozenset(
    {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING_RESIDENT}
)
NOT_DONE: frozenset[OrderState] = frozenset({S.RECEIVED, *WORKING})
# The kinds whose handling needs someone on site first (an ARRIVE check-in).
ON_SITE_KINDS: frozenset[str] = frozenset(
    {OrderKind.REPAIR, OrderKind.HOUSEKEEPING, OrderKind.EMERGENCY}
)
# The kinds whose handling needs a photo of the work (unless there was no access).
PHOTO_KINDS: frozenset[str] = frozenset({OrderKind.REPAIR, OrderKind.HOUSEKEEPING})


@dataclass(frozen=True)
class Rule:
    """One step of the table."""

    action: EventAction
    froms: frozenset[OrderState]
    to: str  # an OrderState, SAME or BEFORE_WAIT
    permission: Permission | None  # the office roles that may take it on any order
    holder: bool = False  # staff holding the work hop may take it
    director: bool = False  # only the office director


def _r(
    action: EventAction,
    froms: frozenset[OrderState] | set[OrderState],
    to: str,
    permission: Permission | None,
    *,
    holder: bool = False,
    director: bool = False,
) -> Rule:
    return Rule(action, frozenset(froms), to, permission, holder, director)


# Keyed by step name: the action, except a manager's transfer (its state does not change).
RULES: Mapping[str, Rule] = {
    "assign_manager": _r(A.ASSIGN_MANAGER, OPEN, SAME, P.DISPATCH_SERVICE),
    "dispatch": _r(A.DISPATCH, {S.RECEIVED}, S.DISPATCHED, P.DISPATCH_SERVICE),
    # 转单: the new holder must accept again.
    "transfer": _r(A.TRANSFER, WORKING, S.DISPATCHED, P.DISPATCH_SERVICE),
    "transfer_manager": _r(A.TRANSFER, OPEN, SAME, P.DISPATCH_SERVICE),
    # 退单: the executor gives it back; the desk dispatches it anew.
    "return": _r(A.RETURN, WORKING, S.RECEIVED, P.DISPATCH_SERVICE, holder=True),
    "accept": _r(A.ACCEPT, {S.DISPATCHED}, S.ACCEPTED, None, holder=True),
    # On site: from dispatched too (an emergency has no time to accept first); a second visit
    # while in progress is a second check-in.
    "arrive": _r(
        A.ARRIVE, {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}, S.IN_PROGRESS, None, holder=True
    ),
    "wait_resident": _r(
        A.WAIT_RESIDENT,
        NOT_DONE - {S.WAITING_RESIDENT},
        S.WAITING_RESIDENT,
        P.DISPATCH_SERVICE,
        holder=True,
    ),
    "resume": _r(A.RESUME, {S.WAITING_RESIDENT}, BEFORE_WAIT, P.DISPATCH_SERVICE, holder=True),
    "handle": _r(
        A.HANDLE, NOT_DONE - {S.WAITING_RESIDENT}, S.HANDLED, P.DISPATCH_SERVICE, holder=True
    ),
    "reply": _r(A.REPLY, OPEN, SAME, P.REPLY_SERVICE),
    "contact": _r(A.CONTACT, OPEN, SAME, P.REPLY_SERVICE),
    "follow_up": _r(
        A.FOLLOW_UP, {S.HANDLED, S.AWAITING_REVISIT}, S.AWAITING_REVISIT, P.REPLY_SERVICE
    ),
    "rectify": _r(A.RECTIFY, OPEN, SAME, P.DISPATCH_SERVICE, director=True),
    "close": _r(A.CLOSE, {S.HANDLED, S.AWAITING_REVISIT}, S.CLOSED, P.DISPATCH_SERVICE),
    "reopen": _r(
        A.REOPEN, {S.HANDLED, S.AWAITING_REVISIT, S.CLOSED}, S.RECEIVED, P.DISPATCH_SERVICE
    ),
    "cancel": _r(A.CANCEL, NOT_DONE, S.CANCELLED, P.DISPATCH_SERVICE),
}


def may(actor: Actor, step: str, *, holds_work: bool) -> bool:
    """Whether the actor may take the step on an order (holds_work: they hold its work hop)."""
    rule = RULES[step]
    if actor.role == Role.STAFF:
        return rule.holder and holds_work and holds(actor, P.WORK_SERVICE_ORDER)
    if rule.permission is None or not holds(actor, rule.permission):
        return False
    return actor.is_director or not rule.director


def check_may(actor: Actor, step: str, *, holds_work: bool) -> None:
    """Forbidden, saying why, unless the actor may take the step."""
    if may(actor, step, holds_work=holds_work):
        return
    rule = RULES[step]
    action = coded("action", rule.action.value)
    if actor.role == Role.STAFF:
        if rule.holder:
            raise Forbidden(
                N_("%(action)s: only the staff member holding this service order may do this"),
                action=action,
            )
        raise Forbidden(N_("%(action)s: staff may not do this"), action=action)
    if rule.permission is None:
        raise Forbidden(
            N_("%(action)s: only the staff member sent to the job may do this"), action=action
        )
    if rule.director and holds(actor, rule.permission):
        raise Forbidden(N_("%(action)s: only the office director may do this"), action=action)
    raise refusal(actor, rule.permission)


def target(number: str, state: str, step: str, before_wait: str | None = None) -> OrderState:
    """The state the step leads to from `state`; InvalidTransition if not from there."""
    rule = RULES[step]
    current = OrderState(state)
    if current not in rule.froms:
        allowed = [coded("action", r.action.value) for k, r in RULES.items() if current in r.froms]
        raise InvalidTransition(
            N_(
                "service order %(number)s is %(state)s: cannot %(action)s now "
                "(allowed in this state: %(allowed)s)"
            ),
            number=number,
            state=coded("state", current.value),
            action=coded("action", rule.action.value),
            allowed=lambda lang: ", ".join(dict.fromkeys(a(lang) for a in allowed)) or "-",
        )
    if rule.to == SAME:
        return current
    if rule.to == BEFORE_WAIT:
        return OrderState(before_wait or S.RECEIVED)
    return OrderState(rule.to)


def steps_from(state: str) -> list[str]:
    """Every step the table allows from a state (whoever takes it), in table order."""
    current = OrderState(state)
    return [k for k, r in RULES.items() if current in r.froms]


def allowed_steps(actor: Actor, state: str, *, holds_work: bool) -> list[str]:
    """The steps this actor may take now (for the pages' buttons)."""
    return [s for s in steps_from(state) if may(actor, s, holds_work=holds_work)]
