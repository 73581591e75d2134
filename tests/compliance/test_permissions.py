"""The permission table (compliance/permissions.py) and the case capacities that read it."""

import pytest

from compliance.actors import Actor, Role
from compliance.cases.lifecycle import Action, acts_on, may
from compliance.permissions import DIRECTOR, GRANTS, Permission, holds, refusal, role_may

CASE_STAFF_ID = 7

# The life cycle's capacities as cases/lifecycle.py declared them before they read the
# permission table (its WHO table): the snapshot the table must still give.
WHO_BEFORE: dict[Action, set[str]] = {
    Action.ADD_EVIDENCE: {"manager", "hr"},
    Action.REQUEST_STATEMENT: {"hr"},
    Action.SUBMIT_STATEMENT: {"subject", "hr"},
    Action.RECORD_REFUSAL: {"hr"},
    Action.RECORD_SILENCE: {"hr"},
    Action.PROPOSE: {"hr"},
    Action.AMEND: {"hr"},
    Action.RECORD_UNION_NOTICE: {"hr"},
    Action.RECORD_UNION_REPLY: {"hr"},
    Action.APPROVE: {"hr", "director"},
    Action.REJECT_PROPOSAL: {"hr", "director"},
    Action.SEND_BACK: {"hr", "director"},
    Action.DISMISS: {"hr"},
    Action.SERVE_NOTICE: {"hr"},
    Action.ACKNOWLEDGE: {"subject"},
    Action.RECORD_ACK_REFUSAL: {"hr"},
    Action.APPEAL: {"subject"},
    Action.DECIDE_APPEAL: {"hr", "director"},
    Action.FINALIZE: {"hr"},
    Action.MARK_EXECUTED: {"hr"},
    Action.CLOSE: {"hr"},
    Action.ANNOTATE: {"manager", "hr", "admin"},
}


def _actor(role: Role, *, director: bool = False, staff_id: int | None = None) -> Actor:
    return Actor(1, "u", role, 1, staff_id=staff_id, is_director=director)


# (actor, the capacities the old code gave it on case CASE_STAFF_ID)
ACTORS = {
    "admin": (_actor(Role.ADMIN), {"admin"}),
    "manager": (_actor(Role.MANAGER), {"manager"}),
    "director": (_actor(Role.MANAGER, director=True), {"manager", "director"}),
    "hr": (_actor(Role.HR, staff_id=3), {"hr"}),
    "cashier": (_actor(Role.CASHIER), set()),
    "staff on their own case": (_actor(Role.STAFF, staff_id=CASE_STAFF_ID), {"subject"}),
    "staff on another's case": (_actor(Role.STAFF, staff_id=8), set()),
    "hr on their own case": (_actor(Role.HR, staff_id=CASE_STAFF_ID), set()),
    "director on their own case": (
        _actor(Role.MANAGER, director=True, staff_id=CASE_STAFF_ID),
        set(),
    ),
}


def test_every_permission_is_granted_and_every_case_action_is_a_permission() -> None:
    assert set(GRANTS) == set(Permission)
    assert all(GRANTS.values())
    assert {a.value for a in Action} <= {p.value for p in Permission}


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("action", list(Action), ids=str)
def test_case_capacities_are_as_before(who: str, action: Action) -> None:
    actor, capacities = ACTORS[who]
    assert may(actor, CASE_STAFF_ID, action) == bool(WHO_BEFORE[action] & capacities)


def test_a_grant_to_the_director_is_the_director_s_alone() -> None:
    assert GRANTS[Permission.DECIDE_OVERTIME] == {DIRECTOR}
    assert holds(_actor(Role.MANAGER, director=True), Permission.DECIDE_OVERTIME)
    assert not holds(_actor(Role.MANAGER), Permission.DECIDE_OVERTIME)
    assert not holds(_actor(Role.HR), Permission.DECIDE_OVERTIME)
    # A route may still admit every manager: whether this one is the director is asked later.
    assert role_may(Role.MANAGER, Permission.APPROVE)
    assert not role_may(Role.CASHIER, Permission.APPROVE)
    assert str(refusal(_actor(Role.MANAGER), Permission.DECIDE_OVERTIME)).endswith(
        "(needs director)"
    )


def test_a_grant_to_managers_covers_the_director() -> None:
    assert holds(_actor(Role.MANAGER, director=True), Permission.RECORD_SPOT_CHECK)
    assert not holds(_actor(Role.HR), Permission.RECORD_SPOT_CHECK)


def test_the_pay_schedule_on_a_case_is_for_hr_and_the_staff_member_only() -> None:
    shown = {
        who
        for who, (actor, _) in ACTORS.items()
        if acts_on(actor, CASE_STAFF_ID, Permission.VIEW_PAY_SCHEDULE)
    }
    assert shown == {"hr", "staff on their own case"}


def test_a_service_refusal_reads_in_chinese_on_a_page() -> None:
    """A step refused inside a service (not at the route) tells a person in Chinese."""
    from compliance.context import Ctx
    from compliance.errors import Forbidden

    ctx = Ctx(session=None, actor=_actor(Role.STAFF, staff_id=3))  # type: ignore[arg-type]
    with pytest.raises(Forbidden) as refused:
        ctx.require(Permission.TRIAGE_FINDINGS)
    assert refused.value.text("zh") == "你的角色无权进行此操作"
    assert "needs" in refused.value.text("en")
