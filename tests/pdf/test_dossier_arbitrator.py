"""The dossier an arbitrator reads: the date the decision took effect on the cover, one
policy version and date throughout, the inspector named, a readable audit section with the
hashes in an appendix, a signature line for everyone who decided, the notices served with
their hashes, and no stored code or English word in the Chinese PDF."""

import re
import subprocess
from datetime import timedelta

from sqlmodel import col, select

from compliance.cases.models import Case, CaseStep
from compliance.dossiers import service as dossiers
from compliance.notices import service as notices
from compliance.policy_params import service as policy_params
from tests.browser.readable import problems
from tests.conftest import as_role
from tests.pdf.helpers import coded_case

# The verification address is printed for the reader to type or scan: data, not words.
URL = re.compile(r"https?://\S+")


def _pages(data: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8").split("\f")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _case(ctx, office):
    """A case under a published parameter version of R12 (1.1, not the code's defaults),
    appealed, varied by the director, final and executed, with a decision notice printed."""
    now = ctx.clock.now()
    policy_params.record_history(
        as_role(ctx, office, "admin"),
        "R12",
        {"serious_tip_fen": 60_000},
        (now - timedelta(days=30)).date(),
        "提高严重情节门槛",
        now - timedelta(days=40),
    )
    cid = coded_case(ctx, office, "varied")
    printed = notices.print_pdf(as_role(ctx, office, "hr"), cid, "decision")
    return cid, printed


def test_the_chinese_dossier_reads_as_an_arbitrator_needs(ctx, office):
    cid, printed = _case(ctx, office)
    hr = as_role(ctx, office, "hr")
    data, _ = dossiers.print_dossier(hr, cid, "zh")
    pages = _pages(data)
    text = "\n".join(pages)
    flat = _flat(text)
    case = ctx.session.get(Case, cid)
    assert case is not None and case.policy_version == "1.1"

    # The cover: the day the decision took effect (its finalize step).
    final = ctx.session.exec(
        select(CaseStep).where(col(CaseStep.case_id) == cid, col(CaseStep.action) == "finalize")
    ).one()
    effective = final.at.astimezone(ctx.tz).strftime("%Y-%m-%d%H:%M")
    assert f"处理决定生效{effective}" in _flat(pages[0])

    # One version and one date for R12: §1 and §5 name the case's version and its day.
    since = (ctx.clock.now() - timedelta(days=30)).date().isoformat()
    assert f"规则版本1.1·生效日期{since}" in flat
    assert f"依据R12「不准收受小费」规则版本1.1(规章第12条,{since}起施行)" in flat
    assert "第1版(规章" not in flat and "2024-01-01起施行" not in flat
    assert "R12规则版本1.1" in flat  # the findings table

    # The spot check names its inspector.
    assert "检查人:吴经理" in flat

    # The audit section: number, time, action in words, actor; hashes in the appendix.
    audit = flat[flat.index("11.审计记录") : flat.index("12.签字")]
    assert "立案" in audit and "批准" in audit and "决定申诉" in audit and "打印通知" in audit
    assert "case." not in text and not re.search(r"[0-9a-f]{64}", audit)
    appendix = flat[flat.index("附录:审计链哈希值") :]
    assert len(re.findall(r"[0-9a-f]{64}", appendix)) >= 2 * audit.count("#")

    # Everyone who decided signs: the staff member, the approver, the appeal's decider.
    signatures = flat[flat.index("12.签字") : flat.index("附录:审计链哈希值")]
    for role, name in (("当事员工", "李明"), ("审批人(人事)", "陈人事"), ("申诉复核人", "周主任")):
        assert role in signatures and name in signatures
    assert signatures.count("日期:") == 4  # three who decided, and who printed it

    # Column headers say what they hold.
    for header in ("线索编号", "发生时间", "批准效力", "扣款状态", "处理结果"):
        assert header in flat

    # The notice printed from the case, with the SHA-256 of its PDF.
    assert printed.sha256 and printed.sha256 in flat and "处理决定通知书" in flat

    # No stored code, English note or parameter key anywhere in the Chinese PDF.
    assert problems(URL.sub("", text), "zh") == []


def test_the_english_dossier_names_the_same_version(ctx, office):
    cid, _ = _case(ctx, office)
    data, _ = dossiers.print_dossier(as_role(ctx, office, "hr"), cid, "en")
    flat = _flat("\n".join(_pages(data)))
    since = (ctx.clock.now() - timedelta(days=30)).date().isoformat()
    assert f"policyversion1.1(article12,inforcefrom{since})" in flat
    assert "Inspector:" in flat and "Appealdecidedby" in flat
    assert problems(URL.sub("", "\n".join(_pages(data))), "en") == []
