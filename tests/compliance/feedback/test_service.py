"""Recording resident feedback."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.feedback.models import Feedback
from compliance.feedback.service import record_feedback
from tests.conftest import NOW, as_role


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "channel": "phone",
        "category": "attitude",
        "text": "态度冷淡",
        "occurred_at": (NOW - timedelta(days=1)).isoformat(),
    }
    body.update(over)
    return body


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_records_feedback_with_local_work_date_and_audit(ctx, office):
    before = _count(ctx.session, AuditEvent)
    fb = record_feedback(ctx, _body(office, occurred_at="2026-03-30T17:30:00+00:00"))
    row = ctx.session.get(Feedback, fb.id)
    assert row.work_date.isoformat() == "2026-03-31"  # 01:30 next day in Shanghai
    assert row.created_by == office.users["manager"].id
    assert _count(ctx.session, AuditEvent) == before + 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999999}, "staff_id"),
        ({"unit_id": 999999}, "unit_id"),
        ({"amount_fen": -5, "category": "tip_reported"}, "amount_fen"),
        ({"amount_fen": 12.5, "category": "tip_reported"}, "amount_fen"),
        ({"amount_fen": 10**12, "category": "tip_reported"}, "amount_fen"),
        ({"category": "gossip"}, "category"),
        ({"occurred_at": (NOW + timedelta(days=2)).isoformat()}, "occurred_at"),
        ({"occurred_at": "2026-03-01T10:00:00"}, "occurred_at"),
        ({"satisfaction": "unsatisfied"}, "satisfaction"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = (_count(ctx.session, Feedback), _count(ctx.session, AuditEvent))
    with pytest.raises(ValidationFailed) as err:
        record_feedback(ctx, _body(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert (_count(ctx.session, Feedback), _count(ctx.session, AuditEvent)) == before


def test_staff_cannot_record_feedback(ctx, office):
    with pytest.raises(Forbidden):
        record_feedback(as_role(ctx, office, "staff"), _body(office))
