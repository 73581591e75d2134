"""Pages: forms post and redirect, errors sit next to their fields, user text is escaped."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding
from tests.api.conftest import sign_in
from tests.api.helpers import XSS, feedback_form, manual_finding
from tests.factories import office_set


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _finding(session, finding_id: int) -> Finding:
    session.expire_all()
    return session.get(Finding, finding_id)


def test_home_links_follow_the_role(browser):
    manager = browser("manager").client.get("/").text
    assert 'href="/findings"' in manager and 'href="/feedback/new"' in manager
    staff = browser("staff").client.get("/").text
    assert 'href="/findings"' not in staff and 'href="/feedback/new"' not in staff
    assert 'href="/account"' in staff
    # The API-token card lives on the account page only.
    assert 'href="/me/tokens"' not in staff and 'href="/me/tokens"' not in manager
    assert 'href="/me/tokens"' in browser("staff").client.get("/account").text


def test_record_feedback_redirects_and_saves(browser, office, session):
    b = browser("manager")
    r = b.post("/feedback/new", feedback_form(office))
    assert r.status_code == 303
    assert r.headers["location"].startswith("/feedback/new?saved=1&judged=")
    row = session.execute(select(Feedback)).scalar_one()
    assert row.amount_fen == 1250 and row.category == "tip_reported"
    assert row.occurred_at == datetime(2026, 3, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert "反馈已记录" in b.client.get(r.headers["location"]).text


def test_feedback_errors_sit_next_to_fields_and_keep_what_was_typed(browser, office, session):
    b = browser("manager")
    r = b.post("/feedback/new", feedback_form(office, staff_id="", category="", text="态度很差"))
    assert r.status_code == 422
    assert 'id="staff_id-error"' in r.text and 'id="category-error"' in r.text
    assert "态度很差</textarea>" in r.text
    assert 'value="phone" selected' in r.text
    assert 'value="12.50"' in r.text and 'value="2026-03-30T10:00"' in r.text
    future = b.post("/feedback/new", feedback_form(office, occurred_at="2027-01-01T10:00"))
    assert future.status_code == 422 and 'id="occurred_at-error"' in future.text
    assert "不能是将来的时间" in future.text
    assert f'value="{office.staff[0].id}" selected' in future.text
    assert _count(session, Feedback) == 0


def test_a_bad_amount_is_an_error_on_the_amount_field(browser, office, session):
    r = browser("manager").post("/feedback/new", feedback_form(office, amount="twelve"))
    assert r.status_code == 422 and 'id="amount-error"' in r.text
    assert _count(session, Feedback) == 0


def test_feedback_text_is_escaped_everywhere_it_is_shown(browser, office, ctx):
    b = browser("manager")
    assert b.post("/feedback/new", feedback_form(office, text=XSS)).status_code == 303
    page = b.client.get("/feedback/new").text
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Typed back into the form after an error: escaped too.
    again = b.post("/feedback/new", feedback_form(office, staff_id="", text=XSS))
    assert again.status_code == 422
    assert XSS not in again.text and "&lt;script&gt;" in again.text
    manual_finding(ctx, office, note=f"住户反映：{XSS}")
    queue = b.client.get("/findings").text
    assert XSS not in queue and "&lt;script&gt;alert(1)&lt;/script&gt;" in queue


def test_findings_queue_lists_open_findings_with_rule_and_staff(browser, office, ctx):
    f = manual_finding(ctx, office)
    page = browser("hr").client.get("/findings").text
    assert f"finding-{f.id}" in page
    assert "R05" in page and office.staff[0].name in page and "住户反映使用电视" in page


def test_confirm_and_dismiss_redirect_to_the_queue(browser, office, ctx, session):
    one, two = manual_finding(ctx, office, days=2), manual_finding(ctx, office, days=3)
    b = browser("manager")
    r = b.post(f"/findings/{one.id}/confirm", {"sure": "yes"})
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/findings?done=confirmed&id={one.id}&case=")
    assert _finding(session, one.id).status == "confirmed"
    r = b.post(f"/findings/{two.id}/dismiss", {"reason": "住户撤回投诉"})
    assert r.status_code == 303
    assert _finding(session, two.id).status == "dismissed"
    page = b.client.get(r.headers["location"]).text
    assert f"线索 #{two.id} 已驳回" in page and f"finding-{two.id}" not in page


def test_dismiss_without_reason_shows_the_error_in_that_form(browser, office, ctx, session):
    f = manual_finding(ctx, office)
    r = browser("manager").post(f"/findings/{f.id}/dismiss", {"reason": "  "})
    assert r.status_code == 422
    assert f'id="reason-{f.id}-error"' in r.text and "驳回线索必须填写理由" in r.text
    assert _finding(session, f.id).status == "open"


def test_triaging_twice_is_a_conflict(browser, office, ctx):
    f = manual_finding(ctx, office)
    b = browser("manager")
    assert b.post(f"/findings/{f.id}/confirm", {"sure": "yes"}).status_code == 303
    r = b.post(f"/findings/{f.id}/dismiss", {"reason": "晚了"})
    assert r.status_code == 409 and "该线索已被处理，现为：已确认" in r.text


def test_another_office_s_finding_is_not_found(browser, office, ctx, session):
    other = office_set(session, code="XYZ")
    other_ctx = Ctx(
        session=session, actor=other.actor("manager"), clock=ctx.clock, settings=ctx.settings
    )
    f = manual_finding(other_ctx, other)
    r = browser("manager").post(f"/findings/{f.id}/confirm", {"sure": "yes"})
    assert r.status_code == 404
    assert _finding(session, f.id).status == "open"


def test_change_password_keeps_this_session_and_ends_the_others(browser, client, office):
    other = sign_in(client, "bsw-manager").cookies["sid"]  # e.g. a phone
    b = browser("manager")
    r = b.post(
        "/me/password",
        {
            "old_password": "correct horse battery",
            "new_password": "a much better passphrase",
            "new_password_repeat": "a much better passphrase",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/me/password?done=1"
    assert b.client.get("/").status_code == 200
    b.client.cookies.clear()
    b.client.cookies.set("sid", other)
    assert b.client.get("/", follow_redirects=False).status_code == 303
    assert sign_in(client, "bsw-manager", "a much better passphrase").status_code == 303


def test_change_password_errors(browser):
    b = browser("staff")
    short = b.post(
        "/me/password",
        {
            "old_password": "correct horse battery",
            "new_password": "short",
            "new_password_repeat": "short",
        },
    )
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    assert 'value="short"' not in short.text  # passwords are never typed back into the page
    wrong_old = b.post(
        "/me/password",
        {
            "old_password": "nope",
            "new_password": "long enough pass",
            "new_password_repeat": "long enough pass",
        },
    )
    assert wrong_old.status_code == 422 and 'id="old_password-error"' in wrong_old.text
    mismatch = b.post(
        "/me/password",
        {
            "old_password": "correct horse battery",
            "new_password": "long enough pass",
            "new_password_repeat": "long enough pasS",
        },
    )
    assert mismatch.status_code == 422 and 'id="new_password_repeat-error"' in mismatch.text


def test_language_switch(client, office, passwords):
    assert "登录" in client.get("/login").text
    r = client.get("/lang/en?next=/login", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = client.get("/login").text
    assert '<html lang="en">' in page and "Sign in" in page and "登录" not in page
    client.get("/lang/zh")
    assert '<html lang="zh-Hans">' in client.get("/login").text


def test_pages_carry_security_headers(client):
    r = client.get("/login")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_a_form_page_is_rebuilt_only_when_the_form_fails(
    browser, office, ctx, session, monkeypatch
):
    # The queue's context costs queries: a successful post must not pay for it (on SQLite it
    # would hold the write lock meanwhile); a failed one shows the queue as stored.
    from api.pages import findings as pages

    built: list[int] = []
    real = pages._queue

    def counting(*args: Any) -> dict:
        built.append(1)
        return real(*args)

    monkeypatch.setattr(pages, "_queue", counting)
    ok, bad = manual_finding(ctx, office, days=2), manual_finding(ctx, office, days=3)
    b = browser("manager")
    assert b.post(f"/findings/{ok.id}/dismiss", {"reason": "住户撤回投诉"}).status_code == 303
    assert built == []
    r = b.post(f"/findings/{bad.id}/dismiss", {"reason": "  "})
    assert r.status_code == 422 and built == [1]
    assert f'id="reason-{bad.id}-error"' in r.text and f'finding-{ok.id}"' not in r.text
