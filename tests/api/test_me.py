"""Staff self-service: only one's own findings, cases and photos; statement before the deadline."""

import io

from PIL import Image
from sqlalchemy import select

from compliance.cases.models import Case, Statement
from compliance.files.service import store_image
from compliance.flows.spot_checks import record_spot_check
from policies import registry
from tests.api.helpers import XSS
from tests.compliance.cases.helpers import S, drive


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def test_staff_see_only_their_own_cases_and_findings(browser, office, ctx):
    mine = drive(ctx, office, S.AWAITING_STATEMENT, staff=0)
    theirs = drive(ctx, office, S.AWAITING_STATEMENT, staff=1)
    numbers = {
        c.id: c.number for c in ctx.session.execute(select(Case)).scalars() if c.id is not None
    }
    page = browser("staff").client.get("/me").text
    assert numbers[mine] in page and numbers[theirs] not in page
    assert f'href="/me/cases/{mine}"' in page
    assert "R05" in page  # the finding about them
    other = browser("staff2").client.get("/me").text
    assert numbers[theirs] in other and numbers[mine] not in other


def test_staff_b_gets_404_on_staff_a_case_and_its_forms(browser, office, ctx):
    case_a = drive(ctx, office, S.AWAITING_STATEMENT, staff=0)
    b = browser("staff2")
    assert b.client.get(f"/me/cases/{case_a}").status_code == 404
    r = b.post(f"/me/cases/{case_a}/statement", {"text": "不是我"})
    assert r.status_code == 404
    assert ctx.session.execute(select(Statement)).first() is None


def test_statement_before_the_deadline(browser, office, ctx):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT, staff=0)
    b = browser("staff")
    page = b.client.get(f"/me/cases/{case_id}").text
    assert f'action="/me/cases/{case_id}/statement#your-statement"' in page
    assert f'action="/me/cases/{case_id}/appeal#your-appeal"' not in page  # not in allowed_actions
    assert registry.get("R05").text_zh in page  # the rule text
    due = ctx.session.get(Case, case_id).statement_due
    assert due.isoformat() in page
    empty = b.post(f"/me/cases/{case_id}/statement", {"text": "  "})
    assert empty.status_code == 422 and 'id="statement-text-error"' in empty.text
    r = b.post(f"/me/cases/{case_id}/statement", {"text": f"我当时只是在调试电视 {XSS}"})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=statement")
    after = b.client.get(r.headers["location"]).text
    assert "我当时只是在调试电视" in after and XSS not in after and "&lt;script&gt;" in after
    assert f'action="/me/cases/{case_id}/statement#your-statement"' not in after
    row = ctx.session.execute(select(Statement)).scalar_one()
    assert row.kind == "statement"


def test_acknowledge_and_appeal_when_notified(browser, office, ctx):
    case_id = drive(ctx, office, S.NOTIFIED, staff=0, served=False)
    b = browser("staff")
    page = b.client.get(f"/me/cases/{case_id}").text
    assert f'action="/me/cases/{case_id}/acknowledge"' in page
    assert f'action="/me/cases/{case_id}/appeal#your-appeal"' in page
    assert "尚未送达" in page and "自通知书送达之日" in page
    assert b.post(f"/me/cases/{case_id}/acknowledge").status_code == 303
    signed = b.client.get(f"/me/cases/{case_id}").text
    assert "2026-04-07" in signed and "尚未送达" not in signed  # 7 days from the signature
    r = b.post(f"/me/cases/{case_id}/appeal", {"grounds": "处理过重"})
    assert r.status_code == 303
    ctx.session.expire_all()
    assert ctx.session.get(Case, case_id).status == "appealed"


def test_the_decision_is_shown_to_staff_once_served_and_not_before(browser, office, ctx):
    proposed = drive(ctx, office, S.DECISION_PROPOSED, staff=0, rule="R01")
    served = drive(ctx, office, S.NOTIFIED, staff=0)
    b = browser("staff")
    assert 'id="decision"' not in b.client.get(f"/me/cases/{proposed}").text
    page = b.client.get(f"/me/cases/{served}").text
    decision = page.split('id="decision"', 1)[1].split("</ul>", 1)[0]
    assert "处理决定" in page and "书面警告" in decision
    assert 'href="/cases"' not in page  # the HR queue is not in a staff member's menu


def test_staff_see_photos_of_their_own_checks_only(browser, office, ctx):
    photo = store_image(ctx, _png(), "p.png")
    record_spot_check(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "area": "大堂",
            "checked_at": "2026-03-31T01:00:00Z",
            "items": [{"item_key": "badge_worn", "result": "fail"}],
            "photos": [{"file_id": photo.id}],
        },
    )
    assert browser("staff").client.get(f"/files/{photo.id}").status_code == 200
    assert browser("staff2").client.get(f"/files/{photo.id}").status_code == 404
    unattached = store_image(ctx, _png(), "q.png")
    assert browser("staff").client.get(f"/files/{unattached.id}").status_code == 404
    assert browser("hr").client.get(f"/files/{unattached.id}").status_code == 200


def test_api_me_cases_and_findings_are_the_callers_own(
    client, office, ctx, session, clock, settings
):
    from compliance.accounts import tokens
    from compliance.context import Ctx

    mine = drive(ctx, office, S.OPEN, staff=0)
    drive(ctx, office, S.OPEN, staff=1)
    c = Ctx(session=session, actor=office.actor("staff"), clock=clock, settings=settings)
    headers = {"Authorization": f"Bearer {tokens.create_token(c, {'name': 't'}).token}"}
    cases = client.get("/api/me/cases", headers=headers).json()
    assert [x["id"] for x in cases] == [mine]
    found = client.get("/api/me/findings", headers=headers).json()
    assert found and {f["staff_id"] for f in found} == {office.staff[0].id}
