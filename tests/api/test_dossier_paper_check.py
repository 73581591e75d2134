"""The QR code's page checks a paper dossier by its number, with no sign-in and no upload;
an edited dossier row (or an edited chain) is reported on it and by `verify_pdf`."""

import hashlib

from sqlalchemy import select, text

from compliance.audit.models import AuditEvent
from compliance.dossiers import service as dossiers
from compliance.dossiers import verify
from compliance.dossiers.models import Dossier
from tests.audit_triggers import statements
from tests.compliance.cases.helpers import drive
from tests.conftest import as_role


def _print(ctx, office):
    case_id = drive(ctx, office, "approved")
    return dossiers.print_dossier(as_role(ctx, office, "hr"), case_id)


def test_the_qr_page_shows_what_the_office_recorded_without_signing_in(
    browser, ctx, office, session
):
    _data, rec = _print(ctx, office)
    client = browser("hr").client
    client.cookies.clear()
    page = client.get(f"/dossiers/verify?number={rec.number}")
    assert page.status_code == 200
    body = page.text
    assert "本管理处出具;审计链核验通过" in body
    assert rec.content_digest in body and rec.sha256 in body
    assert f"#{rec.chain_seq}" in body and rec.chain_hash in body
    assert "hr" in body  # the issuer's name (the factory's display name)
    assert "2026-03-31" in body  # issue time, in office time
    assert "核验通过" in body and "核验未通过" not in body
    assert 'type="file"' in body  # the upload stays for an e-mailed PDF


def test_the_qr_page_for_an_unknown_number(browser, ctx, office):
    client = browser("hr").client
    client.cookies.clear()
    page = client.get("/dossiers/verify?number=BSW-D-2026-9999")
    assert page.status_code == 200 and "本管理处未出具过此编号的案卷" in page.text


def test_an_edited_dossier_hash_is_reported_on_the_qr_page_and_by_verify(
    browser, ctx, office, session
):
    data, rec = _print(ctx, office)
    forged = b"%PDF-1.7 forged"
    session.connection().execute(
        text("UPDATE dossier SET sha256 = :h WHERE id = :i"),
        {"h": hashlib.sha256(forged).hexdigest(), "i": rec.id},
    )
    # The forged PDF now matches the editable column, but not the audit chain's record.
    result = verify.verify_pdf(session, forged)
    assert not result.ok and "dossier.issued event in the audit chain says" in result.disagreement
    assert rec.sha256 in result.disagreement
    # The genuine PDF no longer matches the table; the chain still knows it.
    genuine = verify.verify_pdf(session, data)
    assert not genuine.ok and genuine.dossier_number == rec.number
    assert "no longer holds its SHA-256" in genuine.disagreement
    client = browser("hr").client
    client.cookies.clear()
    page = client.get(f"/dossiers/verify?number={rec.number}")
    assert "本管理处关于此案卷的记录已被改动" in page.text
    assert rec.sha256 in page.text  # the page shows the chain's record, not the edited column
    upload = client.post("/dossiers/verify", files={"file": ("d.pdf", forged, "application/pdf")})
    assert upload.status_code == 200 and "本管理处关于此案卷的记录已被改动" in upload.text


def test_the_qr_page_says_when_the_chain_no_longer_verifies(browser, ctx, office, session):
    _data, rec = _print(ctx, office)
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "dossier.issued")
    ).scalar_one()
    conn = session.connection()
    for stmt in statements(conn.dialect.name, drop=True):
        conn.exec_driver_sql(stmt)
    conn.execute(
        text("UPDATE audit_event SET actor_role = 'admin' WHERE seq = :s"), {"s": event.seq}
    )
    verify._chain_seen.clear()
    client = browser("hr").client
    client.cookies.clear()
    page = client.get(f"/dossiers/verify?number={rec.number}")
    assert "审计链核验未通过" in page.text and "核验未通过" in page.text


def test_dossier_verify_agrees_when_nothing_was_touched(ctx, office, session):
    data, rec = _print(ctx, office)
    result = verify.verify_pdf(session, data)
    assert result.ok and result.disagreement == "" and result.dossier_number == rec.number
    assert session.get(Dossier, rec.id) is not None
