"""State-changing forms need the session's CSRF token; without it nothing is saved."""

import pytest
from sqlalchemy import func, select

from compliance.accounts.auth_models import ApiToken, AuthSession
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding
from tests.api.conftest import csrf_of
from tests.api.helpers import feedback_form, manual_finding


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_feedback_without_the_right_token_is_refused_and_not_saved(browser, office, session, token):
    b = browser("manager")
    data = feedback_form(office)
    if token is not None:
        data["csrf_token"] = token
    r = b.client.post("/feedback/new", data=data, follow_redirects=False)
    assert r.status_code == 403
    assert "表单已失效" in r.text
    assert _count(session, Feedback) == 0


def test_another_session_s_token_does_not_count(browser, office, session):
    hr_token = browser("hr").csrf
    b = browser("manager")
    assert hr_token != b.csrf
    r = b.client.post(
        "/feedback/new",
        data={**feedback_form(office), "csrf_token": hr_token},
        follow_redirects=False,
    )
    assert r.status_code == 403 and _count(session, Feedback) == 0


def test_triage_without_token_changes_nothing(browser, office, ctx, session):
    f = manual_finding(ctx, office)
    b = browser("manager")
    for action, data in (("confirm", {}), ("dismiss", {"reason": "x"})):
        r = b.client.post(f"/findings/{f.id}/{action}", data=data, follow_redirects=False)
        assert r.status_code == 403
    session.expire_all()
    assert session.get(Finding, f.id).status == "open"


def test_logout_and_token_forms_need_the_token(browser, session):
    b = browser("staff")
    assert b.client.post("/logout", follow_redirects=False).status_code == 403
    assert b.client.get("/").status_code == 200  # still signed in
    r = b.client.post("/me/tokens", data={"name": "laptop"}, follow_redirects=False)
    assert r.status_code == 403 and _count(session, ApiToken) == 0


def test_login_form_needs_its_token(client, office, passwords, session):
    r = client.post(
        "/login",
        data={"username": "bsw-manager", "password": "correct horse battery"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and _count(session, AuthSession) == 0
    page = client.get("/login")
    client.cookies.clear()  # the token without its cookie is not enough either
    r = client.post(
        "/login",
        data={
            "username": "bsw-manager",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 403 and _count(session, AuthSession) == 0
