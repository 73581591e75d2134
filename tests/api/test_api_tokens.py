"""Personal API tokens (issue 12, item 5): they end, carry a scope, cannot make tokens, die
with their owner's password, and an admin sees and revokes every live one of the office."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from compliance.accounts import auth
from compliance.accounts import tokens as api_tokens
from compliance.accounts.auth_models import ApiToken
from compliance.accounts.settings import AuthSettings
from compliance.context import Ctx
from compliance.errors import NotFound
from tests.api.conftest import CHEAP, PASSWORD
from tests.factories import office_set

NEW = "a brand new passphrase"


@pytest.fixture
def token_for(session, clock, settings, office, auth_cfg):  # type: ignore[no-untyped-def]
    """A bearer header for one of the office's users (read-write unless told)."""

    def make(name: str, scope: str = "read-write", who=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
        actor = (who or office).actor(name)
        ctx = Ctx(session=session, actor=actor, clock=clock, settings=settings)
        raw = api_tokens.create_token(
            ctx, {"name": f"{name} {scope}", "scope": scope}, auth_cfg
        ).token
        return {"Authorization": f"Bearer {raw}"}

    return make


def _works(client: TestClient, headers: dict[str, str]) -> bool:
    status = client.get("/api/me", headers=headers).status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_ends_after_ninety_days_by_default(client, token_for, clock):
    headers = token_for("hr")
    clock.advance(timedelta(days=90) - timedelta(seconds=1))
    assert _works(client, headers)
    clock.advance(timedelta(seconds=1))
    r = client.get("/api/me", headers=headers)
    assert r.status_code == 401 and r.json()["status"] == 401


def test_the_lifetime_is_a_setting(session, clock, settings, office, client):
    assert AuthSettings(**CHEAP).token_days == 90  # type: ignore[arg-type]
    week = AuthSettings(**{**CHEAP, "token_days": 7})  # type: ignore[arg-type]
    ctx = Ctx(session=session, actor=office.actor("hr"), clock=clock, settings=settings)
    created = api_tokens.create_token(ctx, {"name": "a week"}, week)
    assert created.expires_at == clock.now() + timedelta(days=7)
    headers = {"Authorization": f"Bearer {created.token}"}
    clock.advance(timedelta(days=7))
    assert not _works(client, headers)


def test_an_expired_token_is_not_listed_as_live_for_the_admin(session, clock, settings, office):
    admin = Ctx(session=session, actor=office.actor("admin"), clock=clock, settings=settings)
    hr = Ctx(session=session, actor=office.actor("hr"), clock=clock, settings=settings)
    api_tokens.create_token(hr, {"name": "old"})
    assert [t.name for t in api_tokens.office_tokens(admin)] == ["old"]
    clock.advance(timedelta(days=90))
    assert api_tokens.office_tokens(admin) == []


def test_a_read_token_reads_and_is_refused_every_write(client, token_for, office):
    read = token_for("admin", "read")
    assert client.get("/api/me", headers=read).status_code == 200
    for method, url, body in [
        ("POST", "/api/me/password", {"old_password": PASSWORD, "new_password": NEW}),
        ("POST", f"/api/users/{office.users['hr'].id}/password", {"new_password": NEW}),
        ("DELETE", "/api/tokens/1", None),
        ("POST", "/api/feedback", {}),
    ]:
        r = client.request(method, url, json=body, headers=read)
        assert r.status_code == 403, (method, url)
        assert "may only read" in r.json()["detail"]
    # Nothing was changed: the admin's own read token still works (a password change
    # would have ended it).
    assert _works(client, read)


def test_a_read_write_token_may_write(client, token_for, office):
    rw = token_for("admin")
    r = client.post(
        f"/api/users/{office.users['hr'].id}/password", json={"new_password": NEW}, headers=rw
    )
    assert r.status_code == 204


def test_no_token_of_any_scope_can_create_tokens(client, token_for, session):
    for scope in ("read", "read-write"):
        headers = token_for("manager", scope)
        r = client.post("/api/tokens", json={"name": "child"}, headers=headers)
        assert r.status_code == 403
    names = session.execute(select(ApiToken.name)).scalars().all()
    assert sorted(names) == ["manager read", "manager read-write"]


def test_the_token_page_takes_no_bearer_token(client, token_for, session):
    headers = token_for("manager")
    client.cookies.clear()
    page = client.get("/me/tokens", headers=headers, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    r = client.post("/me/tokens", data={"name": "child"}, headers=headers, follow_redirects=False)
    assert r.status_code in (303, 403)
    assert session.execute(select(ApiToken.name)).scalars().all() == ["manager read-write"]


def test_the_page_makes_read_tokens_unless_asked(browser, session):
    b = browser("hr")
    page = b.post("/me/tokens", {"name": "phone"})
    assert page.status_code == 200
    mine = b.client.get("/me/tokens").text
    assert '<option value="read" selected>' in mine
    assert 'id="office-tokens"' not in mine  # only an admin sees the office's tokens
    b.post("/me/tokens", {"name": "script", "scope": "read-write"})
    scopes = dict(session.execute(select(ApiToken.name, ApiToken.scope)).all())
    assert scopes == {"phone": "read", "script": "read-write"}
    bad = b.post("/me/tokens", {"name": "x", "scope": "admin"})
    assert bad.status_code == 422 and 'id="scope-error"' in bad.text


def test_changing_one_s_password_on_the_page_ends_every_token(browser, client, token_for):
    headers = token_for("staff")
    b = browser("staff")
    r = b.post(
        "/me/password",
        {"old_password": PASSWORD, "new_password": NEW, "new_password_repeat": NEW},
    )
    assert r.status_code == 303
    assert b.client.get("/").status_code == 200  # this session stays
    assert not _works(client, headers)


def test_an_admin_reset_ends_the_user_s_tokens(browser, client, token_for, office):
    staff = token_for("staff")
    admin_token = token_for("admin")
    b = browser("admin")
    r = b.post(
        "/admin/users/password", {"user_id": str(office.users["staff"].id), "new_password": NEW}
    )
    assert r.status_code == 303
    assert not _works(client, staff)
    assert _works(client, admin_token)  # only the user's
    staff = token_for("staff")
    r = client.post(
        f"/api/users/{office.users['staff'].id}/password",
        json={"new_password": "another fresh passphrase"},
        headers=admin_token,
    )
    assert r.status_code == 204 and not _works(client, staff)


def test_a_password_set_from_the_shell_ends_the_user_s_tokens(
    session, clock, auth_cfg, client, token_for
):
    headers = token_for("admin")
    auth.set_initial_password(session, clock, auth_cfg, "bsw-admin", NEW)
    assert not _works(client, headers)


def test_the_admin_sees_every_live_token_of_the_office_and_revokes_any(
    browser, client, token_for, office, session
):
    staff = token_for("staff", "read")
    hr = token_for("hr")
    other = office_set(session, code="XYZ")
    elsewhere = token_for("hr", who=other)
    hr_id = client.get("/api/tokens", headers=hr).json()[0]["id"]
    assert client.delete(f"/api/tokens/{hr_id}", headers=hr).status_code == 204  # revoked
    b = browser("admin")
    page = b.client.get("/me/tokens")
    section = page.text.split('id="office-tokens"', 1)[1]
    assert "本管理处仍有效的令牌" in section and "只读" in section and "失效时间" in section
    assert "staff read" in section and "bsw-staff" in section
    assert "hr read-write" not in section  # revoked: not live
    assert "xyz-hr" not in section  # another office's
    staff_id = client.get("/api/tokens", headers=staff).json()[0]["id"]
    r = b.post(f"/me/tokens/{staff_id}/revoke")
    assert r.status_code == 303
    assert not _works(client, staff)
    assert _works(client, elsewhere)
    # Another office's token is not found, even for an admin.
    other_id = client.get("/api/tokens", headers=elsewhere).json()[0]["id"]
    assert b.post(f"/me/tokens/{other_id}/revoke").status_code == 404
    assert _works(client, elsewhere)


def test_only_an_admin_revokes_others_tokens(session, clock, settings, office, token_for, client):
    headers = token_for("staff")
    token_id = client.get("/api/tokens", headers=headers).json()[0]["id"]
    manager = Ctx(session=session, actor=office.actor("manager"), clock=clock, settings=settings)
    with pytest.raises(NotFound):
        api_tokens.revoke_token(manager, token_id)
    assert _works(client, headers)
