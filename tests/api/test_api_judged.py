"""A record saved through the JSON API is judged in the same request (issue 11, item 13)."""

import pytest
from sqlalchemy import select

from compliance.accounts import tokens
from compliance.context import Ctx
from compliance.findings.models import Finding
from tests.factories import OfficeSet


@pytest.fixture
def token_for(session, clock, settings, office: OfficeSet):
    def make(name: str) -> dict[str, str]:
        ctx = Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)
        return {"Authorization": f"Bearer {tokens.create_token(ctx, {'name': 't'}).token}"}

    return make


def test_feedback_saved_through_the_api_opens_its_finding_at_once(
    client, token_for, office, session
):
    body = {
        "staff_id": office.staff[1].id,
        "channel": "phone",
        "category": "attitude",
        "text": "态度冷淡,不耐烦",
        "occurred_at": "2026-03-30T10:00:00+08:00",
    }
    r = client.post("/api/feedback", json=body, headers=token_for("manager"))
    assert r.status_code == 201
    judgment = r.json()["judgment"]
    opened = judgment["findings_opened"]
    assert len(opened) == 1 and judgment["error"] == ""
    [r01] = [o for o in judgment["outcomes"] if o["rule_code"] == "R01"]
    assert r01["verdict"] == "finding_opened" and r01["finding_id"] == opened[0]
    finding = session.execute(select(Finding).where(Finding.id == opened[0])).scalar_one()
    assert finding.rule_code == "R01" and finding.staff_id == office.staff[1].id


def test_praise_feeds_no_rule_and_says_so(client, token_for, office):
    body = {
        "staff_id": office.staff[1].id,
        "channel": "phone",
        "category": "praise",
        "text": "师傅很细心",
        "occurred_at": "2026-03-30T10:00:00+08:00",
    }
    r = client.post("/api/feedback", json=body, headers=token_for("manager"))
    assert r.status_code == 201
    assert r.json()["judgment"]["findings_opened"] == []
