"""The printed case dossier: content, fonts, hostile input, verification, audit chain."""

import io
import json
import logging
import re
import shutil
import subprocess
import warnings

import pytest
from pypdf import PdfReader
from sqlmodel import col, select

from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.dossiers import service as dossiers
from compliance.dossiers import verify
from compliance.dossiers.models import Dossier
from compliance.errors import Forbidden, NotFound
from policies import registry
from tests.conftest import as_role
from tests.pdf.canary import canary_server
from tests.pdf.helpers import typical_case


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [p.extract_text() or "" for p in reader.pages]


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def weasy_log():
    handler = _Captured()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    yield handler.messages
    logger.removeHandler(handler)
    logger.setLevel(old)


def _fonts(reader: PdfReader) -> list[tuple[str, set[str]]]:
    """(BaseFont, font-file keys) of every descendant font descriptor in the PDF."""
    out = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                d = desc.get_object()
                fd = d["/FontDescriptor"].get_object()
                out.append((str(d["/BaseFont"]), {k for k in fd if k.startswith("/FontFile")}))
    return out


def test_the_dossier_holds_the_case_and_hostile_text_stays_text(ctx, office, weasy_log):
    with canary_server() as canary:
        hostile = (
            '<img src="file:///etc/passwd">'
            f'<link rel=stylesheet href="{canary.base}/x.css">'
            f'<p style="background:url({canary.base}/y)">css</p>'
        )
        case_id = typical_case(ctx, office, hostile=hostile)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data, rec = dossiers.print_dossier(as_role(ctx, office, "hr"), case_id)
        assert canary.requests == []
    reader, pages = _text(data)
    text = _flat("".join(pages))
    n = len(reader.pages)
    assert n >= 4
    assert rec.number == "BSW-D-2026-0001" and rec.size_bytes == len(data)
    number = ctx.session.exec(select(Dossier.number)).one()
    assert number == rec.number
    # The case, the rule text with its article, the amounts, and the arithmetic.
    assert "BSW-2026-0001" in text
    assert _flat(registry.get("R12").text_zh) in text
    assert "第12条" in text
    assert "¥200.00" in text and "¥5,000.00" in text
    # Every page says which page it is, of how many.
    for i, page in enumerate(pages, 1):
        assert f"第{i}页/共{n}页" in _flat(page), f"page {i} footer"
        assert "BSW-2026-0001" in _flat(page), f"page {i} header"
    # The hostile markup is printed as text and fetched nothing.
    assert 'src="file:///etc/passwd"' in text
    assert _flat(f'href="{canary.base}/x.css"') in text
    assert f"url({canary.base}/y)" in text
    # Steps are named in words (the audit section keeps the event codes), and the
    # services' own notes are in Chinese.
    assert "要求申辩" in text
    assert "申辩截止日期" in text and "statement due by" not in text
    # Residents are masked; the full name and phone number are nowhere.
    assert "赵小红" not in text and "13812345678" not in text and "13912345678" not in text
    assert "赵**" in text and "138****5678" in text
    # No missing glyphs, every font embedded and subset, HarfBuzz did the subsetting.
    assert "\ufffd" not in text
    fonts = _fonts(reader)
    assert fonts
    for name, files in fonts:
        assert re.match(r"^/[A-Z]{6}\+", name), name
        assert files & {"/FontFile2", "/FontFile3"}, name
    assert not [m for m in weasy_log if "fontTools" in m or "HarfBuzz" in m]
    assert not [w for w in caught if "HarfBuzz" in str(w.message)]
    assert weasy_log == []  # no warning of any kind: no fallback, no ignored CSS, no fetch
    # The case's audit events print with their full hashes, and so does the chain head.
    events = ctx.session.exec(
        select(AuditEvent).where(
            col(AuditEvent.entity) == "case", col(AuditEvent.entity_id) == str(case_id)
        )
    ).all()
    assert events
    for e in events:
        assert e.hash in text and e.prev_hash in text, e.seq
    assert rec.chain_hash in text
    # The three evidence photos are embedded, downscaled to at most 800 px.
    # (Pages share one resource dictionary, so each lists every image: count distinct ones.)
    sizes = {img.name: img.image.size for page in reader.pages for img in page.images}
    photos = [size for size in sizes.values() if max(size) > 300]  # not the QR code
    assert len(photos) == 3 and all(max(size) <= 800 for size in photos)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_sees_only_embedded_subset_fonts(ctx, office, tmp_path):
    case_id = typical_case(ctx, office, feedback=2, photos=1, execute=False)
    data, _ = dossiers.print_dossier(as_role(ctx, office, "hr"), case_id, "en")
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        cols = row.split()
        emb, sub = cols[-5], cols[-4]
        assert (emb, sub) == ("yes", "yes"), row


def test_english_on_request(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=0)
    data, rec = dossiers.print_dossier(as_role(ctx, office, "manager"), case_id, "en")
    reader, pages = _text(data)
    text = " ".join(pages)
    n = len(reader.pages)
    assert rec.language == "en"
    assert "Disciplinary case dossier" in text
    assert registry.get("R12").text_en.split(".")[0][:40] in " ".join(text.split())
    assert f"Page 1 of {n}" in " ".join(pages[0].split())


def test_the_issued_pdf_verifies_and_a_changed_byte_does_not(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=1, execute=False)
    data, rec = dossiers.print_dossier(as_role(ctx, office, "hr"), case_id)
    ok = verify.verify_pdf(ctx.session, data)
    assert ok.ok and ok.case_number == "BSW-2026-0001" and ok.dossier_number == rec.number
    assert ok.issued_at == rec.issued_at and ok.issued_by == "hr"
    assert "BSW-2026-0001" in ok.message()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    bad = verify.verify_pdf(ctx.session, bytes(changed))
    assert not bad.ok and "altered/unknown" in bad.message()


def test_the_sha256_is_written_to_the_audit_chain(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=0, execute=False)
    hr = as_role(ctx, office, "hr")
    head_before = audit.verify(ctx.session).head_seq
    _, first = dossiers.print_dossier(hr, case_id)
    _, second = dossiers.print_dossier(hr, case_id, "en")
    assert (first.number, second.number) == ("BSW-D-2026-0001", "BSW-D-2026-0002")
    assert first.chain_seq == head_before
    events = ctx.session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.action) == "dossier.issued")
        .order_by(col(AuditEvent.seq))
    ).all()
    assert [json.loads(e.payload)["sha256"] for e in events] == [first.sha256, second.sha256]
    assert second.chain_seq == events[0].seq
    assert audit.verify(ctx.session).ok


def test_only_office_roles_print_and_only_their_own_office(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=0, execute=False)
    for role in ("staff", "cashier"):
        with pytest.raises(Forbidden):
            dossiers.print_dossier(as_role(ctx, office, role), case_id)
    with pytest.raises(NotFound):
        dossiers.print_dossier(as_role(ctx, office, "hr"), case_id + 999)
    assert ctx.session.exec(select(Dossier)).all() == []


def test_the_verification_address_is_the_offices_own(ctx, office):
    case_id = typical_case(ctx, office)
    hr = as_role(ctx, office, "hr")
    hr.settings = hr.settings.model_copy(update={"base_url": "https://wuye.example.cn/"})
    data, rec = dossiers.print_dossier(hr, case_id)
    text = _flat("".join(_text(data)[1]))
    assert f"https://wuye.example.cn/dossiers/verify?number={rec.number}" in text
