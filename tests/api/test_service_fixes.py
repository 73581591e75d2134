"""Defects a tester found in the service pages: the emergency kind has no default, and must
be chosen (the error in the user's language, the typed text kept)."""

from sqlalchemy import func, select

from compliance.service.models import EmergencyReport, ServiceOrder


def test_the_emergency_form_preselects_no_kind_and_requires_one(browser, office, session):
    m = browser("manager")
    form = m.client.get("/service/emergencies/new").text
    assert 'name="incident_kind"' in form
    assert " checked" not in form.split('id="emergency-form"')[1].split("</fieldset>")[0]
    assert 'value="fire" required' in form
    before = session.execute(select(func.count()).select_from(ServiceOrder)).scalar_one()
    r = m.post(
        "/service/emergencies",
        {"location": "5栋2单元管道井", "description": "水管爆裂,楼道积水", "household": "王女士"},
    )
    assert r.status_code == 422, r.text
    assert "请选择事件类别" in r.text and 'id="incident_kind-error"' in r.text
    assert "水管爆裂,楼道积水" in r.text and "5栋2单元管道井" in r.text and "王女士" in r.text
    assert "choose the kind" not in r.text
    after = session.execute(select(func.count()).select_from(ServiceOrder)).scalar_one()
    assert after == before
    r = m.post(
        "/service/emergencies",
        {"incident_kind": "other", "location": "5栋2单元管道井", "description": "水管爆裂"},
    )
    assert r.status_code == 303, r.text
    kinds = session.execute(select(EmergencyReport.incident_kind)).scalars().all()
    assert kinds == ["other"]
