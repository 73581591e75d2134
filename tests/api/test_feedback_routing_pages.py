"""The feedback form offers every category in Chinese and says where a saved report led;
the cashier's desk lets a handover name the tip report it settles (R12, one to one)."""

from datetime import timedelta

from sqlalchemy import select

from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.feedback.service import record_feedback
from compliance.tips.models import TipLine
from compliance.tips.service import declare_tip
from policies.vocab import FeedbackCategory
from tests.api.helpers import feedback_form
from tests.conftest import NOW, as_role


def test_the_form_offers_every_category_with_its_chinese_name(browser):
    page = browser("manager").client.get("/feedback/new").text
    for category in FeedbackCategory:
        assert f'value="{category.value}"' in page
    assert '<option value="improper_relationship">不正当关系</option>' in page
    assert '<option value="damage">损坏财物</option>' in page


def test_a_damage_report_says_which_incident_it_opened(browser, office, session):
    b = browser("manager")
    form = feedback_form(office, category="damage", text="打碎花瓶", amount="")
    r = b.post("/feedback/new", form)
    assert r.status_code == 303, r.text
    incident = session.execute(select(DamageIncident)).scalar_one()
    assert r.headers["location"].startswith("/feedback/new?saved=1&")
    assert r.headers["location"].endswith(f"&damage={incident.id}")
    page = b.client.get(r.headers["location"]).text
    assert f"已开立损坏事件 #{incident.id},待评估价值(第十一条)。" in page
    assert f'href="/damages/{incident.id}"' in page
    feedback = session.execute(select(Feedback)).scalar_one()
    assert feedback.damage_id == incident.id


def test_a_damage_report_without_a_unit_is_an_error_on_the_unit(browser, office, session):
    b = browser("manager")
    r = b.post("/feedback/new", feedback_form(office, category="damage", unit_id="", amount=""))
    assert r.status_code == 422
    assert "损坏财物的反馈须选择被损坏财物所在的单元" in r.text
    assert session.execute(select(Feedback)).first() is None


def test_a_category_that_feeds_no_rule_says_it_is_archived(browser, office):
    b = browser("manager")
    r = b.post("/feedback/new", feedback_form(office, category="other", amount=""))
    assert r.headers["location"].startswith("/feedback/new?saved=1&")
    assert r.headers["location"].endswith("&archived=1")
    assert "此类反馈不对应任何条款,仅存档" in b.client.get(r.headers["location"]).text


def test_a_handover_names_the_tip_report_it_settles(browser, office, session, ctx):
    report = record_feedback(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "channel": "phone",
            "category": "tip_reported",
            "amount_fen": 5000,
            "occurred_at": (NOW - timedelta(hours=4)).isoformat(),
        },
    )
    tip = declare_tip(
        as_role(ctx, office, "staff"),
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "amount_fen": 5000,
            "received_at": NOW - timedelta(hours=3),
        },
    )
    b = browser("cashier")
    desk = b.client.get("/tips").text
    assert f'<option value="{report.id}">#{report.id} · {office.staff[0].name} · ¥50.00' in desk
    r = b.post(
        f"/tips/{tip.id}/handover",
        {
            "countersigned_by": str(office.users["hr"].id),
            "handed_over_at": "2026-03-31T11:00",
            "feedback_id": str(report.id),
        },
    )
    assert r.status_code == 303, r.text
    session.expire_all()
    assert session.get(TipLine, tip.id).feedback_id == report.id
