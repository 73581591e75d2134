"""The case page's decision (同意 / 驳回 / 退回修改), the union's objection, the confirmation of
steps that cannot be undone, and where the case is (the life-cycle bar), over HTTP."""

import re

from sqlalchemy import select

from compliance.accounts import tokens as api_tokens
from compliance.cases import decision
from compliance.cases.models import Case, CaseStatus
from compliance.context import Ctx
from tests.compliance.cases.helpers import act, drive

S = CaseStatus
ACTION_FORM = re.compile(r'action="/cases/\d+/([a-z_]+)"')


def _status(session, case_id: int) -> str:
    session.expire_all()
    return session.execute(select(Case.status).where(Case.id == case_id)).scalar_one()


def _current_stage(html: str) -> str:
    m = re.search(
        r'aria-current="step">\s*<span class="mark"[^>]*>[^<]*</span>\s*'
        r'<span class="name">([^<]+)</span>',
        html,
    )
    assert m, "no current stage"
    return m.group(1)


def test_a_rejection_needs_its_reason_and_hr_reads_it(browser, ctx, office, session):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)
    director = browser("director")
    page = director.client.get(f"/cases/{case_id}").text
    assert _current_stage(page) == "审批" and 'id="decision"' in page
    assert {"approve", "reject_proposal", "send_back"} <= set(ACTION_FORM.findall(page))
    blank = director.post(f"/cases/{case_id}/reject_proposal", {"reason": "  "})
    assert blank.status_code == 422 and "请填写理由" in blank.text
    r = director.post(f"/cases/{case_id}/reject_proposal", {"reason": "证据不足,请补充"})
    assert r.status_code == 303 and _status(session, case_id) == S.UNDER_REVIEW
    hr_page = browser("hr").client.get(f"/cases/{case_id}").text
    assert 'id="returned"' in hr_page and "证据不足,请补充" in hr_page
    assert _current_stage(hr_page) == "建议"
    assert re.search(r'class="card step step-due[^"]*" id="step-propose"', hr_page)


def test_a_missing_confirmation_keeps_what_was_typed(browser, ctx, office, session):
    case_id = drive(ctx, office, S.OPEN)
    hr = browser("hr")
    page = hr.client.get(f"/cases/{case_id}").text
    assert "此操作无法撤回" in page and 'name="confirm"' in page  # said before doing it
    r = hr.post(f"/cases/{case_id}/dismiss", {"reason": "复核录像,不构成违规"})
    assert r.status_code == 422 and "请勾选确认" in r.text
    assert "复核录像,不构成违规</textarea>" in r.text  # kept
    assert _status(session, case_id) == S.OPEN
    r = hr.post(f"/cases/{case_id}/dismiss", {"reason": "复核录像,不构成违规", "confirm": "1"})
    assert r.status_code == 303 and _status(session, case_id) == S.DISMISSED
    page = hr.client.get(f"/cases/{case_id}").text
    assert 'class="stage stopped"' in page and _current_stage(page) == "立案"


def test_the_unions_objection_must_be_answered_on_the_page(browser, ctx, office, session):
    case_id = drive(ctx, office, S.DECISION_PROPOSED, rule="R13", amount_fen=10_000)
    hr_ctx = act(ctx, office, "hr")
    decision.approve(act(ctx, office, "hr2"), case_id, "属实")  # never the proposer, "hr"
    decision.record_union_notice(hr_ctx, case_id, "拟辞退")
    decision.record_union_reply(hr_ctx, case_id, "工会反对辞退", objection=True)
    director = browser("director")
    yes = {"justification": "同意辞退", "confirm": "1"}
    r = director.post(f"/cases/{case_id}/approve", yes)
    assert r.status_code == 422 and "批准前须书面答复工会的意见" in r.text
    assert 'id="union_answer-error"' in r.text and "同意辞退</textarea>" in r.text
    director.client.cookies.set("lang", "en")
    r = director.post(f"/cases/{case_id}/approve", yes)
    assert r.status_code == 422 and "answer its objection in writing" in r.text
    r = director.post(f"/cases/{case_id}/approve", {**yes, "union_answer": "证据充分,已答复工会"})
    assert r.status_code == 303 and _status(session, case_id) == S.APPROVED


def test_the_json_api_rejects_and_sends_back(client, ctx, office, session, clock, settings):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)

    def bearer(name: str) -> dict[str, str]:
        c = Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)
        token = api_tokens.create_token(c, {"name": "test"}).token
        return {"Authorization": f"Bearer {token}"}

    director, hr = bearer("director"), bearer("hr")
    session.commit()
    base = f"/api/cases/{case_id}"
    r = client.post(f"{base}/send_back", json={"reason": "请改为书面警告"}, headers=director)
    assert r.status_code == 200 and r.json()["status"] == S.DECISION_PROPOSED
    got = client.get(base, headers=hr).json()
    assert (
        got["returned"]["action"] == "send_back" and got["returned"]["reason"] == "请改为书面警告"
    )
    assert client.post(f"{base}/reject_proposal", json={}, headers=director).status_code == 422


def test_the_case_page_costs_the_same_queries_however_much_evidence(browser, ctx, office, session):
    from sqlalchemy import event

    from tests.compliance.cases.helpers import open_case

    small = open_case(ctx, office, rule="R06")
    for _ in range(6):  # six more findings join the one open R07 case
        big = open_case(ctx, office, rule="R07")
    session.commit()
    hr = browser("hr")

    def queries(case_id: int) -> int:
        seen: list[str] = []
        engine = session.get_bind()

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            page = hr.client.get(f"/cases/{case_id}")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page.status_code == 200 and 'id="progress"' in page.text
        return len(seen)

    queries(small)  # warm up
    assert page_findings(hr, big) == 6
    n = queries(big)
    assert n == queries(small)


def page_findings(hr, case_id: int) -> int:  # type: ignore[no-untyped-def]
    html = hr.client.get(f"/cases/{case_id}").text
    return html.split('id="evidence"', 1)[1].split("</section>", 1)[0].count('<li class="card">')


def test_the_proposer_is_not_offered_the_decision_and_is_told_why(browser, ctx, office):
    case_id = drive(ctx, office, S.DECISION_PROPOSED)  # HR ("hr") made revision 1
    hr = browser("hr")
    page = hr.client.get(f"/cases/{case_id}").text
    forms = set(ACTION_FORM.findall(page))
    assert not {"approve", "reject_proposal", "send_back"} & forms and "amend" in forms
    assert 'id="decision"' not in page and 'id="own-proposal"' in page
    assert "第 1 版处理建议是您提出的" in page and "由另一位人事或管理处主任批准" in page
    hr.client.cookies.set("lang", "en")
    page = hr.client.get(f"/cases/{case_id}").text
    assert "You made revision 1 of this proposal" in page
    assert "another HR reviewer or the office director approves" in page
    # Another HR reviewer and the director are offered the decision, with no such note.
    for who in ("hr2", "director"):
        page = browser(who).client.get(f"/cases/{case_id}").text
        assert {"approve", "reject_proposal", "send_back"} <= set(ACTION_FORM.findall(page))
        assert 'id="own-proposal"' not in page
    # Once approved there is nothing to explain.
    decision.approve(act(ctx, office, "director"), case_id, "同意")
    assert 'id="own-proposal"' not in browser("hr").client.get(f"/cases/{case_id}").text
