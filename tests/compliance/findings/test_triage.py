"""Manual findings and triage: confirm or dismiss with a reason, exactly once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.feedback.service import record_feedback
from compliance.findings.models import Finding
from compliance.findings.service import confirm, dismiss, raise_manual
from tests.conftest import NOW, as_role


def _feedback(ctx, office):
    return record_feedback(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "channel": "visit",
            "category": "facility_use",
            "text": "维修工在业主家看电视",
            "occurred_at": NOW - timedelta(days=2),
        },
    )


def _manual(ctx, office, **over):
    fb = _feedback(ctx, office)
    body = {
        "rule_code": "R05",
        "staff_id": office.staff[0].id,
        "occurred_at": NOW - timedelta(days=2),
        "note": "住户反映使用电视",
        "evidence": [{"kind": "feedback", "id": fb.id}],
    }
    body.update(over)
    return raise_manual(ctx, body)


def test_manual_finding_records_version_and_evidence(ctx, office):
    f = _manual(ctx, office)
    assert f.rule_code == "R05" and f.policy_version == "1.0" and f.source == "manual"
    assert f.evidence[0]["kind"] == "feedback"


def test_same_manual_finding_twice_is_a_conflict(ctx, office):
    f = _manual(ctx, office)
    with pytest.raises(Conflict):
        raise_manual(
            ctx,
            {
                "rule_code": "R05",
                "staff_id": office.staff[0].id,
                "occurred_at": NOW - timedelta(days=2),
                "note": "again",
                "evidence": f.evidence,
            },
        )


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"rule_code": "R99"}, "rule_code"),
        ({"rule_code": "X1"}, "rule_code"),
        ({"staff_id": 424242}, "staff_id"),
        ({"note": ""}, "note"),
        ({"occurred_at": NOW + timedelta(days=3)}, "occurred_at"),
        ({"evidence": [{"kind": "visit", "id": 999999}]}, "evidence.0"),
        ({"evidence": [{"kind": "rumour", "id": 1}]}, "evidence.0.kind"),
    ],
)
def test_bad_manual_finding_is_rejected_and_saves_nothing(ctx, office, over, field):
    fb = _feedback(ctx, office)
    before = ctx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    body = {
        "rule_code": "R05",
        "staff_id": office.staff[0].id,
        "occurred_at": NOW - timedelta(days=2),
        "note": "x",
        "evidence": [{"kind": "feedback", "id": fb.id}],
        **over,
    }
    with pytest.raises(ValidationFailed) as err:
        raise_manual(ctx, body)
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.execute(select(func.count()).select_from(Finding)).scalar_one() == 0
    assert ctx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before


def test_confirm_then_dismiss_is_a_conflict(ctx, office):
    f = _manual(ctx, office)
    assert confirm(as_role(ctx, office, "hr"), f.id).status == "confirmed"
    with pytest.raises(Conflict):
        dismiss(ctx, f.id, {"reason": "误报"})


def test_dismiss_needs_a_reason(ctx, office):
    f = _manual(ctx, office)
    with pytest.raises(ValidationFailed, match="reason"):
        dismiss(ctx, f.id, {"reason": "  "})
    done = dismiss(ctx, f.id, {"reason": "住户撤回投诉"})
    assert done.status == "dismissed" and done.triage_reason == "住户撤回投诉"


def test_staff_and_cashier_cannot_triage(ctx, office):
    f = _manual(ctx, office)
    for role in ("staff", "cashier"):
        with pytest.raises(Forbidden):
            confirm(as_role(ctx, office, role), f.id)


def test_unknown_finding_is_not_found(ctx):
    with pytest.raises(NotFound):
        confirm(ctx, 987654)
