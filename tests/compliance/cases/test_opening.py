"""Opening and joining cases from findings; gap-free case numbers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.cases import read, statement
from compliance.cases.models import Case, CaseFinding, CaseStatus
from compliance.counters.models import Counter
from compliance.errors import Conflict, ValidationFailed
from compliance.findings.models import Finding
from compliance.flows import open_case as opening
from compliance.policy_params.service import record_history
from tests.compliance.cases.helpers import act, confirmed, drive, finding, open_case, row

S = CaseStatus


def _counter(ctx) -> int:
    return (
        ctx.session.execute(
            select(Counter.value).where(Counter.name == "case", Counter.year == 2026)
        ).scalar_one_or_none()
        or 0
    )


def test_cases_are_numbered_without_gaps_per_office_and_year(ctx, office):
    ids = [open_case(ctx, office, rule=r) for r in ("R01", "R05", "R06")]
    numbers = [row(ctx, i).number for i in ids]
    assert numbers == ["BSW-2026-0001", "BSW-2026-0002", "BSW-2026-0003"]


def test_a_failed_opening_uses_no_number(ctx, office):
    open_case(ctx, office, rule="R01")
    unconfirmed = finding(ctx, office, rule="R05")
    with pytest.raises(ValidationFailed, match="confirm it first"):
        opening.open_or_join(act(ctx, office, "manager"), unconfirmed)
    assert _counter(ctx) == 1
    nxt = opening.confirm_into_case(act(ctx, office, "manager"), unconfirmed, "属实")
    assert nxt.number == "BSW-2026-0002"


def test_a_failure_after_the_number_was_taken_gives_it_back(ctx, office, monkeypatch):
    open_case(ctx, office, rule="R01")
    fid = finding(ctx, office, rule="R05")
    events = ctx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    real = audit.record

    def failing(c, action, *args, **kw):
        if action == "case.opened":
            raise RuntimeError("disk full")
        return real(c, action, *args, **kw)

    monkeypatch.setattr("compliance.flows.open_case.audit.record", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        opening.confirm_into_case(act(ctx, office, "manager"), fid, "属实")
    monkeypatch.undo()
    # Nothing of the failed attempt remains: number, case, link, confirmation, events.
    assert _counter(ctx) == 1
    assert ctx.session.execute(select(func.count()).select_from(Case)).scalar_one() == 1
    assert ctx.session.get(Finding, fid).status == "open"
    assert ctx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events
    assert opening.confirm_into_case(act(ctx, office, "manager"), fid, "属实").number == (
        "BSW-2026-0002"
    )


def test_confirm_into_case_confirms_and_opens_in_one_go(ctx, office):
    fid = finding(ctx, office)
    case = opening.confirm_into_case(act(ctx, office, "hr"), fid, "现场核实")
    f = ctx.session.get(Finding, fid)
    assert f.status == "confirmed" and f.triage_reason == "现场核实"
    assert f.triaged_by == office.users["hr"].id
    assert case.status == "open" and case.rule_code == "R05" and case.staff_id == f.staff_id
    assert (case.policy_version, case.params_digest) == (f.policy_version, f.params_digest)
    assert case.incident_at == f.occurred_at and case.opened_by == office.users["hr"].id
    detail = read.get_case(act(ctx, office, "hr"), case.id)
    assert [x.id for x in detail.findings] == [fid]
    assert [s.action for s in detail.steps] == ["open"]


def test_open_or_join_needs_a_confirmed_finding(ctx, office):
    fid = confirmed(ctx, office)
    case = opening.open_or_join(act(ctx, office, "manager"), fid)
    assert case.number == "BSW-2026-0001"
    with pytest.raises(Conflict, match="already part of case BSW-2026-0001"):
        opening.open_or_join(act(ctx, office, "manager"), fid)


def test_a_dismissed_finding_cannot_open_a_case(ctx, office):
    from compliance.findings.service import dismiss

    fid = finding(ctx, office)
    dismiss(act(ctx, office, "manager"), fid, {"reason": "误报"})
    with pytest.raises(ValidationFailed, match="dismissed"):
        opening.confirm_into_case(act(ctx, office, "manager"), fid, "x")
    assert _counter(ctx) == 0


def test_a_second_finding_joins_the_open_case_and_moves_the_incident_earlier(ctx, office):
    first = open_case(ctx, office, days_ago=2)
    statement.request_statement(act(ctx, office, "hr"), first)
    earlier = finding(ctx, office, days_ago=5)
    joined = opening.confirm_into_case(act(ctx, office, "manager"), earlier, "属实")
    assert joined.id == first and joined.status == "awaiting_statement"
    assert joined.incident_at == ctx.session.get(Finding, earlier).occurred_at
    detail = read.get_case(act(ctx, office, "hr"), first)
    assert len(detail.findings) == 2
    assert [s.action for s in detail.steps][-1] == "add_evidence"
    assert _counter(ctx) == 1


def test_other_rule_or_other_staff_opens_its_own_case(ctx, office):
    a = open_case(ctx, office, rule="R05")
    b = open_case(ctx, office, rule="R06")
    c = open_case(ctx, office, rule="R05", staff=1)
    assert len({a, b, c}) == 3


def test_after_approval_a_new_finding_opens_a_new_case(ctx, office):
    approved = drive(ctx, office, S.APPROVED)
    new = open_case(ctx, office)
    assert new != approved
    assert row(ctx, new).number == "BSW-2026-0002"
    assert row(ctx, approved).status == "approved"


def test_the_case_keeps_the_rule_version_of_the_incident_date(ctx, office):
    old = confirmed(ctx, office, days_ago=10)
    record_history(  # published 4 days ago, from 3 days ago: a past version is history
        act(ctx, office, "admin"),
        "R05",
        {},
        (ctx.clock.now() - timedelta(days=3)).date(),
        "新版本",
        ctx.clock.now() - timedelta(days=4),
    )
    case = opening.open_or_join(act(ctx, office, "manager"), old)
    assert case.policy_version == "1.0"  # the version published later starts after the incident
    new = open_case(ctx, office, rule="R05", staff=1, days_ago=1)
    assert row(ctx, new).policy_version == "1.1"


def test_a_finding_cannot_join_someone_elses_case(ctx, office):
    case_id = open_case(ctx, office, staff=0)
    other = confirmed(ctx, office, staff=1)
    with pytest.raises(ValidationFailed, match="someone else"):
        opening.add_evidence(act(ctx, office, "manager"), case_id, other)
    assert (
        ctx.session.execute(
            select(func.count()).select_from(CaseFinding).where(CaseFinding.case_id == case_id)
        ).scalar_one()
        == 1
    )
