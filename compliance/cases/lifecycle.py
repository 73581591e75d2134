"""The case life cycle of SPEC §4 as an explicit table: (state, action) → next state(s).

Pure: no database, no clock. The service loads the case, asks this module whether the actor
may take the action and where it leads, then applies it with a conditional update.
"""

from collections.abc import Callable, Collection, Mapping
from datetime import date
from enum import StrEnum

from compliance.actors import Actor, Role
from compliance.cases.models import Case, CaseStatus
from compliance.errors import Forbidden, InvalidTransition
from compliance.i18n import N_, gettext
from compliance.names import coded
from compliance.permissions import GRANTS, Permission, holds

S = CaseStatus


class Action(StrEnum):
    """Everything a user can do to a case, in the order a case usually goes through them."""

    ADD_EVIDENCE = "add_evidence"
    REQUEST_STATEMENT = "request_statement"
    SUBMIT_STATEMENT = "submit_statement"
    RECORD_REFUSAL = "record_refusal"
    RECORD_SILENCE = "record_silence"
    PROPOSE = "propose"
    AMEND = "amend"
    RECORD_UNION_NOTICE = "record_union_notice"
    RECORD_UNION_REPLY = "record_union_reply"
    APPROVE = "approve"
    REJECT_PROPOSAL = "reject_proposal"  # 驳回: back to HR, who proposes anew
    SEND_BACK = "send_back"  # 退回修改: back to HR to amend; approvals so far lapse
    DISMISS = "dismiss"
    SERVE_NOTICE = "serve_notice"
    ACKNOWLEDGE = "acknowledge"
    RECORD_ACK_REFUSAL = "record_ack_refusal"
    APPEAL = "appeal"
    DECIDE_APPEAL = "decide_appeal"
    FINALIZE = "finalize"
    MARK_EXECUTED = "mark_executed"
    CLOSE = "close"
    ANNOTATE = "annotate"


# "Open" for joining: every state before approval.
OPEN_STATES: tuple[CaseStatus, ...] = (
    S.OPEN,
    S.AWAITING_STATEMENT,
    S.UNDER_REVIEW,
    S.DECISION_PROPOSED,
)
# A decision notice has been handed over and the case is not yet closed.
NOTICE_STATES: tuple[CaseStatus, ...] = (
    S.NOTIFIED,
    S.APPEALED,
    S.APPEAL_DECIDED,
    S.FINAL,
    S.EXECUTED,
)
# The decision notice can still be served (signed for, or refused before a witness): every
# state from the notice until the decision is final, which needs service first.
SERVICE_STATES: tuple[CaseStatus, ...] = (S.NOTIFIED, S.APPEALED, S.APPEAL_DECIDED)
# Nothing can change any more; annotations only.
TERMINAL_STATES: tuple[CaseStatus, ...] = (S.CLOSED, S.DISMISSED)


