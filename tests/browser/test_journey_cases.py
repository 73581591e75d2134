"""Issue 14, items 3 and 4, walked as HR and the director would (1366×900, and a phone pass):
a proposal rejected with its reason, proposed again, sent back, amended and approved; a
dismissal the union objected to refused until its objection is answered in writing; a
decision made final only once confirmed; the life-cycle bar checked at every step."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from compliance.cases.models import CaseStatus
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import case_row, screenshot, sign_in, step_forms, take_step
from tests.browser.readable import assert_readable
from tests.compliance.cases.helpers import drive

pytestmark = pytest.mark.browser

S = CaseStatus
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# The test office's users are named by their role (tests/factories.py): people's names, not UI.
PEOPLE = ("admin", "manager", "director", "hr", "staff")


def _tab(pages: Pages, size: dict[str, int], phone: bool = False) -> Page:
    """A tab of its own at `size` (the fixture's desktop is 1280 wide)."""
    extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
    context = pages.browser.new_context(viewport=size, locale="zh-CN", **extra)
    context.set_default_timeout(10_000)
    pages.contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda exc: pages.problems.append(f"script error: {exc}"))
    return page


def _stage(page: Page) -> str:
    """The stage the bar highlights (current, or where a dismissed case stopped)."""
    return page.locator("#progress [aria-current=step] .name").inner_text().strip()


