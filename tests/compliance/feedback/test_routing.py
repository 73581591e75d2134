"""Every feedback category leads somewhere (rulebook 第八条, 第十一条; no category dropped).

"damage" opens a damage incident to value (R11), linked to the feedback, in one transaction;
"improper relationship" (不正当关系) feeds R08; a category that feeds no rule says so.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.damages import service as damages
from compliance.damages.models import DamageIncident
from compliance.errors import ValidationFailed
from compliance.feedback.models import Feedback
from compliance.feedback.service import ARCHIVED_ZH, record_feedback
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from tests.conftest import NOW, as_role

WHEN = NOW - timedelta(days=1)


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "channel": "phone",
        "category": "damage",
        "text": "打碎客厅花瓶\n住户要求赔偿",
        "occurred_at": WHEN.isoformat(),
    }
    body.update(over)
    return body


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _findings(ctx, rule):
    stmt = select(Finding).where(Finding.rule_code == rule)
    return list(ctx.session.execute(stmt).scalars())


def _detect(ctx):
    day = WHEN.astimezone(ctx.tz).date()
    run_detection(ctx, day, day)


def test_a_damage_report_opens_a_damage_incident_to_value(ctx, office):
    fb = record_feedback(ctx, _body(office))
    assert fb.rules == ("R11",) and fb.damage_id is not None
    assert f"#{fb.damage_id}" in fb.note_zh and "待评估价值" in fb.note_zh
    incident = ctx.session.get(DamageIncident, fb.damage_id)
    assert (incident.staff_id, incident.unit_id) == (office.staff[0].id, office.units[0].id)
    assert incident.occurred_at == WHEN
    assert incident.item == "打碎客厅花瓶"
    assert f"住户反馈 #{fb.id}" in incident.description
    assert incident.assessed_value_fen is None and incident.settlement == "pending"
    assert ctx.session.get(Feedback, fb.id).damage_id == fb.damage_id
    actions = set(ctx.session.execute(select(AuditEvent.action)).scalars())
    assert {"feedback.recorded", "damage.recorded"} <= actions
    # The incident is what R11 judges: one finding, on the damage, not on the feedback.
    _detect(ctx)
    [finding] = _findings(ctx, "R11")
    assert "价值尚待评估" in finding.explanation_zh
    assert f'"id": {fb.damage_id}' in finding.evidence


@pytest.mark.parametrize(
    ("over", "field"),
    [({"unit_id": None}, "unit_id"), ({"text": "  "}, "text")],
    ids=["no unit", "nothing said"],
)
def test_a_damage_report_without_unit_or_item_is_refused_and_nothing_is_kept(
    ctx, office, over, field
):
    before = (_count(ctx.session, Feedback), _count(ctx.session, DamageIncident))
    with pytest.raises(ValidationFailed) as err:
        record_feedback(ctx, _body(office, **over))
    assert [e.field for e in err.value.errors] == [field]
    ctx.session.rollback()
    assert (_count(ctx.session, Feedback), _count(ctx.session, DamageIncident)) == before


def test_hr_cannot_record_a_damage_report_since_it_opens_an_incident(ctx, office):
    hr = as_role(ctx, office, "hr")
    with pytest.raises(ValidationFailed, match="only a manager"):
        record_feedback(hr, _body(office))
    ctx.session.rollback()
    assert _count(ctx.session, Feedback) == 0 and _count(ctx.session, DamageIncident) == 0


def test_no_feedback_is_kept_when_its_damage_incident_cannot_be_opened(ctx, office, monkeypatch):
    def refuse(_ctx, _data):
        raise ValidationFailed.one("item", "refused")

    monkeypatch.setattr(damages, "record_damage", refuse)
    with pytest.raises(ValidationFailed, match="refused"):
        record_feedback(ctx, _body(office))
    ctx.session.rollback()
    assert _count(ctx.session, Feedback) == 0 and _count(ctx.session, DamageIncident) == 0


@pytest.mark.parametrize("category", ["improper_relationship", "不正当关系"])
def test_an_improper_relationship_report_feeds_r08(ctx, office, category):
    fb = record_feedback(ctx, _body(office, category=category, text="与住户交往过密"))
    assert fb.category == "improper_relationship" and fb.rules == ("R08",)
    assert fb.note_zh == "" and fb.damage_id is None
    _detect(ctx)
    [finding] = _findings(ctx, "R08")
    assert finding.detector == "improper_relationship_reported"
    assert "与住户有不正当关系" in finding.explanation_zh


@pytest.mark.parametrize("category", ["praise", "other"])
def test_a_category_that_feeds_no_rule_says_it_is_kept_on_file_only(ctx, office, category):
    fb = record_feedback(ctx, _body(office, category=category, text="服务很好"))
    assert fb.rules == () and fb.damage_id is None
    assert fb.note_zh == ARCHIVED_ZH == "此类反馈不对应任何条款,仅存档"
    assert "kept on file only" in fb.note_en


def test_an_unsatisfied_return_visit_feeds_r04_whatever_its_category(ctx, office):
    fb = record_feedback(
        ctx,
        _body(
            office, category="other", channel="return_visit", satisfaction="unsatisfied", text="慢"
        ),
    )
    assert fb.rules == ("R04",) and fb.note_zh == ""


def test_an_unknown_category_is_refused(ctx, office):
    with pytest.raises(ValidationFailed) as err:
        record_feedback(ctx, _body(office, category="不存在的类别"))
    assert [e.field for e in err.value.errors] == ["category"]
