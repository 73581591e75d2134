"""Overtime requests and the director's decision (R09)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.overtime.service import decide_overtime, list_overtime, request_overtime
from compliance.visits.models import Visit
from tests import factories
from tests.conftest import NOW, as_role

APPROVE = {"decision": "approved", "rearranged_others": True, "note": "已改约 3栋 202"}


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _counts(session):
    return (_count(session, OvertimeRequest), _count(session, AuditEvent))


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "reason": "业主家中漏水,需晚间继续维修",
        "requested_at": (NOW - timedelta(hours=1)).isoformat(),
    }
    body.update(over)
    return body


def _visit(session, office, staff=0, unit=0):
    v = Visit(
        office_id=office.office.id,
        staff_id=office.staff[staff].id,
        unit_id=office.units[unit].id,
        requested_at=NOW - timedelta(hours=5),
        work_date=(NOW - timedelta(hours=5)).date(),
        created_at=NOW,
    )
    session.add(v)
    session.flush()
    return v.id


def _director(ctx, office):
    return as_role(ctx, office, "director")


def test_manager_records_and_director_approves_at_clock_time(ctx, office):
    before = _counts(ctx.session)
    r = request_overtime(ctx, _body(office, visit_id=_visit(ctx.session, office)))
    assert r.decision == "pending"
    d = decide_overtime(_director(ctx, office), r.id, APPROVE)
    assert (d.decision, d.decided_by, d.decided_at) == (
        "approved",
        office.users["director"].id,
        NOW,
    )
    assert (d.rearranged_others, d.decision_note) == (True, "已改约 3栋 202")
    assert _counts(ctx.session) == (before[0] + 1, before[1] + 2)


def test_staff_records_their_own_request(ctx, office):
    r = request_overtime(as_role(ctx, office, "staff"), _body(office))
    assert r.staff_id == office.staff[0].id


@pytest.mark.parametrize(("role", "staff_index"), [("staff", 1), ("cashier", 0), ("hr", 0)])
def test_requests_by_other_people_are_forbidden(ctx, office, role, staff_index):
    before = _counts(ctx.session)
    with pytest.raises(Forbidden):
        request_overtime(
            as_role(ctx, office, role), _body(office, staff_id=office.staff[staff_index].id)
        )
    assert _counts(ctx.session) == before


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999_999}, "staff_id"),
        ({"unit_id": 999_999}, "unit_id"),
        ({"visit_id": 999_999}, "visit_id"),
        ({"visit_id": "other-staff"}, "visit_id"),
        ({"visit_id": "other-unit"}, "visit_id"),
        ({"requested_at": (NOW + timedelta(hours=1)).isoformat()}, "requested_at"),
        ({"requested_at": "2026-03-31T10:00:00"}, "requested_at"),
        ({"reason": "x" * 1001}, "reason"),
        ({"decision": "approved"}, "decision"),
    ],
)
def test_bad_request_names_the_field_and_saves_nothing(ctx, office, over, field):
    if over.get("visit_id") == "other-staff":
        over["visit_id"] = _visit(ctx.session, office, staff=1)
    elif over.get("visit_id") == "other-unit":
        over["visit_id"] = _visit(ctx.session, office, unit=1)
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        request_overtime(ctx, _body(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


@pytest.mark.parametrize("role", ["manager", "hr", "admin", "staff", "cashier"])
def test_only_the_director_decides(ctx, office, role):
    r = request_overtime(ctx, _body(office))
    before = _counts(ctx.session)
    with pytest.raises(Forbidden):
        decide_overtime(as_role(ctx, office, role), r.id, APPROVE)
    assert ctx.session.get(OvertimeRequest, r.id).decision == "pending"
    assert _counts(ctx.session) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "approved"}, "rearranged_others"),
        ({"decision": "approved", "rearranged_others": False}, "rearranged_others"),
        ({"decision": "pending", "rearranged_others": True}, "decision"),
        ({"decision": "maybe"}, "decision"),
        ({**APPROVE, "decided_at": (NOW + timedelta(hours=1)).isoformat()}, "decided_at"),
        ({**APPROVE, "decided_at": (NOW - timedelta(hours=2)).isoformat()}, "decided_at"),
        ({**APPROVE, "decided_at": "2026-03-31T10:00:00"}, "decided_at"),
        ({**APPROVE, "late_entry_reason": "x" * 1001}, "late_entry_reason"),
    ],
)
def test_bad_decision_names_the_field_and_changes_nothing(ctx, office, body, field):
    r = request_overtime(ctx, _body(office))
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        decide_overtime(_director(ctx, office), r.id, body)
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.get(OvertimeRequest, r.id).decision == "pending"
    assert _counts(ctx.session) == before


def test_refusal_needs_no_rearrangement(ctx, office):
    r = request_overtime(ctx, _body(office))
    assert (
        decide_overtime(_director(ctx, office), r.id, {"decision": "refused"}).decision == "refused"
    )


def test_a_request_is_decided_once(ctx, office):
    r = request_overtime(ctx, _body(office))
    decide_overtime(_director(ctx, office), r.id, {"decision": "refused"})
    before = _counts(ctx.session)
    with pytest.raises(Conflict):
        decide_overtime(_director(ctx, office), r.id, APPROVE)
    assert ctx.session.get(OvertimeRequest, r.id).decision == "refused"
    assert _counts(ctx.session) == before


def test_decision_loses_to_a_concurrent_one_it_did_not_see(ctx, office):
    r = request_overtime(ctx, _body(office))
    # Hold the loaded row so the service's read sees it stale, as a concurrent reader would.
    loaded = ctx.session.get(OvertimeRequest, r.id)
    ctx.session.execute(
        update(OvertimeRequest).where(OvertimeRequest.id == r.id).values(decision="refused"),
        execution_options={"synchronize_session": False},
    )
    before = _counts(ctx.session)
    with pytest.raises(Conflict, match="just now"):
        decide_overtime(_director(ctx, office), r.id, APPROVE)
    assert loaded.decision == "pending"
    assert _counts(ctx.session) == before


def test_unknown_or_foreign_request_is_not_found(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    foreign = request_overtime(as_role(ctx, other, "manager"), _body(other))
    for request_id in (999_999, foreign.id):
        with pytest.raises(NotFound):
            decide_overtime(_director(ctx, office), request_id, APPROVE)


def test_list_overtime_by_decision_and_staff_see_their_own(ctx, office):
    a = request_overtime(ctx, _body(office))
    request_overtime(ctx, _body(office, staff_id=office.staff[1].id))
    decide_overtime(_director(ctx, office), a.id, APPROVE)
    assert len(list_overtime(ctx)) == 2
    pending = list_overtime(ctx, decision=OvertimeDecision.PENDING)
    assert [r.staff_id for r in pending] == [office.staff[1].id]
    assert [r.id for r in list_overtime(as_role(ctx, office, "staff"))] == [a.id]
    with pytest.raises(Forbidden):
        list_overtime(as_role(ctx, office, "staff"), staff_id=office.staff[1].id)


# When the approval was given, who entered it and when (R09, 第九条) ------------------------


def test_an_approval_given_by_phone_is_dated_when_given_and_entered_beside_it(ctx, office):
    """Given by phone at 11:00, typed in at 12:00: decided 11:00, entered 12:00 by her."""
    r = request_overtime(ctx, _body(office))
    given = NOW - timedelta(minutes=59)
    d = decide_overtime(_director(ctx, office), r.id, {**APPROVE, "decided_at": given.isoformat()})
    director = office.users["director"].id
    assert (d.decided_at, d.decided_by) == (given, director)
    assert (d.entered_at, d.entered_by, d.approver_was_director) == (NOW, director, True)
    assert d.late_entry_reason == ""


@pytest.mark.parametrize(
    ("hours", "needs_reason"),
    [(2, False), (2 + 1 / 60, True)],
    ids=["entered 2 h after it was given", "2 h 1 min after"],
)
def test_an_approval_entered_late_needs_a_reason(ctx, office, hours, needs_reason):
    r = request_overtime(ctx, _body(office, requested_at=(NOW - timedelta(hours=5)).isoformat()))
    body = {**APPROVE, "decided_at": (NOW - timedelta(hours=hours)).isoformat()}
    director = _director(ctx, office)
    if needs_reason:
        before = _counts(ctx.session)
        with pytest.raises(ValidationFailed) as err:
            decide_overtime(director, r.id, body)
        assert {e.field for e in err.value.errors} == {"late_entry_reason"}
        assert _counts(ctx.session) == before
        body["late_entry_reason"] = "主任电话批准,当晚无法登录系统"
    d = decide_overtime(director, r.id, body)
    assert d.decided_at == NOW - timedelta(hours=hours)
    assert d.late_entry_reason == body.get("late_entry_reason", "")


def test_an_approval_back_dated_after_the_work_began_needs_a_reason(ctx, office):
    """The job began at 11:30; an approval typed in at 12:00 and dated 11:20 needs a reason."""
    vid = _visit(ctx.session, office)
    ctx.session.get(Visit, vid).arrived_at = NOW - timedelta(minutes=30)
    ctx.session.flush()
    r = request_overtime(ctx, _body(office, visit_id=vid))
    body = {**APPROVE, "decided_at": (NOW - timedelta(minutes=40)).isoformat()}
    with pytest.raises(ValidationFailed) as err:
        decide_overtime(_director(ctx, office), r.id, body)
    assert {e.field for e in err.value.errors} == {"late_entry_reason"}
    # Typed in as it is given, the same approval needs no reason.
    d = decide_overtime(_director(ctx, office), r.id, APPROVE)
    assert d.decided_at == NOW and d.late_entry_reason == ""


def test_the_approvers_capacity_is_kept_as_it_was_when_approving(ctx, office):
    from compliance.accounts.models import User

    r = request_overtime(ctx, _body(office))
    decide_overtime(_director(ctx, office), r.id, APPROVE)
    ctx.session.get(User, office.users["director"].id).is_director = False  # later
    ctx.session.flush()
    row = ctx.session.get(OvertimeRequest, r.id)
    assert row.approver_was_director is True


def test_the_dossier_prints_when_a_late_approval_was_entered_and_why(ctx, office):
    import json
    from zoneinfo import ZoneInfo

    from compliance.dossiers.evidence import timeline
    from compliance.dossiers.formatting import Fmt
    from compliance.findings.models import Finding

    r = request_overtime(ctx, _body(office, requested_at=(NOW - timedelta(hours=5)).isoformat()))
    given = (NOW - timedelta(hours=3)).isoformat()  # 09:00 Shanghai, entered at 12:00
    body = {**APPROVE, "decided_at": given, "late_entry_reason": "主任电话批准,当时在外开会"}
    decide_overtime(_director(ctx, office), r.id, body)
    finding = Finding(
        office_id=office.office.id,
        staff_id=office.staff[0].id,
        rule_code="R09",
        policy_version="1.0",
        params_digest="0" * 64,
        input_digest="0" * 64,
        source="detector",
        dedupe_key="x",
        occurred_at=NOW,
        explanation_zh="",
        explanation_en="",
        evidence=json.dumps([{"kind": "overtime", "id": r.id}]),
        created_at=NOW,
    )
    [item] = timeline(ctx.session, ctx.settings, Fmt("zh", ZoneInfo("Asia/Shanghai")), [finding])
    text = " ".join(item.lines)
    assert "已批准 · 2026-03-31 09:00" in text
    assert "录入于 2026-03-31 12:00" in text
    assert "补录原因:主任电话批准,当时在外开会" in text