def _done(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#progress .stage.done .name").all_inner_texts()]


def _lang(page: Page, url: str, lang: str) -> None:
    here = re.sub(r"^(/cases/\d+)/\w+$", r"\1", page.url.removeprefix(url))  # not a POST
    page.goto(f"{url}/lang/{lang}?next={here}")


def _check(page: Page, url: str, name: str) -> None:
    """Readable in Chinese and English, and a screenshot of each (back in Chinese after)."""
    assert_readable(page, "zh", allow=PEOPLE)
    screenshot(page, f"cases-{name}")
    _lang(page, url, "en")
    assert_readable(page, "en", allow=PEOPLE)
    screenshot(page, f"cases-{name}-en")
    _lang(page, url, "zh")


def test_reject_send_back_amend_approve_and_finalise(site: Site, pages: Pages) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        case_id = drive(site.ctx(session, "manager"), site.office, S.DECISION_PROPOSED)
    url = f"{site.url}/cases/{case_id}"
    hr, director = _tab(pages, WIDE), _tab(pages, WIDE)
    sign_in(hr, site.url, "bsw-hr")
    sign_in(director, site.url, "bsw-director")

    # The case list reads as Chinese, and the case is found there.
    hr.goto(f"{site.url}/cases")
    _check(hr, site.url, "list-desktop")

    # The director: the bar at 审批, one decision card with its three answers, side by side.
    director.goto(url)
    assert _stage(director) == "审批" and _done(director) == ["立案", "申辩", "建议"]
    decision = director.locator("#decision")
    expect(decision).to_be_visible()
    assert step_forms(director)[:3] == ["approve", "reject_proposal", "send_back"]
    evidence = director.locator("#evidence").bounding_box()
    nxt = director.locator("#case-actions").bounding_box()
    assert evidence and nxt and nxt["x"] > evidence["x"] + evidence["width"] - 1  # beside it
    assert nxt["y"] < 400  # the next step is in view without scrolling
    _check(director, site.url, "decision-desktop")

    # 驳回 needs a reason (the browser asks; the server too, see the page tests).
    take_step(director, "reject_proposal", reason="只有一份住户反映,请补充核实后重新提出")
    expect(director.locator(".alert.ok")).to_contain_text("驳回")
    assert case_row(site.engine, case_id).status == S.UNDER_REVIEW
    assert _stage(director) == "建议"

    # HR sees the reason at the top, and proposing again is the step due.
    hr.goto(url)
    expect(hr.locator("#returned")).to_contain_text("只有一份住户反映,请补充核实后重新提出")
    expect(hr.locator("#returned")).to_contain_text("驳回")
    assert _stage(hr) == "建议"
    expect(hr.locator("#case-actions .step-due")).to_have_id("step-propose")
    _check(hr, site.url, "rejected-hr-desktop")
    take_step(hr, "propose", severity="minor", severity_reason="补充核实:初次,情节轻微")
    assert case_row(site.engine, case_id).status == S.DECISION_PROPOSED
    expect(hr.locator("#returned")).to_have_count(0)
    assert _stage(hr) == "审批"
    # HR made this revision: no 同意 (nor 驳回, 退回修改) for them, and the page says who decides.
    assert not {"approve", "reject_proposal", "send_back"} & set(step_forms(hr))
    expect(hr.locator("#own-proposal")).to_contain_text("由另一位人事或管理处主任批准")
    _check(hr, site.url, "own-proposal-hr-desktop")

    # 退回修改: the case waits on HR's amendment; nobody can approve meanwhile.
    director.goto(url)
    take_step(director, "send_back", reason="口头警告过轻,请改为书面警告并说明理由")
    assert "approve" not in step_forms(director)
    hr.goto(url)
    expect(hr.locator("#returned")).to_contain_text("口头警告过轻")
    expect(hr.locator("#case-actions .step-due")).to_have_id("step-amend")
    screenshot(hr, "cases-sent-back-hr-desktop")
    take_step(hr, "amend", kind_1="written_warning", reason="按主任意见改为书面警告")
    expect(hr.locator("#returned")).to_have_count(0)

    # 同意, with its reason: the bar moves to 送达.
    director.goto(url)
    take_step(director, "approve", justification="事实清楚,同意书面警告")
    assert case_row(site.engine, case_id).status == S.APPROVED
    assert _stage(director) == "送达"
    expect(director.locator("#history")).to_contain_text("第 2 版处理建议被退回修改")

    # HR serves the notice; the staff member signs; the window passes; HR finalises.
    hr.goto(url)
    take_step(hr, "serve_notice", content="处理决定通知书:书面警告。")
    with Session(site.engine, expire_on_commit=False) as session:
        from compliance.cases import notice

        notice.acknowledge(site.ctx(session, "staff"), case_id)
    assert_readable(hr, "zh", allow=PEOPLE)
    site.clock.advance(timedelta(days=15))
    sign_in(hr, site.url, "bsw-hr")  # a fortnight later: a new session
    hr.goto(url)
    assert _stage(hr) == "申诉"
    form = hr.locator("#step-finalize")
    expect(form).to_contain_text("此操作无法撤回")  # what will happen, before doing it
    screenshot(hr, "cases-finalise-desktop")
    # Unticked (a browser without the required check): refused, nothing changes.
    form.locator("input[name=confirm]").evaluate("e => e.removeAttribute('required')")
    take_step(hr, "finalize", confirm="")
    expect(hr.locator("#step-finalize .field-error")).to_contain_text("请勾选确认")
    assert case_row(site.engine, case_id).status == S.NOTIFIED
    take_step(hr, "finalize")
    assert case_row(site.engine, case_id).status == S.FINAL
    assert _stage(hr) == "生效"
    assert _done(hr) == ["立案", "申辩", "建议", "审批", "送达", "申诉"]
    _check(hr, site.url, "final-desktop")


def test_a_dismissal_the_union_objected_to_waits_for_a_written_answer(
    site: Site, pages: Pages
) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        case_id = drive(
            site.ctx(session, "manager"),
            site.office,
            S.DECISION_PROPOSED,
            rule="R13",
            amount_fen=10_000,
        )
    url = f"{site.url}/cases/{case_id}"
    hr, director = _tab(pages, WIDE), _tab(pages, WIDE)
    # HR's approval comes from the other HR reviewer: "hr" proposed the dismissal.
    second_hr = _tab(pages, WIDE)
    sign_in(second_hr, site.url, "bsw-hr2")
    second_hr.goto(url)
    # Approving a dismissal says what it does and asks to confirm.
    expect(second_hr.locator("#step-approve .confirm")).to_contain_text("解除")
    take_step(second_hr, "approve", justification="索要财物属实,同意辞退")
    sign_in(hr, site.url, "bsw-hr")
    hr.goto(url)
    take_step(hr, "record_union_notice", reasons="该员工向业主索要财物,拟解除劳动合同。")
    hr.locator("#step-record_union_reply input[name=objection]").check()
    take_step(hr, "record_union_reply", reply="工会认为证据不足,员工初犯,反对辞退。")
    expect(hr.locator("#union")).to_contain_text("工会有异议")

    sign_in(director, site.url, "bsw-director")
    director.goto(url)
    form = director.locator("#step-approve")
    expect(form.locator("#union-objection-ask")).to_contain_text("反对辞退")
    expect(form.locator("textarea[name=union_answer]")).to_be_visible()
    _check(director, site.url, "union-objection-desktop")
    # Sent without the answer: refused, in Chinese and in English, with the reason kept.
    form.locator("textarea[name=union_answer]").evaluate("e => e.removeAttribute('required')")
    take_step(director, "approve", justification="同意辞退")
    expect(director.locator("#step-approve")).to_contain_text("批准前须书面答复工会的意见")
    expect(director.locator("#step-approve textarea[name=justification]")).to_have_value("同意辞退")
    assert case_row(site.engine, case_id).status == S.DECISION_PROPOSED
    _lang(director, site.url, "en")
    form = director.locator("#step-approve")
    form.locator("textarea[name=union_answer]").evaluate("e => e.removeAttribute('required')")
    take_step(director, "approve", justification="Agreed")
    expect(director.locator("#step-approve")).to_contain_text("answer its objection in writing")
    assert_readable(director, "en", allow=PEOPLE)
    _lang(director, site.url, "zh")

    answer = "经调取监控并取得两户住户书面证言,事实清楚;该员工此前已受书面警告,并非初犯。"
    take_step(director, "approve", justification="同意辞退", union_answer=answer)
    assert case_row(site.engine, case_id).status == S.APPROVED
    expect(director.locator("#union-answer")).to_contain_text(answer)
    expect(director.locator("#history")).to_contain_text("对工会异议的书面答复")
    assert _stage(director) == "送达"


def test_on_a_phone_the_step_due_comes_first_and_a_dismissed_case_shows_where_it_stopped(
    site: Site, pages: Pages
) -> None:
    assert site.office is not None
    with Session(site.engine, expire_on_commit=False) as session:
        case_id = drive(site.ctx(session, "manager"), site.office, S.DECISION_PROPOSED)
        stopped = drive(site.ctx(session, "manager"), site.office, S.OPEN, rule="R06")
    director = _tab(pages, PHONE, phone=True)
    sign_in(director, site.url, "bsw-director")
    director.goto(f"{site.url}/cases/{case_id}")
    assert _stage(director) == "审批"
    due = director.locator("#step-approve").bounding_box()
    evidence = director.locator("#evidence").bounding_box()
    assert due and evidence and due["y"] < evidence["y"]  # one column, the step due first
    assert due["y"] < 844  # on the first screen
    _check(director, site.url, "decision-phone")
    proposer = _tab(pages, PHONE, phone=True)
    sign_in(proposer, site.url, "bsw-hr")
    proposer.goto(f"{site.url}/cases/{case_id}")
    expect(proposer.locator("#own-proposal")).to_contain_text("提出建议的人不能批准自己的建议")
    assert "approve" not in step_forms(proposer)
    _check(proposer, site.url, "own-proposal-phone")
    director.goto(f"{site.url}/cases")
    _check(director, site.url, "list-phone")

    hr = _tab(pages, PHONE, phone=True)
    sign_in(hr, site.url, "bsw-hr")
    hr.goto(f"{site.url}/cases/{stopped}")
    take_step(hr, "dismiss", reason="复核监控录像,不构成违规")
    assert case_row(site.engine, stopped).status == S.DISMISSED
    assert _stage(hr) == "立案"
    expect(hr.locator("#progress .stopped")).to_have_count(1)
    expect(hr.locator("#stopped-note")).to_contain_text("已撤销")
    _check(hr, site.url, "dismissed-phone")
