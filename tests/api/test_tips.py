"""The cashier's desk: handovers issue gap-free receipt numbers; the receipt prints."""

from datetime import timedelta

from sqlalchemy import func, select

from compliance.tips.models import TipLine
from compliance.tips.service import declare_tip
from tests.conftest import NOW, as_role


def _tips(session) -> int:
    return session.execute(select(func.count()).select_from(TipLine)).scalar_one()


def one_step(office, **over: str) -> dict[str, str]:
    data = {
        "staff_id": str(office.staff[0].id),
        "unit_id": str(office.units[1].id),
        "amount": "1,234.5",
        "received_at": "2026-03-31T09:00",
        "countersigned_by": str(office.users["manager"].id),
        "handed_over_at": "2026-03-31T11:15",
    }
    data.update(over)
    return data


def test_record_and_hand_over_in_one_form_gives_a_receipt(browser, office, session):
    b = browser("cashier")
    desk = b.client.get("/tips").text
    assert 'action="/tips/new"' in desk
    r = b.post("/tips/new", one_step(office))
    assert r.status_code == 303, r.text
    tip = session.execute(select(TipLine)).scalar_one()
    assert tip.receipt_no == "BSW-SJ-2026-00001" and tip.amount_fen == 123_450
    assert r.headers["location"].startswith(f"/tips/{tip.id}/receipt?judged=")
    page = b.client.get(r.headers["location"]).text
    assert "BSW-SJ-2026-00001" in page and "¥1,234.50" in page
    assert "碧水湾管理处" in page and office.staff[0].name in page
    assert "2026-03-31 11:15" in page and "2026-03-31 09:00" in page  # Shanghai time
    assert "manager" in page and "cashier" in page  # countersigner and cashier names
    assert 'src="/static/print.js"' in page


def test_handing_over_a_declared_tip(browser, office, session, ctx):
    staff_ctx = as_role(ctx, office, "staff")
    tip = declare_tip(
        staff_ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "amount_fen": 5000,
            "received_at": NOW - timedelta(hours=3),
        },
    )
    b = browser("cashier")
    desk = b.client.get("/tips").text
    assert f'action="/tips/{tip.id}/handover"' in desk and "¥50.00" in desk
    r = b.post(
        f"/tips/{tip.id}/handover",
        {"countersigned_by": str(office.users["hr"].id), "handed_over_at": "2026-03-31T11:00"},
    )
    assert r.status_code == 303
    session.expire_all()
    assert session.get(TipLine, tip.id).receipt_no == "BSW-SJ-2026-00001"
    receipt = b.client.get(f"/tips/{tip.id}/receipt").text
    assert "BSW-SJ-2026-00001" in receipt
    twice = b.post(
        f"/tips/{tip.id}/handover",
        {"countersigned_by": str(office.users["hr"].id), "handed_over_at": "2026-03-31T11:00"},
    )
    assert twice.status_code == 409


def test_errors_keep_what_was_typed_and_save_nothing(browser, office, session):
    b = browser("cashier")
    mine = str(office.users["cashier"].id)
    r = b.post("/tips/new", one_step(office, countersigned_by=mine, amount="abc"))
    assert r.status_code == 422
    assert 'id="amount-error"' in r.text and 'value="abc"' in r.text
    assert _tips(session) == 0
    r = b.post("/tips/new", one_step(office, countersigned_by=mine))
    assert r.status_code == 422 and 'id="countersigned_by-error"' in r.text
    assert 'value="1,234.5"' in r.text
    assert _tips(session) == 0


def test_api_declare_then_hand_over(client, office, session, ctx, clock, settings):
    from compliance.accounts import tokens
    from compliance.context import Ctx

    def bearer(name: str) -> dict[str, str]:
        c = Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)
        return {"Authorization": f"Bearer {tokens.create_token(c, {'name': 't'}).token}"}

    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "amount_fen": 2000,
        "received_at": "2026-03-31T01:00:00Z",
    }
    r = client.post("/api/tips", json=body, headers=bearer("staff"))
    assert r.status_code == 201, r.text
    other = client.post(
        "/api/tips", json={**body, "staff_id": office.staff[1].id}, headers=bearer("staff")
    )
    assert other.status_code == 403
    tip_id = r.json()["id"]
    handed = client.post(
        f"/api/tips/{tip_id}/handover",
        json={"countersigned_by": office.users["hr"].id, "handed_over_at": "2026-03-31T02:00:00Z"},
        headers=bearer("cashier"),
    )
    assert handed.status_code == 200 and handed.json()["receipt_no"] == "BSW-SJ-2026-00001"
    receipt = client.get(f"/api/tips/{tip_id}/receipt", headers=bearer("manager")).json()
    assert receipt["office_name"] == "碧水湾管理处" and receipt["amount_fen"] == 2000