def _table() -> dict[tuple[CaseStatus, Action], tuple[CaseStatus, ...]]:
    t: dict[tuple[CaseStatus, Action], tuple[CaseStatus, ...]] = {}
    for state in OPEN_STATES:
        t[(state, Action.ADD_EVIDENCE)] = (state,)
        t[(state, Action.DISMISS)] = (S.DISMISSED,)
    t[(S.APPROVED, Action.ADD_EVIDENCE)] = (S.DECISION_PROPOSED,)  # the approval lapses
    t[(S.OPEN, Action.REQUEST_STATEMENT)] = (S.AWAITING_STATEMENT,)
    for action in (Action.SUBMIT_STATEMENT, Action.RECORD_REFUSAL, Action.RECORD_SILENCE):
        t[(S.AWAITING_STATEMENT, action)] = (S.UNDER_REVIEW,)
    t[(S.UNDER_REVIEW, Action.PROPOSE)] = (S.DECISION_PROPOSED,)
    t[(S.DECISION_PROPOSED, Action.AMEND)] = (S.DECISION_PROPOSED,)
    t[(S.APPROVED, Action.AMEND)] = (S.DECISION_PROPOSED,)
    t[(S.DECISION_PROPOSED, Action.RECORD_UNION_NOTICE)] = (S.DECISION_PROPOSED,)
    t[(S.DECISION_PROPOSED, Action.RECORD_UNION_REPLY)] = (S.DECISION_PROPOSED,)
    # The first of two approvals a dismissal needs leaves the case where it is.
    t[(S.DECISION_PROPOSED, Action.APPROVE)] = (S.APPROVED, S.DECISION_PROPOSED)
    # The approver's "no": rejected, the case waits on a new proposal; sent back, on an amendment.
    t[(S.DECISION_PROPOSED, Action.REJECT_PROPOSAL)] = (S.UNDER_REVIEW,)
    t[(S.DECISION_PROPOSED, Action.SEND_BACK)] = (S.DECISION_PROPOSED,)
    t[(S.APPROVED, Action.SERVE_NOTICE)] = (S.NOTIFIED,)
    for state in SERVICE_STATES:
        t[(state, Action.ACKNOWLEDGE)] = (state,)
        t[(state, Action.RECORD_ACK_REFUSAL)] = (state,)
    t[(S.NOTIFIED, Action.APPEAL)] = (S.APPEALED,)
    # Upheld or varied → appeal decided; overturned → dismissed (no breach after all).
    t[(S.APPEALED, Action.DECIDE_APPEAL)] = (S.APPEAL_DECIDED, S.DISMISSED)
    t[(S.NOTIFIED, Action.FINALIZE)] = (S.FINAL,)
    t[(S.APPEAL_DECIDED, Action.FINALIZE)] = (S.FINAL,)
    t[(S.FINAL, Action.MARK_EXECUTED)] = (S.EXECUTED,)
    t[(S.EXECUTED, Action.CLOSE)] = (S.CLOSED,)
    return t


TRANSITIONS: Mapping[tuple[CaseStatus, Action], tuple[CaseStatus, ...]] = _table()


class Capacity(StrEnum):
    """In what capacity a user may act on a case."""

    HR = "hr"
    MANAGER = "manager"
    DIRECTOR = "director"
    ADMIN = "admin"
    SUBJECT = "subject"  # the staff member the case is about


_C = Capacity
_LABEL = {
    _C.HR: N_("HR"),
    _C.MANAGER: N_("a manager"),
    _C.DIRECTOR: N_("the office director"),
    _C.ADMIN: N_("an admin"),
    _C.SUBJECT: N_("the staff member themself"),
}
# In Chinese the two approvers are named by their capacity (compliance.names).


def _own(actor: Actor, case_staff_id: int) -> bool:
    return actor.staff_id is not None and actor.staff_id == case_staff_id


def _listed(items: list[str], sep: str) -> Callable[[str], str]:
    """Msgids joined, for an error's value (the separator a msgid too)."""
    return lambda lang: gettext(lang, sep).join(gettext(lang, m) for m in items)


def capacities(actor: Actor, case_staff_id: int) -> frozenset[Capacity]:
    """What the actor is with respect to this case."""
    if _own(actor, case_staff_id):
        # Nobody handles their own case in an official capacity, whatever their role.
        return frozenset({_C.SUBJECT}) if actor.role == Role.STAFF else frozenset()
    out: set[Capacity] = set()
    if actor.role == Role.HR:
        out.add(_C.HR)
    elif actor.role == Role.MANAGER:
        out.add(_C.MANAGER)
        if actor.is_director:
            out.add(_C.DIRECTOR)
    elif actor.role == Role.ADMIN:
        out.add(_C.ADMIN)
    return frozenset(out)


def acts_on(actor: Actor, case_staff_id: int, permission: Permission) -> bool:
    """Whether the actor holds the permission for this case: staff for their own case only,
    everyone else for any case but their own (compliance/permissions.py says who holds what)."""
    if _own(actor, case_staff_id) != (actor.role == Role.STAFF):
        return False
    return holds(actor, permission)


def may(actor: Actor, case_staff_id: int, action: Action) -> bool:
    """Whether the actor's role (or being the staff member) allows the action at all."""
    return acts_on(actor, case_staff_id, Permission(action.value))


def _holders(action: Action) -> list[Capacity]:
    """The capacities the table grants the action to (staff: as the case's subject)."""
    granted = GRANTS[Permission(action.value)]
    return sorted(_C.SUBJECT if g == Role.STAFF else _C(g) for g in granted)


