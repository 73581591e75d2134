"""Printing a dossier from the case page, and the public page that verifies it."""

from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.dossiers.models import Dossier
from tests.compliance.cases.helpers import drive


def test_hr_prints_the_dossier_and_anyone_can_verify_it(browser, ctx, office, session):
    case_id = drive(ctx, office, "approved")
    hr = browser("hr")
    assert f'action="/cases/{case_id}/dossier.pdf"' in hr.client.get(f"/cases/{case_id}").text
    r = hr.post(f"/cases/{case_id}/dossier.pdf", {"lang": "zh"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    # Named by the case number, in Chinese for clients that read RFC 5987, ASCII otherwise.
    disposition = r.headers["content-disposition"]
    assert 'filename="BSW-2026-0001-dossier-BSW-D-2026-0001.pdf"' in disposition
    named = "filename*=UTF-8''BSW-2026-0001%20%E6%A1%88%E5%8D%B7%20BSW-D-2026-0001.pdf"
    assert named in disposition
    assert (
        pdf.startswith(b"%PDF")
        and session.execute(select(func.count()).select_from(Dossier)).scalar_one() == 1
    )
    assert session.execute(select(AuditEvent).where(AuditEvent.action == "dossier.issued")).first()

    hr.client.cookies.clear()  # verification needs no sign-in
    ok = hr.client.post("/dossiers/verify", files={"file": ("d.pdf", pdf, "application/pdf")})
    assert ok.status_code == 200 and "真实有效" in ok.text
    altered = pdf[:-20] + bytes([pdf[-20] ^ 1]) + pdf[-19:]
    bad = hr.client.post("/dossiers/verify", files={"file": ("d.pdf", altered, "application/pdf")})
    assert bad.status_code == 200 and "已被改动" in bad.text
    assert hr.client.get("/dossiers/verify?number=BSW-D-2026-0001").status_code == 200


def test_staff_cannot_print_a_dossier(browser, ctx, office):
    case_id = drive(ctx, office, "approved")
    staff = browser("staff")
    assert staff.post(f"/cases/{case_id}/dossier.pdf").status_code == 403
