"""The notices pages: HR opens a case's notices, edits one (a bad edit keeps the text), prints
the PDF (its SHA-256 shown and kept) and serves it."""

import hashlib
from urllib.parse import quote

from compliance.cases import decision as case_decision
from tests.conftest import as_role
from tests.pdf.helpers import typical_case


def _approved(ctx, office) -> int:
    cid = typical_case(ctx, office, feedback=1, photos=0, execute=False)
    approver = as_role(ctx, office, "hr2")  # never the proposer, "hr"
    case_decision.approve(approver, cid, "依规章处理;扣发工资存在法律风险,已知悉")
    return cid


def test_hr_edits_prints_and_serves_the_decision_notice(browser, ctx, office):
    cid = _approved(ctx, office)
    hr = browser("hr")
    page = hr.client.get(f"/cases/{cid}/notices")
    assert page.status_code == 200
    assert f"/cases/{cid}/notices/decision" in page.text
    assert f"/cases/{cid}/notices/deduction" in page.text and "/notices/union" not in page.text
    form = hr.client.get(f"/cases/{cid}/notices/decision")
    assert form.status_code == 200 and "管理处规章制度第 12 条" in form.text

    bad = hr.post(f"/cases/{cid}/notices/decision", {"text": "   "})
    assert bad.status_code == 422 and "通知正文不能为空" in bad.text

    text = "处理决定通知书\n经核实,给予书面警告。"
    saved = hr.post(f"/cases/{cid}/notices/decision", {"text": text})
    assert saved.status_code == 303
    assert "给予书面警告" in hr.client.get(f"/cases/{cid}/notices/decision").text

    pdf = hr.post(f"/cases/{cid}/notices/decision/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert pdf.headers["x-content-sha256"] == digest
    disposition = pdf.headers["content-disposition"]
    assert 'filename="BSW-2026-0001-decision-v2.pdf"' in disposition
    assert "filename*=UTF-8''" + quote("BSW-2026-0001 处理决定通知书 第2版.pdf") in disposition
    assert digest in hr.client.get(f"/cases/{cid}/notices/decision").text
    again = hr.client.get(f"/cases/{cid}/notices/decision/v2.pdf")
    assert again.status_code == 200 and again.content == pdf.content

    served = hr.post(f"/cases/{cid}/notices/decision/serve")
    assert served.status_code == 303
    case_page = hr.client.get(f"/cases/{cid}")
    assert "给予书面警告" in case_page.text  # the case's notice is the text served
    assert hr.post(f"/cases/{cid}/notices/decision", {"text": "改"}).status_code == 409


def test_only_hr_handles_notices(browser, ctx, office):
    cid = _approved(ctx, office)
    for role in ("manager", "staff"):
        assert browser(role).client.get(f"/cases/{cid}/notices").status_code == 403
    assert browser("hr").client.get(f"/cases/{cid}/notices/nonsense").status_code == 404


def _component(ctx, office, case_id: int, can: bool = True) -> str:
    from api.i18n import Translator
    from api.read_models.case_view import case_view
    from api.templating import make_templates

    env = make_templates().env
    hr = as_role(ctx, office, "hr")
    return env.get_template("components/case_notices.html").render(
        v=case_view(hr, case_id), can=lambda method, path: can, _=Translator("zh")
    )


def test_the_case_page_component_links_the_notices_that_apply(ctx, office):
    from compliance.notices import service as notices

    cid = _approved(ctx, office)
    html = _component(ctx, office, cid)
    kinds = [s.kind for s in notices.states(as_role(ctx, office, "hr"), cid)[1]]
    assert kinds == ["decision", "deduction"]
    for kind in ("decision", "deduction"):
        assert f'href="/cases/{cid}/notices/{kind}"' in html
    assert "/notices/union" not in html and "处理决定通知书" in html
    assert _component(ctx, office, cid, can=False).strip() == ""
    # Before a decision there is nothing to draft, and nothing is shown.
    other = typical_case(ctx, office, feedback=1, photos=0, execute=False, staff=1)
    assert _component(ctx, office, other).strip() == ""