def check_may(actor: Actor, case_staff_id: int, action: Action) -> None:
    """Forbidden unless the actor may take the action on this case."""
    if not may(actor, case_staff_id, action):
        who = _listed([_LABEL[c] for c in _holders(action)], N_(" or "))
        act = coded("action", action.value)
        if actor.staff_id is not None and actor.staff_id == case_staff_id:
            raise Forbidden(
                N_("%(action)s: only %(who)s; nobody handles their own case"), action=act, who=who
            )
        raise Forbidden(
            N_("%(action)s: only %(who)s may do this, not %(role)s"),
            action=act,
            who=who,
            role=actor.role.value,
        )


def actions_from(status: str) -> list[Action]:
    """Every action the table allows from a state (whoever takes it), in Action order."""
    out = [a for a in Action if (CaseStatus(status), a) in TRANSITIONS]
    return [*out, Action.ANNOTATE]


def targets(case: Case, action: Action) -> tuple[CaseStatus, ...]:
    """Where the action may lead from the case's state; InvalidTransition if nowhere."""
    if action is Action.ANNOTATE:
        return (CaseStatus(case.status),)
    status = CaseStatus(case.status)
    found = TRANSITIONS.get((status, action))
    if found is not None:
        return found
    if status in TERMINAL_STATES:
        raise InvalidTransition(
            N_("case %(number)s is %(status)s: it cannot be changed any more, only annotated"),
            number=case.number,
            status=coded("status", status.value),
        )
    allowed = [coded("action", a.value) for a in actions_from(status)]
    raise InvalidTransition(
        N_(
            "case %(number)s is %(status)s: cannot %(action)s now "
            "(allowed in this state: %(allowed)s)"
        ),
        number=case.number,
        status=coded("status", status.value),
        action=coded("action", action.value),
        allowed=lambda lang: gettext(lang, ", ").join(a(lang) for a in allowed),
    )


def target(case: Case, action: Action, to: CaseStatus | None = None) -> CaseStatus:
    """The one next state of the action (`to` picks among branches)."""
    found = targets(case, action)
    if to is None:
        return found[0]
    if to not in found:
        raise InvalidTransition(
            N_("case %(number)s is %(status)s: %(action)s cannot lead to %(to)s"),
            number=case.number,
            status=coded("status", case.status),
            action=coded("action", action.value),
            to=coded("status", to.value),
        )
    return to


def time_block(case: Case, action: Action, today: date) -> str | None:
    """Why the date forbids the action now (None if it does not), naming the deadline."""
    if action is Action.RECORD_SILENCE and case.statement_due is not None:
        if today <= case.statement_due:
            return (
                f"the statement is due by {case.statement_due.isoformat()}; silence can be "
                "recorded only after that day"
            )
    if action is Action.APPEAL and case.appeal_deadline is not None:
        if today > case.appeal_deadline:
            return f"the appeal window closed on {case.appeal_deadline.isoformat()}"
    if action is Action.FINALIZE:
        if case.service_completed_at is None:
            return (
                "the decision notice has not been served (signed for, or a refusal to sign "
                "recorded with a witness); the decision becomes final only after service"
            )
        if case.status == S.NOTIFIED and case.appeal_deadline is None:
            return "the appeal deadline is not counted yet: the office calendar lacks the year"
        if (
            case.status == S.NOTIFIED
            and case.appeal_deadline is not None
            and today <= case.appeal_deadline
        ):
            return (
                f"the appeal window is open until {case.appeal_deadline.isoformat()}; the "
                "decision becomes final only after that day"
            )
    return None


def allowed_actions(
    case: Case,
    actor: Actor,
    *,
    today: date | None = None,
    blocked: Collection[Action] = (),
) -> list[str]:
    """The actions this actor may take on the case now (for the UI).

    `today` applies the deadlines; `blocked` are actions the caller found barred by data
    this pure module cannot see (separation of duties, a notice already signed, ...).
    """
    out: list[str] = []
    for action in actions_from(case.status):
        if action in blocked or not may(actor, case.staff_id, action):
            continue
        if today is not None and time_block(case, action, today) is not None:
            continue
        out.append(action.value)
    return out
