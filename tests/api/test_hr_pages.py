"""HR pages: the review queue, the case page and its steps, payroll, dashboard, rules, admin."""

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import col

from api.pages.cases import STEPS
from compliance.accounts.models import User
from compliance.cases import annotations, read
from compliance.cases import statement as case_statement
from compliance.cases.models import Case, CaseStatus
from compliance.pay import payroll
from tests.api.conftest import sign_in
from tests.api.helpers import XSS
from tests.api.route_access import ROUTE_ACCESS
from tests.compliance.cases.helpers import act, drive, finding, open_case
from tests.compliance.pay.helpers import add_min_wage

S = CaseStatus
ACTION_FORM = re.compile(r'action="/cases/\d+/([a-z_]+)"')


# An approval of a dismissal: the reason, and the confirmation the page asks for.
YES = {"justification": "事实清楚,同意", "confirm": "1"}


def _case(session, case_id: int) -> Case:
    session.expire_all()
    return session.execute(select(Case).where(Case.id == case_id)).scalar_one()


def _forms(html: str) -> set[str]:
    return set(ACTION_FORM.findall(html))


def test_hr_takes_a_confirmed_finding_to_an_approved_written_warning(browser, ctx, office, session):
    fid = finding(ctx, office, rule="R05", recorder="manager", raiser="manager")
    manager = browser("manager")
    assert manager.post(f"/findings/{fid}/confirm", {"sure": "yes"}).status_code == 303
    case = session.execute(select(Case)).scalar_one()
    assert case.status == "open"

    hr = browser("hr")
    page = hr.client.get(f"/cases/{case.id}").text
    assert case.number in page and "第5条" in page and "不得借工作之便" in page
    assert "住户反映" in page  # the feedback record behind the finding
    r = hr.post(f"/cases/{case.id}/request_statement", {"due": ""})
    assert r.status_code == 303 and r.headers["location"] == (
        f"/cases/{case.id}?done=request_statement"
    )
    case_statement.submit_statement(act(ctx, office, "staff"), case.id, "我只是看了一眼电视")

    no_reason = hr.post(f"/cases/{case.id}/propose", {"severity": "standard"})
    assert no_reason.status_code == 422 and 'id="severity_reason-error"' in no_reason.text
    r = hr.post(f"/cases/{case.id}/propose", {"severity": "standard", "severity_reason": "初次"})
    assert r.status_code == 303
    page = hr.client.get(f"/cases/{case.id}").text
    assert "书面警告" in page and "我只是看了一眼电视" in page

    # The manager recorded the evidence and raised the finding: no approve button, and
    # posting anyway is refused (the director is not a manager of this case's evidence).
    mgr_page = browser("manager").client.get(f"/cases/{case.id}").text
    assert "approve" not in _forms(mgr_page)
    assert browser("manager").post(f"/cases/{case.id}/approve").status_code == 403

    # HR made the proposal: no 同意 for them, the page says why, and posting is refused.
    hr = browser("hr")
    page = hr.client.get(f"/cases/{case.id}").text
    assert "approve" not in _forms(page) and 'id="own-proposal"' in page
    assert "提出建议的人不能批准自己的建议" in page
    refused = hr.post(f"/cases/{case.id}/approve", {"justification": "事实清楚,同意书面警告"})
    assert refused.status_code == 403 and "第 1 版处理建议是您本人提出的" in refused.text
    assert _case(session, case.id).status == "decision_proposed"

    # The office's other HR reviewer approves it.
    approver = browser("hr2")
    page = approver.client.get(f"/cases/{case.id}").text
    assert "approve" in _forms(page) and 'id="own-proposal"' not in page
    no_reason = approver.post(f"/cases/{case.id}/approve", {"justification": " "})
    assert (
        no_reason.status_code == 422 and "请填写审批理由" in no_reason.text
    )  # 同意 needs a reason
    r = approver.post(f"/cases/{case.id}/approve", {"justification": "事实清楚,同意书面警告"})
    assert r.status_code == 303
    assert _case(session, case.id).status == "approved"
    page = approver.client.get(r.headers["location"]).text
    assert "display_name" not in page and "hr2" in page  # approver named
    assert "approve" not in _forms(page)
    assert "serve_notice" in _forms(browser("hr").client.get(f"/cases/{case.id}").text)


