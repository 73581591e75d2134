"""The JSON API: bearer tokens only, problem+json errors, the same services as the pages."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from compliance.accounts import tokens as api_tokens
from compliance.context import Ctx
from compliance.feedback.models import Feedback
from tests.api.conftest import csrf_of
from tests.api.helpers import XSS, manual_finding
from tests.factories import OfficeSet

PROBLEM = "application/problem+json"


@pytest.fixture
def token_for(session, clock, settings, office: OfficeSet):
    """A bearer header for one of the office's users."""

    def make(name: str) -> dict[str, str]:
        ctx = Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)
        return {"Authorization": f"Bearer {api_tokens.create_token(ctx, {'name': 'test'}).token}"}

    return make


def test_token_created_on_the_page_works_until_revoked(browser, client: TestClient):
    b = browser("hr")
    page = b.post("/me/tokens", {"name": "笔记本电脑", "scope": "read-write"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    token = page.text.split('<code class="secret">', 1)[1].split("</code>", 1)[0]
    assert token.startswith("cmp_")
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "bsw-hr"
    listed = client.get("/api/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["笔记本电脑"] and "token" not in listed[0]
    assert client.delete(f"/api/tokens/{listed[0]['id']}", headers=headers).status_code == 204
    r = client.get("/api/me", headers=headers)
    assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["status"] == 401


def test_revoking_on_the_page(browser, client, token_for, session):
    headers = token_for("staff")
    b = browser("staff")
    tokens = client.get("/api/tokens", headers=headers).json()
    r = b.post(f"/me/tokens/{tokens[0]['id']}/revoke")
    assert r.status_code == 303
    assert client.get("/api/me", headers=headers).status_code == 401


def test_a_token_cannot_create_tokens(client, token_for):
    # Only a signed-in browser session may (issue 12, item 5): a token that made tokens
    # would outlive its own expiry and revocation.
    headers = token_for("cashier")
    r = client.post("/api/tokens", json={"name": "script"}, headers=headers)
    assert r.status_code == 403 and "cannot create tokens" in r.json()["detail"]
    listed = client.get("/api/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["test"]
    assert all("token" not in t for t in listed)


def test_someone_else_s_token_cannot_be_revoked(client, token_for):
    mine = client.get("/api/tokens", headers=token_for("manager")).json()[0]["id"]
    r = client.delete(f"/api/tokens/{mine}", headers=token_for("hr"))
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)


def test_api_ignores_cookies_and_pages_ignore_bearer_tokens(browser, token_for):
    b = browser("manager")
    assert b.client.get("/api/me").status_code == 401  # signed-in browser, no token
    headers = token_for("manager")
    b.client.cookies.clear()
    assert b.client.get("/", headers=headers, follow_redirects=False).status_code == 303


def test_bad_or_unknown_tokens_are_401(client, office):
    for value in ("Bearer nonsense", "Bearer cmp_" + "x" * 43, "Basic dXNlcjpwYXNz", "Bearer"):
        r = client.get("/api/me", headers={"Authorization": value})
        assert r.status_code == 401, value


def test_disabled_user_s_token_stops_working(client, token_for, session, office):
    headers = token_for("staff")
    office.users["staff"].active = False
    session.add(office.users["staff"])
    session.flush()
    assert client.get("/api/me", headers=headers).status_code == 401


def test_record_feedback(client, token_for, office, session):
    body = {
        "staff_id": office.staff[1].id,
        "channel": "phone",
        "category": "attitude",
        "text": XSS,
        "occurred_at": "2026-03-30T10:00:00+08:00",
    }
    r = client.post("/api/feedback", json=body, headers=token_for("manager"))
    assert r.status_code == 201 and r.json()["text"] == XSS  # JSON is data, not markup
    assert session.execute(select(Feedback)).scalar_one().staff_id == office.staff[1].id


def test_validation_errors_are_problem_details_with_fields(client, token_for, office, session):
    headers = token_for("manager")
    r = client.post("/api/feedback", json={"channel": "fax"}, headers=headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"staff_id", "channel", "category", "occurred_at"} <= fields
    future = {
        "staff_id": office.staff[0].id,
        "channel": "phone",
        "category": "attitude",
        "occurred_at": "2027-01-01T10:00:00+08:00",
    }
    r = client.post("/api/feedback", json=future, headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "occurred_at", "reason": "is in the future"}]
    assert session.execute(select(Feedback)).first() is None


def test_findings_list_confirm_dismiss(client, token_for, ctx, office):
    one, two = manual_finding(ctx, office, days=2), manual_finding(ctx, office, days=3)
    headers = token_for("hr")
    listed = client.get("/api/findings", headers=headers).json()
    assert [f["id"] for f in listed] == [one.id, two.id]
    assert listed[0]["staff_name"] == office.staff[0].name
    r = client.post(f"/api/findings/{one.id}/confirm", headers=headers)
    assert r.status_code == 200 and r.json()["number"].startswith("BSW-")  # the case opened
    r = client.post(f"/api/findings/{two.id}/dismiss", json={}, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(f"/api/findings/{two.id}/dismiss", json={"reason": "重复"}, headers=headers)
    assert r.json()["status"] == "dismissed"
    r = client.post(f"/api/findings/{two.id}/dismiss", json={"reason": "again"}, headers=headers)
    assert r.status_code == 409 and "already triaged" in r.json()["detail"]
    assert client.get("/api/findings", headers=headers).json() == []
    done = client.get("/api/findings?status=dismissed", headers=headers).json()
    assert [f["id"] for f in done] == [two.id]


def test_forbidden_is_403_problem(client, token_for):
    r = client.get("/api/findings", headers=token_for("staff"))
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    assert "role staff" in r.json()["detail"]


def test_own_password_change_through_the_api(client, token_for, passwords, browser):
    headers = token_for("staff")
    b = browser("staff")
    r = client.post(
        "/api/me/password",
        json={"old_password": "wrong", "new_password": "long enough pass"},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "old_password"
    r = client.post(
        "/api/me/password",
        json={"old_password": passwords, "new_password": "short"},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "new_password"
    r = client.post(
        "/api/me/password",
        json={"old_password": passwords, "new_password": "long enough pass"},
        headers=headers,
    )
    assert r.status_code == 204
    assert b.client.get("/", follow_redirects=False).status_code == 303  # browser signed out
    assert client.get("/api/me", headers=headers).status_code == 401  # and every token


def test_admin_sets_a_password_without_the_old_one(client, token_for, office, session):
    admin = token_for("admin")
    staff_id = office.users["staff"].id
    r = client.post(
        f"/api/users/{staff_id}/password", json={"new_password": "given by admin"}, headers=admin
    )
    assert r.status_code == 204
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "bsw-staff",
            "password": "given by admin",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        "/api/users/999999/password", json={"new_password": "given by admin"}, headers=admin
    )
    assert r.status_code == 404


def test_openapi_lists_the_json_api_only(browser):
    paths = browser("hr").client.get("/openapi.json").json()["paths"]
    assert "/api/findings" in paths and "/api/feedback" in paths
    assert not any(p.startswith(("/login", "/findings", "/me/")) for p in paths)
