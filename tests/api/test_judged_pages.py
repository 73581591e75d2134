"""Saving a record on the web judges it in the same request; the page says what came of it."""

from sqlalchemy import select

from compliance.findings.models import Finding
from tests.api.test_spot_checks import form as spot_check_form


def _findings(session, rule: str) -> list[Finding]:
    return list(session.execute(select(Finding).where(Finding.rule_code == rule)).scalars())


def test_a_spot_check_ticked_fail_but_ringing_12_s_says_no_breach_and_why(browser, office, session):
    b = browser("manager")
    r = b.post("/spot-checks/new", spot_check_form(office, observed_ring_duration="12"))
    assert r.status_code == 303, r.text
    page = b.client.get(r.headers["location"]).text
    assert "规则判定结果" in page
    assert "未违规" in page and "门铃每次鸣响 12 秒,未超过规定的 120 秒" in page
    assert "按实测值判定" in page
    assert _findings(session, "R03") == []
    b.client.cookies.set("lang", "en")
    page = b.client.get(r.headers["location"]).text
    assert "no breach" in page and "Rang for 12 s, within the 120 s allowed" in page


def test_a_spot_check_ring_of_121_s_says_which_finding_it_opened(browser, office, session):
    b = browser("manager")
    r = b.post("/spot-checks/new", spot_check_form(office))
    page = b.client.get(r.headers["location"]).text
    [finding] = _findings(session, "R03")
    assert f"已生成线索 #{finding.id}" in page
    assert "门铃每次鸣响 121 秒,超过规定的 120 秒" in page


def test_recording_a_damage_says_the_r11_finding_it_opened(browser, office, session):
    b = browser("manager")
    r = b.post(
        "/damages/new",
        {
            "staff_id": str(office.staff[0].id),
            "unit_id": str(office.units[0].id),
            "item": "花瓶",
            "description": "搬运时碰倒",
            "occurred_at": "2026-03-30T15:00",
        },
    )
    assert r.status_code == 303, r.text
    [finding] = _findings(session, "R11")
    page = b.client.get(r.headers["location"]).text
    assert f"已生成线索 #{finding.id}" in page and "花瓶" in page
    # The detail page shows it once, after the save; not on a plain visit.
    plain = b.client.get(r.headers["location"].split("?")[0]).text
    assert "规则判定结果" not in plain


def test_posting_an_attitude_complaint_shows_the_finding_it_opened(browser, office, session):
    b = browser("manager")
    r = b.post(
        "/feedback/new",
        {
            "staff_id": str(office.staff[0].id),
            "unit_id": str(office.units[0].id),
            "channel": "phone",
            "category": "attitude",
            "occurred_at": "2026-03-31T10:00",
            "text": "态度冷淡",
        },
    )
    assert r.status_code == 303, r.text
    [finding] = _findings(session, "R01")
    page = b.client.get(r.headers["location"]).text
    assert f"已生成线索 #{finding.id}" in page and "服务态度差" in page
    b.client.cookies.set("lang", "en")
    page = b.client.get(r.headers["location"]).text
    assert f"finding #{finding.id} opened" in page


def test_a_tip_handed_over_at_the_desk_shows_no_breach_on_screen_only(browser, office, session):
    b = browser("cashier")
    r = b.post(
        "/tips/new",
        {
            "staff_id": str(office.staff[0].id),
            "unit_id": str(office.units[0].id),
            "amount": "100",
            "received_at": "2026-03-31T09:00",
            "handed_over_at": "2026-03-31T11:00",
            "countersigned_by": str(office.users["manager"].id),
        },
    )
    assert r.status_code == 303, r.text
    page = b.client.get(r.headers["location"]).text
    assert "R12" in page and "未违规" in page and '<div class="no-print">' in page
    assert _findings(session, "R12") == []
