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


def test_service_evidence_on_the_findings_pages_is_named_by_number_and_linked(
    browser, ctx, office, session
):
    from tests.compliance.evidence.test_service_evidence import _finding, _records

    order, step, _call = _records(ctx, office)
    finding = _finding(
        office,
        [{"kind": "service_order", "id": order}, {"kind": "service_event", "id": step}],
    )
    session.add(finding)
    session.flush()
    b = browser("manager")
    for url in ("/findings", f"/findings/{finding.id}/confirm"):
        html = b.client.get(url).text
        assert f'<a href="/service/orders/{order}">FW-2026-000028</a>' in html, url
        i = html.find(f"服务工作单 #{order}")
        assert i < 0, html[i - 300 : i + 100]
        assert f"#{step}<" not in html and "工单步骤 FW-2026-000028" in html
        assert "答复住户" in html and office.staff[0].name in html
