"""Dismissing many findings with one reason: each audited like a single dismissal, all or none."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from compliance.audit.models import AuditEvent
from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.findings.bulk import dismiss_many
from compliance.findings.models import Finding
from compliance.findings.service import confirm, raise_manual
from tests.conftest import NOW, as_role
from tests.factories import office_set


def _findings(ctx, office, n=3):
    return [
        raise_manual(
            ctx,
            {
                "rule_code": "R05",
                "staff_id": office.staff[i % 2].id,
                "occurred_at": NOW - timedelta(days=1 + i),
                "note": f"住户反映 {i}",
            },
        ).id
        for i in range(n)
    ]


def _status(session, ids):
    session.expire_all()
    rows = session.execute(select(Finding).where(col(Finding.id).in_(ids))).scalars()
    return {f.id: (f.status, f.triage_reason) for f in rows}


def _events(session):
    return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_dismisses_each_with_the_one_reason_and_audits_each(ctx, office, session):
    ids = _findings(ctx, office)
    before = _events(session)
    done = dismiss_many(ctx, {"ids": [*ids, ids[0]], "reason": "  住户撤回投诉 "})
    assert [f.id for f in done] == ids  # each once
    assert _status(session, ids) == {i: ("dismissed", "住户撤回投诉") for i in ids}
    events = (
        session.execute(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(len(ids)))
        .scalars()
        .all()
    )
    assert _events(session) == before + len(ids)
    assert sorted(int(e.entity_id) for e in events) == sorted(ids)
    assert {(e.action, e.entity) for e in events} == {("finding.dismissed", "finding")}
    assert all("住户撤回投诉" in e.payload for e in events)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"ids": [], "reason": "x"}, ["ids"]),
        ({"ids": [1], "reason": "   "}, ["reason"]),
        ({"ids": [], "reason": ""}, ["ids", "reason"]),
        ({"ids": list(range(1, 102)), "reason": "x"}, ["ids"]),
    ],
)
def test_refuses_no_tick_no_reason_or_too_many(ctx, office, body, fields):
    with pytest.raises(ValidationFailed) as err:
        dismiss_many(ctx, body)
    assert [e.field for e in err.value.errors] == fields


def test_one_that_cannot_be_dismissed_leaves_all_open(ctx, office, session):
    ids = _findings(ctx, office)
    confirm(ctx, ids[1])
    before = _events(session)
    with pytest.raises(Conflict):
        dismiss_many(ctx, {"ids": ids, "reason": "住户撤回投诉"})
    assert _status(session, [ids[0], ids[2]]) == {
        ids[0]: ("open", ""),
        ids[2]: ("open", ""),
    }
    assert _events(session) == before


def test_another_office_s_finding_is_not_found_and_nothing_changes(ctx, office, session):
    ids = _findings(ctx, office, n=1)
    other = office_set(session, code="XYZ")
    other_ctx = Ctx(
        session=session, actor=other.actor("manager"), clock=ctx.clock, settings=ctx.settings
    )
    foreign = _findings(other_ctx, other, n=1)
    with pytest.raises(ValidationFailed) as err:
        dismiss_many(ctx, {"ids": ids + foreign, "reason": "住户撤回投诉"})
    assert [e.field for e in err.value.errors] == ["ids.1"]
    assert _status(session, ids + foreign) == {ids[0]: ("open", ""), foreign[0]: ("open", "")}


def test_only_those_who_triage_may(ctx, office):
    ids = _findings(ctx, office, n=1)
    with pytest.raises(Forbidden):
        dismiss_many(as_role(ctx, office, "cashier"), {"ids": ids, "reason": "x"})