def test_a_dismissal_shows_the_failed_union_gate_until_notice_and_reply(
    browser, ctx, office, session
):
    case_id = drive(ctx, office, S.DECISION_PROPOSED, rule="R13", amount_fen=10_000)
    hr = browser("hr")  # who proposed it: neither approval is theirs, the page says so
    page = hr.client.get(f"/cases/{case_id}").text
    assert 'id="own-proposal"' in page and "解除劳动合同须经人事和管理处主任各批准一次" in page
    assert hr.post(f"/cases/{case_id}/approve", YES).status_code == 403
    assert browser("hr2").post(f"/cases/{case_id}/approve", YES).status_code == 303  # 1 of 2
    director = browser("director")
    page = director.client.get(f"/cases/{case_id}").text
    assert 'id="gates"' in page and "✗" in page and "第四十三条" in page
    assert "如被认定违法解除" in page  # the cost of getting it wrong
    r = director.post(f"/cases/{case_id}/approve", YES)
    assert r.status_code == 422 and "须先记录通知工会" in r.text  # in the page's language
    director.client.cookies.set("lang", "en")
    r = director.post(f"/cases/{case_id}/approve", YES)
    assert r.status_code == 422 and "needs the notice to the trade union" in r.text
    assert _case(session, case_id).status == "decision_proposed"

    hr = browser("hr")
    assert "record_union_notice" in _forms(hr.client.get(f"/cases/{case_id}").text)
    assert (
        hr.post(f"/cases/{case_id}/record_union_notice", {"reasons": "索取财物"}).status_code == 303
    )
    assert hr.post(f"/cases/{case_id}/record_union_reply", {"reply": "无异议"}).status_code == 303
    director = browser("director")
    assert director.post(f"/cases/{case_id}/approve", YES).status_code == 303
    assert _case(session, case_id).status == "approved"


def test_a_stale_step_shows_a_conflict_and_the_case_as_it_is(browser, ctx, office, session):
    case_id = drive(ctx, office, S.OPEN)
    hr = browser("hr")
    assert hr.post(f"/cases/{case_id}/request_statement", {"due": ""}).status_code == 303
    again = hr.post(f"/cases/{case_id}/request_statement", {"due": ""})  # an old tab
    assert again.status_code == 409
    assert 'id="conflict"' in again.text and "重新载入" in again.text
    assert "awaiting_statement" in again.text  # the domain's message names the state
    assert _case(session, case_id).status == "awaiting_statement"


def test_feedback_evidence_names_its_category_in_words(browser, ctx, office):
    case_id = open_case(ctx, office, rule="R01")  # feedback in the category "attitude"
    hr = browser("hr")

    def evidence() -> str:
        page = hr.client.get(f"/cases/{case_id}").text
        return page.split('<ul class="evidence">', 1)[1].split("</ul>", 1)[0]

    zh = evidence()
    assert "服务态度 · 住户反映" in zh and "attitude" not in zh
    hr.client.get("/lang/en")
    en = evidence()
    assert "Attitude · 住户反映" in en and "attitude" not in en


def test_the_history_reads_in_the_pages_language(browser, ctx, office):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT)
    hr = browser("hr")
    history = hr.client.get(f"/cases/{case_id}").text.split('id="history"', 1)[1]
    assert "申辩截止日期" in history and "statement due by" not in history
    hr.client.get("/lang/en")
    history = hr.client.get(f"/cases/{case_id}").text.split('id="history"', 1)[1]
    assert "statement due by" in history


def test_only_allowed_steps_are_rendered_as_forms(browser, ctx, office):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT)
    detail = read.get_case(act(ctx, office, "hr"), case_id)
    assert _forms(browser("hr").client.get(f"/cases/{case_id}").text) == set(detail.allowed_actions)
    staff_page = browser("staff").client.get(f"/cases/{case_id}").text
    assert _forms(staff_page) == {"submit_statement"}
    assert browser("staff2").client.get(f"/cases/{case_id}").status_code == 404


def test_queue_filters_by_state_and_escapes_user_text(browser, ctx, office):
    one = drive(ctx, office, S.OPEN)
    two = drive(ctx, office, S.AWAITING_STATEMENT, rule="R06", staff=1)
    annotations.annotate(act(ctx, office, "hr"), two, XSS)
    hr = browser("hr")
    page = hr.client.get("/cases?status=open").text
    assert f'id="case-{one}"' in page and f'id="case-{two}"' not in page
    page = hr.client.get(f"/cases/{two}").text
    assert XSS not in page and "&lt;script&gt;" in page
    mine = browser("staff").client.get("/cases").text  # staff see their own only
    assert f'id="case-{one}"' in mine and f'id="case-{two}"' not in mine


