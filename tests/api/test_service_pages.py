"""The case page says whether and how the decision notice was served; HR records a refusal to
sign with its witness there (留置送达), and a refusal without one is refused, keeping what
was typed."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from compliance.cases.models import Case, CaseStatus
from tests.compliance.cases.helpers import drive

S = CaseStatus


def _case(session, case_id: int) -> Case:
    session.expire_all()
    return session.execute(select(Case).where(Case.id == case_id)).scalar_one()


def test_hr_records_a_witnessed_refusal_on_the_case_page(browser, ctx, office, session):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)  # handed over at 12:00
    ctx.clock.advance(timedelta(hours=3))  # HR records at 15:00 a refusal at 12:30
    hr = browser("hr")
    page = hr.client.get(f"/cases/{case_id}").text
    assert "尚未送达" in page and f'action="/cases/{case_id}/record_ack_refusal"' in page
    assert 'name="witnesses"' in page and "可申诉至" not in page
    refused = hr.post(
        f"/cases/{case_id}/record_ack_refusal",
        {"witnesses": "", "at": "", "place": "管理处办公室", "note": "当面宣读后拒签"},
    )
    assert refused.status_code == 422
    assert 'id="witnesses-error"' in refused.text and "至少填写一名见证人" in refused.text
    assert "当面宣读后拒签" in refused.text  # what was typed is kept
    assert _case(session, case_id).service_completed_at is None
    r = hr.post(
        f"/cases/{case_id}/record_ack_refusal",
        {"witnesses": "保安 李见证、主管 王五", "at": "2026-03-31T12:30", "place": "管理处办公室",
         "note": "当面宣读后拒签,通知书留置于其工位"},
    )  # fmt: skip
    assert r.status_code == 303
    case = _case(session, case_id)
    assert case.service_completed_at == datetime(2026, 3, 31, 4, 30, tzinfo=UTC)
    assert case.appeal_deadline == date(2026, 4, 7)
    page = hr.client.get(f"/cases/{case_id}").text
    assert "留置送达" in page and "保安 李见证、主管 王五" in page and "管理处办公室" in page
    assert "可申诉至 2026-04-07" in page and "第二百零三条" in page
    assert "尚未送达" not in page and 'name="witnesses"' not in page


def test_the_case_page_says_when_the_staff_member_signed(browser, ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED)
    page = browser("hr").client.get(f"/cases/{case_id}").text
    assert "已送达:员工本人签收" in page and "可申诉至 2026-04-07" in page


def test_the_json_api_records_a_witnessed_refusal(client, ctx, office, session, clock, settings):
    from compliance.accounts import tokens
    from compliance.context import Ctx

    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    hr = Ctx(session=session, actor=office.actor("hr"), clock=clock, settings=settings)
    headers = {"Authorization": f"Bearer {tokens.create_token(hr, {'name': 't'}).token}"}
    url = f"/api/cases/{case_id}/record_ack_refusal"
    r = client.post(url, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "witnesses"
    r = client.post(url, headers=headers, json={"witnesses": ["保安 李见证"], "place": "办公室"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["service_completed_at"] is not None and body["appeal_deadline"] == "2026-04-07"
