"""Damage incidents step by step, overtime decided by the director only, the feedback list."""

import io

from PIL import Image
from sqlalchemy import select

from compliance.damages.models import DamageIncident, DamagePhoto
from compliance.feedback.service import record_feedback
from compliance.overtime.models import OvertimeRequest
from tests.api.helpers import XSS, feedback_form


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (5, 5), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


def damage_form(office, **over: str) -> dict[str, str]:
    data = {
        "staff_id": str(office.staff[0].id),
        "unit_id": str(office.units[0].id),
        "item": "花瓶",
        "description": "搬运时碰倒",
        "occurred_at": "2026-03-30T15:00",
    }
    data.update(over)
    return data


def test_damage_record_value_sign_off_settle_and_photo(browser, office, session):
    b = browser("manager")
    r = b.post("/damages/new", damage_form(office))
    assert r.status_code == 303
    damage_id = session.execute(select(DamageIncident.id)).scalar_one()
    assert r.headers["location"].startswith(f"/damages/{damage_id}?judged=")
    page = b.client.get(r.headers["location"]).text
    assert "花瓶" in page and "13812345678" in page  # managers see the resident's phone
    bad = b.post(f"/damages/{damage_id}/valuation", {"amount": "350", "basis": "assessment"})
    assert bad.status_code == 422 and 'id="note-error"' in bad.text and 'value="350"' in bad.text
    ok = b.post(f"/damages/{damage_id}/valuation", {"amount": "350", "basis": "receipt"})
    assert ok.status_code == 303
    assert (
        b.post(f"/damages/{damage_id}/sign-off", {"signed_off_at": "2026-03-31T09:00"}).status_code
        == 303
    )
    # One account: ¥100 by insurance, then no more than the ¥250 still owed can be settled.
    part = {"kind": "insurance", "settled_amount": "100", "settled_at": "2026-03-31T10:00"}
    assert b.post(f"/damages/{damage_id}/settle", part).status_code == 303
    too_much = {
        "kind": "paid_directly",
        "settled_amount": "250.01",
        "settled_at": "2026-03-31T10:00",
    }
    over = b.post(f"/damages/{damage_id}/settle", too_much)
    assert over.status_code == 422 and "超过尚欠金额" in over.text
    assert "¥250.01 &gt; ¥350.00 − ¥100.00 − ¥0.00 = ¥250.00" in over.text
    rest = {"kind": "paid_directly", "settled_amount": "", "settled_at": "2026-03-31T10:00"}
    settled = b.post(f"/damages/{damage_id}/settle", rest)
    assert settled.status_code == 303
    bad_photo = b.post(
        f"/damages/{damage_id}/photos", files=[("photos", ("x.png", b"nope", "image/png"))]
    )
    assert bad_photo.status_code == 422 and 'id="photo-error"' in bad_photo.text
    assert session.execute(select(DamagePhoto)).first() is None
    photo = b.post(
        f"/damages/{damage_id}/photos", files=[("photos", ("v.png", _png(), "image/png"))]
    )
    assert photo.status_code == 303
    page = b.client.get(f"/damages/{damage_id}").text
    assert "¥350.00" in page and "保险赔付 ¥100.00" in page and "直接赔付业主 ¥250.00" in page
    row = session.get(DamageIncident, damage_id)
    session.refresh(row)
    assert (row.assessed_value_fen, row.settled_fen, row.settlement) == (
        35000,
        35000,
        "paid_directly",
    )
    assert 'src="/files/' in page


def test_an_error_in_one_damage_step_keeps_the_other_forms_filled(browser, office, session):
    b = browser("manager")
    assert b.post("/damages/new", damage_form(office)).status_code == 303
    damage_id = session.execute(select(DamageIncident.id)).scalar_one()
    b.post(f"/damages/{damage_id}/valuation", {"amount": "350", "basis": "receipt", "note": "发票"})
    early = b.post(f"/damages/{damage_id}/sign-off", {"signed_off_at": "2026-03-29T09:00"})
    assert early.status_code == 422 and 'id="signed_off_at-error"' in early.text
    assert 'value="2026-03-29T09:00"' in early.text  # what was typed in the failing form
    settle = early.text.split('action="/damages/', 3)[-1]
    assert 'name="settled_at"' in settle and 'value="2026-' in settle  # its default, not blank


def test_damage_form_errors_keep_values(browser, office, session):
    r = browser("manager").post("/damages/new", damage_form(office, item="", description=XSS))
    assert r.status_code == 422 and 'id="item-error"' in r.text
    assert XSS not in r.text and "&lt;script&gt;" in r.text
    assert session.execute(select(DamageIncident)).first() is None


def _overtime(b, office) -> int:
    r = b.post(
        "/overtime/new",
        {
            "staff_id": str(office.staff[0].id),
            "unit_id": str(office.units[0].id),
            "reason": "住户要求加班修水管",
            "requested_at": "2026-03-31T10:00",
        },
    )
    assert r.status_code == 303, r.text
    return int(b.client.get("/overtime").text.split('id="overtime-', 1)[1].split('"', 1)[0])


def test_only_the_director_sees_and_uses_the_decision_buttons(browser, office, session):
    request_id = _overtime(browser("manager"), office)
    manager = browser("manager")
    assert f'action="/overtime/{request_id}/decision"' not in manager.client.get("/overtime").text
    denied = manager.post(f"/overtime/{request_id}/decision", {"decision": "refused"})
    assert denied.status_code == 403
    d = browser("director")
    assert f'action="/overtime/{request_id}/decision"' in d.client.get("/overtime").text
    need = d.post(f"/overtime/{request_id}/decision", {"decision": "approved", "note": "可以"})
    assert (
        need.status_code == 422 and 'id="rearranged-' in need.text and 'value="可以"' in need.text
    )
    ok = d.post(
        f"/overtime/{request_id}/decision",
        {"decision": "approved", "rearranged_others": "on"},
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/overtime?done=approved"
    assert session.get(OvertimeRequest, request_id).decision == "approved"


def test_feedback_list_shows_recorded_feedback_escaped(browser, office, ctx):
    record_feedback(ctx, {**_fb(office), "text": XSS})
    page = browser("hr").client.get("/feedback").text
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _fb(office) -> dict[str, object]:
    f = feedback_form(office)
    return {
        "staff_id": int(f["staff_id"]),
        "unit_id": int(f["unit_id"]),
        "channel": "phone",
        "category": "attitude",
        "occurred_at": "2026-03-30T02:00:00Z",
    }