def test_payroll_downloads_parse(browser, ctx, office, session):
    add_min_wage(session)
    hr = browser("hr")
    page = hr.client.get("/payroll?month=2026-03")
    assert page.status_code == 200 and 'href="/payroll/2026-03.csv"' in page.text
    r = hr.client.get("/payroll/2026-03.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == list(payroll.HEADERS_ZH) and len(rows) == 1 + len(office.staff)
    x = hr.client.get("/payroll/2026-03.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(x.content))
    assert wb["2026-03"]["A3"].value == "E001"
    assert hr.client.get("/payroll/2026-13.csv").status_code == 422


def test_payroll_without_minimum_wage_explains_and_execute_runs_once(browser, session):
    hr = browser("hr")
    missing = hr.client.get("/payroll?month=2026-03")
    assert missing.status_code == 422 and "minimum wage" in missing.text
    add_min_wage(session)
    unconfirmed = hr.post("/payroll/execute", {"month": "2026-03"})
    assert unconfirmed.headers["location"] == "/payroll/confirm?month=2026-03"
    r = hr.post("/payroll/execute", {"month": "2026-03", "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == "/payroll?month=2026-03&done=executed"
    assert "已执行" in hr.client.get(r.headers["location"]).text
    twice = hr.post("/payroll/execute", {"month": "2026-03", "confirm": "yes"})
    assert twice.status_code == 409 and "already executed" in twice.text


def test_dashboard_draws_svg_charts(browser, ctx, office):
    drive(ctx, office, S.OPEN)
    drive(ctx, office, S.OPEN, rule="R06")
    page = browser("manager").client.get("/dashboard")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3 and "<rect" in page.text and "<polyline" in page.text
    assert "R05" in page.text and "维修" in page.text  # rule and team in the charts
    assert "李明" in page.text  # two confirmed breaches: a repeat offender
    assert "<script" not in page.text


def test_admin_parameter_change_creates_a_version_shown_on_the_rulebook(browser, session):
    admin = browser("admin")
    before = browser("staff").client.get("/rules").text
    assert "1.1 · " not in before
    admin = browser("admin")
    bad = admin.post("/admin/rules/R08", {"p_linger_minutes": "x", "effective_from": ""})
    assert bad.status_code == 422 and 'id="R08-linger_minutes-error"' in bad.text
    r = admin.post(
        "/admin/rules/R08",
        {"p_linger_minutes": "20", "effective_from": "2026-04-01", "reason": "住户投诉较多"},
    )
    assert r.status_code == 303
    rules = browser("staff").client.get("/rules").text
    assert "1.1 · 从 2026-04-01" in rules
    assert "完工后最长停留时间 <strong>20 分钟</strong>" in rules


def test_admin_users_minimum_wage_and_audit_verify(browser, office, session):
    admin = browser("admin")
    r = admin.post(
        "/admin/users",
        {"username": "new-hr", "display_name": "新HR", "role": "hr", "staff_id": ""},
    )
    assert r.status_code == 303
    staff_user = office.users["staff"]
    assert admin.post(f"/admin/users/{staff_user.id}/disable").status_code == 303
    session.refresh(staff_user)
    assert staff_user.active is False
    r = admin.post(
        "/admin/minimum-wages",
        {"city": "深圳", "amount": "2520", "effective_from": "2025-07-01", "note": "示例"},
    )
    assert r.status_code == 303 and "¥2,520.00" in admin.client.get("/admin").text
    ok = admin.client.get("/admin/audit/verify").text
    assert 'id="chain-result"' in ok and "审计链完整" in ok


def test_every_new_route_is_in_the_access_table():
    for step in STEPS:
        assert ("POST", f"/cases/{{case_id}}/{step.action}") in ROUTE_ACCESS
        assert ("POST", f"/api/cases/{{case_id}}/{step.action}") in ROUTE_ACCESS
    for path in ("/cases", "/dashboard", "/rules", "/admin", "/payroll", "/api/cases"):
        assert ("GET", path) in ROUTE_ACCESS


def test_admin_sets_a_new_users_first_password_and_they_can_sign_in(browser, office, session):
    admin = browser("admin")
    r = admin.post(
        "/admin/users", {"username": "bsw-cashier2", "display_name": "出纳二", "role": "cashier"}
    )
    assert r.status_code == 303
    new = session.execute(select(User).where(col(User.username) == "bsw-cashier2")).scalar_one()
    page = admin.client.get("/admin").text
    assert 'action="/admin/users/password"' in page and "新用户设置密码后才能登录" in page
    short = admin.post("/admin/users/password", {"user_id": str(new.id), "new_password": "short"})
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    assert 'value="short"' not in short.text  # a password is never echoed back
    ok = admin.post(
        "/admin/users/password", {"user_id": str(new.id), "new_password": "a-long-enough-pw"}
    )
    assert ok.status_code == 303
    admin.client.cookies.clear()
    assert sign_in(admin.client, "bsw-cashier2", "a-long-enough-pw").status_code == 303
