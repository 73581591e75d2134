"""The dossier prints stored codes as the words the web pages use, and a new code as it is."""

import io
import re

import pytest
from pypdf import PdfReader

from api.i18n import LABELS, Translator
from api.labels import labeller
from api.pages.me import FINDING_STATES
from api.pages.records import NAMES as RECORD_NAMES
from compliance.dossiers import codes
from compliance.dossiers import service as dossiers
from compliance.names import NAMES
from tests.conftest import as_role
from tests.pdf.helpers import coded_case

# Codes the coded case stores, which a Chinese dossier must never print as they are.
RAW = (
    "manual", "spot_check", "confirmed",  # finding source and status
    "hr", "director",  # approver capacity
    "decision", "refused_to_sign",  # notice kind, acknowledgement
    "upheld", "varied", "varied on appeal",  # appeal outcome and the revision it makes
    "unsatisfied", "satisfied",  # return-visit rating
    "installation", "receipt", "paid_directly", "check_in", "approved",  # evidence records
    "no_facility_use", "fail",  # spot-check item and result
    "restitution", "disciplinary", "wage_deduction", "standard",  # deductions, step notes
    "open",  # the first step's action
)  # fmt: skip


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _printed(code: str, text: str) -> bool:
    """Whether the code is printed as a word of its own (Chinese around it counts as a border)."""
    return re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text) is not None


@pytest.mark.parametrize("outcome", ["upheld", "varied"])
def test_stored_codes_print_as_words(ctx, office, outcome):
    case_id = coded_case(ctx, office, outcome)
    data, _ = dossiers.print_dossier(as_role(ctx, office, "hr"), case_id)
    text = _text(data)
    flat = _flat(text)
    # Findings: where each came from, and its triage state.
    assert "人工提出已确认" in flat and "抽查已确认" in flat
    # Approval capacity (approver, capacity, time are one row), notice kind, refusal to sign.
    assert "林人事人事2026-03-31" in flat  # the second HR reviewer: "hr" (陈人事) proposed
    assert "处理决定通知书·交付时间" in flat  # handed over; served by the witnessed refusal
    assert "签收:拒绝签收" in flat and "见证人:保安李见证" in flat
    assert "送达(签收或留置送达)" in flat
    # The appeal's outcome, in the appeal section and in the step that decided it.
    word = {"upheld": "维持", "varied": "变更"}[outcome]
    assert f"申诉结论:{word}" in flat and f"·周主任—{word}:已补交" in flat
    # Evidence records: visit kind, valuation basis, settlement, punch, overtime, rating.
    assert "类别:安装·房号" in flat
    assert "估价:¥120.00(收据)" in flat and "赔偿处理:直接赔付业主" in flat
    assert re.search(r"报到·\d{4}-\d{2}-\d{2}·人工录入", flat)
    assert "已批准·2026" in flat
    assert "满意度:不满意" in flat
    assert "R05未使用业主家的娱乐及生活设施:不合格" in flat
    # Deductions are named after their outcome; the steps name actions, outcomes, severity.
    assert "退还财物/上交小费·应扣总额" in flat
    assert ("扣发工资·应扣总额" in flat) is (outcome == "upheld")
    assert "立案·—→已立案" in flat
    assert "第1版:退还财物/上交小费、扣发工资(一般)" in flat
    assert re.search(r"补充线索#\d+\(R04\)", flat)  # the id differs per database
    if outcome == "varied":
        assert "修改理由:申诉决定变更:已补交" in flat
        assert "第3版处理决定已执行;已排定1项工资扣款" in flat
    else:
        assert "第2版处理决定已执行;已排定2项工资扣款" in flat
    for code in RAW:
        assert not _printed(code, text), code
    # Beyond the named ones: no lowercase word is left but the audit section's event codes
    # (kept on purpose), the verification address and the hashes.
    rest = re.sub(r"\bcase\.[a-z_]+|https?://\S+|\b[0-9a-f]{64}\b", "", text)
    assert re.findall(r"[a-z][a-z_]+", rest) == []


# The pages and the dossier name a code by the same msgid of the one catalog, so in Chinese
# they print the same word.
PAGE_KINDS = [kind for kind in LABELS if kind != "role"]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_the_pages_name_codes_as_the_dossier_does(kind):
    zh = Translator("zh")
    label = labeller(zh)
    for code in NAMES[kind]:
        assert label(kind, code) == codes.word(codes.Table(kind), "zh", code), f"{kind} {code!r}"
    assert label(kind, "brand_new_code") == "brand_new_code"


def test_the_pages_name_damage_overtime_and_finding_codes_as_the_dossier_does():
    zh = Translator("zh")
    for table, web in [
        (codes.VALUATION_BASIS, RECORD_NAMES),
        (codes.SETTLEMENT, RECORD_NAMES),
        (codes.OVERTIME_DECISION, RECORD_NAMES),
        (codes.FINDING_STATUS, FINDING_STATES),
    ]:
        for code in NAMES[table.kind]:
            assert zh(web[code]) == codes.word(table, "zh", code), f"{table.kind} {code!r}"


TABLES = [
    codes.STATUS, codes.SEVERITY, codes.CATEGORY, codes.CHANNEL, codes.EVIDENCE,
    codes.STATEMENT_KIND, codes.FINDING_SOURCE, codes.FINDING_STATUS, codes.CAPACITY,
    codes.NOTICE_KIND, codes.ACK, codes.APPEAL_OUTCOME, codes.SATISFACTION, codes.SPOT_RESULT,
    codes.VISIT_KIND, codes.PUNCH_KIND, codes.PUNCH_SOURCE, codes.VALUATION_BASIS,
    codes.SETTLEMENT, codes.OVERTIME_DECISION,
]  # fmt: skip


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_name_in_both_languages_and_a_new_code_as_it_is(table, lang):
    assert set(table.en) <= set(NAMES[table.kind])
    for code, msgid in NAMES[table.kind].items():
        printed = codes.word(table, lang, code)
        assert printed and (lang == "en" or printed != msgid), f"{table.kind} {code!r}"
    assert codes.word(table, lang, "brand_new_code") == "brand_new_code"
    assert codes.word(table, lang, None) == "—"


def test_new_codes_in_kinds_items_and_step_notes_print_as_they_are():
    assert codes.deduction_kind("disciplinary", "zh") == "扣发工资"
    assert codes.deduction_kind("bonus_clawback", "zh") == "bonus_clawback"
    assert codes.checklist_item("no_facility_use", "zh") == "未使用业主家的娱乐及生活设施"
    assert codes.checklist_item("brand_new_item", "zh") == "brand_new_item"
    assert codes.action("open", "zh") == "立案" and codes.action("brand_new", "zh") == "brand_new"
    note = codes.step_note("propose", "revision 4: written_warning, new_kind (grave)", "zh")
    assert note == "第 4 版:书面警告、new_kind(grave)"
    assert codes.step_note("decide_appeal", "remitted: 发回重审", "zh") == "remitted:发回重审"
    # A person's own words are kept as typed, and English notes stay English.
    assert codes.step_note("appeal", "revision 1: restitution (minor)", "zh") == (
        "revision 1: restitution (minor)"
    )
    assert codes.step_note("propose", "revision 1: restitution (minor)", "en") == (
        "revision 1: restitution (minor)"
    )
