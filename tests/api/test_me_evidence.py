"""What a staff member sees of the case against them, and what they may hand in.

The evidence (place, time, who recorded it, the note, the photo) with residents masked; only
their own photos; no unconfirmed finding and no suggested severity (page and JSON); photos
and PDF documents attached to the statement and the appeal, stored, audited, listed, and a
refused file named in the reader's language with the typed text kept.
"""

import io
import json

from PIL import Image
from sqlalchemy import select, update

from compliance.audit.models import AuditEvent
from compliance.cases import statement as case_statement
from compliance.cases.attachments import CaseAttachment
from compliance.cases.models import Appeal, Statement
from compliance.files.models import StoredFile
from compliance.files.service import store_image
from compliance.findings.models import Finding
from compliance.flows import open_case as opening
from compliance.flows.spot_checks import record_spot_check
from policies import registry
from tests.compliance.cases.helpers import S, act, drive, finding

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _bearer(ctx, office, role: str) -> dict[str, str]:
    from compliance.accounts import tokens

    token = tokens.create_token(act(ctx, office, role), {"name": "t"}).token
    return {"Authorization": f"Bearer {token}"}


def _png(color: tuple[int, int, int] = (0, 0, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


def _spot_check_case(ctx, office, staff: int = 0) -> tuple[int, int]:
    """A spot check of staff[staff] at unit 0 with a photo and a note naming the resident;
    its failed item confirmed into a case awaiting the statement. (case id, photo id)"""
    photo = store_image(act(ctx, office, "manager"), _png(), "p.png")
    check = record_spot_check(
        act(ctx, office, "manager"),
        {
            "staff_id": office.staff[staff].id,
            "unit_id": office.units[0].id,
            "checked_at": "2026-03-31T01:00:00Z",
            "notes": "住户赵小红(13812345678)反映未佩戴工牌",
            "items": [{"item_key": "badge_worn", "result": "fail", "note": "进门时未戴"}],
            "photos": [{"file_id": photo.id}],
        },
    )
    fid = check.finding_ids[0]
    case = opening.confirm_into_case(act(ctx, office, "manager"), fid, "属实")
    case_statement.request_statement(act(ctx, office, "hr"), case.id)
    return case.id, photo.id or 0


def test_staff_see_place_time_recorder_note_photo_and_rule_with_residents_masked(
    browser, office, ctx
):
    case_id, photo = _spot_check_case(ctx, office)
    b = browser("staff")
    page = b.client.get(f"/me/cases/{case_id}").text
    item = page.split('class="evidence-item"', 1)[1].split("</article>", 1)[0]
    assert "1栋 101" in item  # the unit
    assert "2026-03-31 09:00" in item  # 01:00 UTC in the office's zone
    assert "主管 manager" in item  # who recorded it: role and name
    assert "进门时未戴" in item and "未佩戴工牌" in item  # the item's note and the check's
    assert "工牌" in item and "不合格" in item  # the checklist item in words, failed
    assert f'src="/files/{photo}"' in item
    assert "赵小红" not in page and "13812345678" not in page  # residents masked
    assert "赵**" in item and "138****5678" in item
    rule = registry.get("R02")
    assert rule.text_zh in page and rule.text_en not in page
    b.client.get("/lang/en?next=/")
    english = b.client.get(f"/me/cases/{case_id}").text
    assert rule.text_zh in english and rule.text_en in english  # both in the English UI
    assert "Manager manager" in english and "Recorded by" in english
    # Their own photo, and no one else's.
    assert b.client.get(f"/files/{photo}").status_code == 200
    assert browser("staff2").client.get(f"/files/{photo}").status_code == 404


def test_another_staff_members_evidence_photo_is_never_served(browser, office, ctx):
    _, theirs = _spot_check_case(ctx, office, staff=1)
    mine, _ = _spot_check_case(ctx, office, staff=0)
    b = browser("staff")
    assert f"/files/{theirs}" not in b.client.get(f"/me/cases/{mine}").text
    assert b.client.get(f"/files/{theirs}").status_code == 404
    assert browser("hr").client.get(f"/files/{theirs}").status_code == 200


def test_unconfirmed_findings_and_suggested_severity_are_not_shown(browser, office, ctx, client):
    pending = finding(ctx, office, rule="R05")
    case_id = drive(ctx, office, S.AWAITING_STATEMENT, rule="R07")
    ctx.session.execute(update(Finding).values(suggested_severity="serious"))
    ctx.session.commit()
    b = browser("staff")
    page = b.client.get("/me").text
    assert f'id="finding-{pending}"' not in page and "R05" not in page
    confirmed = ctx.session.execute(select(Finding).where(Finding.status == "confirmed")).scalar()
    assert f'id="finding-{confirmed.id}"' in page
    assert "情节严重" not in b.client.get(f"/me/cases/{case_id}").text
    api = b.client
    api.cookies.clear()
    staff = _bearer(ctx, office, "staff")
    listed = api.get("/api/me/findings", headers=staff).json()
    assert [f["id"] for f in listed] == [confirmed.id]
    assert all(f["suggested_severity"] is None for f in listed)
    case = api.get(f"/api/cases/{case_id}", headers=staff).json()
    assert [f["suggested_severity"] for f in case["findings"]] == [None]
    # HR still sees the rule's suggestion.
    hr = api.get(f"/api/cases/{case_id}", headers=_bearer(ctx, office, "hr")).json()
    assert [f["suggested_severity"] for f in hr["findings"]] == ["serious"]


def _files(ctx) -> list[StoredFile]:
    return list(ctx.session.execute(select(StoredFile)).scalars())


def test_statement_with_a_photo_and_a_document_is_stored_audited_and_listed(
    browser, office, ctx, settings
):
    case_id, _ = _spot_check_case(ctx, office)
    before = {f.id for f in _files(ctx)}
    b = browser("staff")
    r = b.post(
        f"/me/cases/{case_id}/statement",
        {"text": "当天工牌在维修,已报备"},
        files=[
            ("files", ("现场.png", _png((0, 200, 0)), "image/png")),
            ("files", ("报备单.pdf", PDF, "application/pdf")),
        ],
    )
    assert r.status_code == 303, r.text
    ctx.session.expire_all()
    rows = list(ctx.session.execute(select(CaseAttachment)).scalars())
    assert [(a.case_id, a.step) for a in rows] == [(case_id, "statement")] * 2
    stored = {f.id: f for f in _files(ctx) if f.id not in before}
    assert sorted(f.content_type for f in stored.values()) == ["application/pdf", "image/png"]
    pdf = next(f for f in stored.values() if f.content_type == "application/pdf")
    assert (settings.data_dir / pdf.storage_name).read_bytes() == PDF
    events = ctx.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.attachment_added")
    ).scalars()
    assert sorted(json.loads(e.payload)["file_id"] for e in events) == sorted(stored)
    page = b.client.get(f"/me/cases/{case_id}").text
    listed = page.split('id="statement-attachments"', 1)[1].split("</ul>", 1)[0]
    assert "报备单.pdf" in listed and all(f"/files/{i}" in listed for i in stored)
    for i in stored:
        assert b.client.get(f"/files/{i}").status_code == 200
        assert browser("staff2").client.get(f"/files/{i}").status_code == 404
        assert browser("hr").client.get(f"/files/{i}").status_code == 200
    # HR reads them with the case (JSON and the case's read model).
    b.client.cookies.clear()
    hr = b.client.get(f"/api/cases/{case_id}", headers=_bearer(ctx, office, "hr")).json()
    assert sorted(a["file_id"] for a in hr["attachments"]) == sorted(stored)
    assert {a["step"] for a in hr["attachments"]} == {"statement"}


def test_a_refused_file_keeps_the_text_and_says_which_file_and_why(browser, office, ctx):
    case_id, _ = _spot_check_case(ctx, office)
    before = len(_files(ctx))
    b = browser("staff")
    typed = "我有话要说:当天工牌在维修"
    r = b.post(
        f"/me/cases/{case_id}/statement",
        {"text": typed},
        files=[
            ("files", ("好照片.png", _png(), "image/png")),
            ("files", ("说明.txt", "纯文本".encode(), "text/plain")),
        ],
    )
    assert r.status_code == 422
    assert typed in r.text  # the typed text is kept
    error = r.text.split('id="statement-files-error"', 1)[1].split("</p>", 1)[0]
    assert "说明.txt" in error and "不是照片或 PDF 文件" in error and "好照片" not in error
    assert "重新选择" in r.text
    ctx.session.expire_all()
    assert ctx.session.execute(select(Statement)).first() is None  # nothing half-applied
    assert len(_files(ctx)) == before
    assert ctx.session.execute(select(CaseAttachment)).first() is None
    # A PDF cut short and an empty statement: both said at once, in English for English.
    b.client.get("/lang/en?next=/")
    r = b.post(
        f"/me/cases/{case_id}/statement",
        {"text": ""},
        files=[("files", ("scan.pdf", PDF[:30], "application/pdf"))],
    )
    assert r.status_code == 422
    assert 'id="statement-text-error"' in r.text
    error = r.text.split('id="statement-files-error"', 1)[1].split("</p>", 1)[0]
    assert "scan.pdf was refused: not a PDF (the document is incomplete)" in error
    # Then the right file: the statement and its photo are kept.
    r = b.post(
        f"/me/cases/{case_id}/statement",
        {"text": typed},
        files=[("files", ("好照片.png", _png(), "image/png"))],
    )
    assert r.status_code == 303
    ctx.session.expire_all()
    assert ctx.session.execute(select(Statement.text)).scalar_one() == typed


def test_a_file_over_the_limit_is_refused_with_the_limit(browser, office, ctx, settings):
    case_id, _ = _spot_check_case(ctx, office)
    big = PDF[:-6] + b" " * (settings.max_upload_bytes) + b"%%EOF\n"
    r = browser("staff").post(
        f"/me/cases/{case_id}/statement",
        {"text": "说明"},
        files=[("files", ("大文件.pdf", big, "application/pdf"))],
    )
    assert r.status_code == 422, r.status_code
    error = r.text.split('id="statement-files-error"', 1)[1].split("</p>", 1)[0]
    limit = settings.max_upload_bytes // 1024 // 1024
    assert "大文件.pdf" in error and f"超过 {limit} MB 的大小上限" in error
    assert ">说明</textarea>" in r.text


def test_appeal_with_a_document(browser, office, ctx):
    case_id = drive(ctx, office, S.NOTIFIED, staff=0)
    b = browser("staff")
    r = b.post(
        f"/me/cases/{case_id}/appeal",
        {"grounds": "处理过重,附情况说明"},
        files=[("files", ("情况说明.pdf", PDF, "application/pdf"))],
    )
    assert r.status_code == 303, r.text
    ctx.session.expire_all()
    assert ctx.session.execute(select(Appeal.grounds)).scalar_one() == "处理过重,附情况说明"
    row = ctx.session.execute(select(CaseAttachment)).scalar_one()
    assert row.step == "appeal" and row.case_id == case_id
    page = b.client.get(f"/me/cases/{case_id}").text
    assert "情况说明.pdf" in page.split('id="appeal-attachments"', 1)[1].split("</ul>", 1)[0]


def test_staff_cannot_attach_to_someone_elses_case(browser, office, ctx):
    theirs, _ = _spot_check_case(ctx, office, staff=1)
    before = len(_files(ctx))
    r = browser("staff").post(
        f"/me/cases/{theirs}/statement",
        {"text": "不是我"},
        files=[("files", ("a.png", _png(), "image/png"))],
    )
    assert r.status_code == 404
    ctx.session.expire_all()
    assert len(_files(ctx)) == before
