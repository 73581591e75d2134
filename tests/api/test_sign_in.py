"""Signing in and out: passwords, throttling, session ids, time-outs, disabled users."""

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlmodel import col

from compliance.accounts.auth_models import AuthSession, LoginAttempt
from compliance.accounts.models import User
from compliance.accounts.users import set_active
from compliance.context import Ctx
from tests.api.conftest import PASSWORD, csrf_of, sign_in


def _sid(response) -> str:
    return response.cookies["sid"]


def test_sign_in_with_the_right_password_opens_a_session(client, office, passwords):
    r = sign_in(client, "bsw-manager", next="/findings")
    assert r.status_code == 303
    assert r.headers["location"] == "/findings"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "bsw-manager" in home.text


def test_session_cookie_is_secure_over_https(app, office, passwords):
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as c:
        r = sign_in(c, "bsw-manager")
    assert r.status_code == 303
    assert "Secure" in r.headers["set-cookie"]


def test_only_a_hash_of_the_session_id_is_stored(client, office, passwords, session):
    sid = _sid(sign_in(client, "bsw-manager"))
    assert len(sid) >= 43  # 32 random bytes, base64url
    hashes = session.execute(select(AuthSession.token_hash)).scalars().all()
    assert sid not in hashes and all(len(h) == 64 for h in hashes)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, office, passwords):
    wrong = sign_in(client, "bsw-manager", "not the password")
    nobody = sign_in(client, "no-such-user", "not the password")
    assert wrong.status_code == nobody.status_code == 401
    assert "用户名或密码不正确" in wrong.text and "用户名或密码不正确" in nobody.text
    assert "sid" not in client.cookies
    # What was typed comes back, the password does not.
    assert 'value="bsw-manager"' in wrong.text and "not the password" not in wrong.text


def test_inactive_or_passwordless_users_cannot_sign_in(client, office, passwords, session):
    office.users["cashier"].password_hash = None
    office.users["hr"].active = False
    session.add_all([office.users["cashier"], office.users["hr"]])
    session.flush()
    assert sign_in(client, "bsw-cashier").status_code == 401
    assert sign_in(client, "bsw-hr").status_code == 401


def test_empty_fields_are_field_errors(client):
    page = client.get("/login")
    r = client.post("/login", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    assert 'id="username-error"' in r.text and 'id="password-error"' in r.text


def _from(app, address: str):  # type: ignore[no-untyped-def]
    """A browser of its own at another source address."""
    from fastapi.testclient import TestClient

    return TestClient(app, client=(address, 50000))


def test_five_wrong_passwords_from_one_address_do_not_keep_the_user_out(app, office, passwords):
    # ASVS 5.0 §6.3: an anonymous visitor's guesses must not lock the real user out.
    stranger, user = _from(app, "203.0.113.7"), _from(app, "198.51.100.20")
    answers = [sign_in(stranger, "bsw-manager", "guess").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]  # the stranger's address must now wait
    assert sign_in(stranger, "bsw-manager").status_code == 429  # even with the right one
    assert sign_in(user, "bsw-manager").status_code == 303  # the user, elsewhere, signs in


def test_an_address_that_keeps_failing_waits_longer_each_time(app, office, passwords, clock):
    # Guessing at many accounts from one address: after five failures each further
    # attempt waits 15 s, then 30 s, 60 s ... after the last failure.
    a = _from(app, "203.0.113.7")
    for name in ("bsw-manager", "bsw-hr", "bsw-cashier", "bsw-admin"):
        assert sign_in(a, name, "guess").status_code == 401
    fifth = sign_in(a, "ghost-user", "guess")
    assert fifth.status_code == 429 and "尝试次数过多,请在 15 秒后再试" in fifth.text
    for delay in (15, 30, 60, 120):
        clock.advance(timedelta(seconds=delay - 1))
        early = sign_in(a, "bsw-director", "guess")
        assert early.status_code == 429 and "请在 1 秒后再试" in early.text, delay
        clock.advance(timedelta(seconds=1))
        failed = sign_in(a, "bsw-director", "guess")  # tried, failed: the wait doubles
        assert failed.status_code == 429 and f"请在 {delay * 2} 秒后再试" in failed.text
    clock.advance(timedelta(seconds=240))
    assert sign_in(a, "bsw-director").status_code == 303  # a wait, never a lock-out


def test_the_address_delay_is_capped(app, office, passwords, clock, auth_cfg):
    a = _from(app, "203.0.113.7")
    waits = []
    for _ in range(20):
        r = sign_in(a, "ghost-user", "guess")
        text = r.text.split("请在 ", 1)[1].split(" 秒", 1)[0] if r.status_code == 429 else "0"
        waits.append(int(text))
        clock.advance(timedelta(seconds=int(text)))
    assert max(waits) == auth_cfg.address_delay_cap_seconds == 900
    assert waits[:8] == [0, 0, 0, 0, 15, 30, 60, 120]


def test_an_account_guessed_at_from_many_addresses_is_slowed_not_locked(
    app, office, passwords, clock
):
    # Ten failures for one account, each from another address: each further attempt on
    # the account waits 2 s, then 4 s, 8 s ..., whoever makes it.
    for i in range(9):
        assert sign_in(_from(app, f"203.0.113.{i}"), "bsw-manager", "guess").status_code == 401
    tenth = sign_in(_from(app, "203.0.113.99"), "bsw-manager", "guess")
    assert tenth.status_code == 429 and "请在 2 秒后再试" in tenth.text
    user = _from(app, "198.51.100.20")
    assert sign_in(user, "bsw-manager").status_code == 429
    assert sign_in(user, "bsw-hr").status_code == 303  # other accounts are not affected
    clock.advance(timedelta(seconds=2))
    eleventh = sign_in(_from(app, "203.0.113.100"), "bsw-manager", "guess")
    assert eleventh.status_code == 429 and "请在 4 秒后再试" in eleventh.text
    clock.advance(timedelta(seconds=4))
    assert sign_in(user, "bsw-manager").status_code == 303  # after the wait: in


def test_the_wait_is_told_in_english_too(app, office, passwords):
    a = _from(app, "203.0.113.7")
    a.get("/lang/en")
    for _ in range(5):
        r = sign_in(a, "bsw-manager", "guess")
    assert r.status_code == 429
    assert "Too many attempts. Try again in 15 seconds." in r.text


def test_x_forwarded_for_is_ignored_unless_a_setting_trusts_it(app, office, passwords, auth_cfg):
    from compliance.accounts.settings import AuthSettings

    def spoofing(client, i: int, name: str = "bsw-manager"):  # type: ignore[no-untyped-def]
        client.headers["X-Forwarded-For"] = f"192.0.2.{i}"
        return sign_in(client, name, "guess").status_code

    a = _from(app, "203.0.113.7")
    assert [spoofing(a, i) for i in range(5)] == [401, 401, 401, 401, 429]
    # Behind a proxy that appends the client's address, a setting says to read it.
    app.state.auth_settings = AuthSettings(**{**auth_cfg.model_dump(), "trust_forwarded_for": True})
    b = _from(app, "10.0.0.1")  # the proxy
    assert [spoofing(b, 10 + i, "bsw-hr") for i in range(5)] == [401] * 5  # five clients
    b.headers["X-Forwarded-For"] = "192.0.2.10, 192.0.2.99"  # only the last entry counts
    assert sign_in(b, "bsw-hr", "guess").status_code == 401


def test_lock_out_does_not_reveal_whether_the_user_exists(app, office, passwords):
    answers = []
    for i, name in enumerate(("bsw-manager", "ghost-user")):
        c = _from(app, f"203.0.113.{i}")
        for _ in range(5):
            r = sign_in(c, name, "guess")
        answers.append(r)
    real, ghost = answers
    assert real.status_code == ghost.status_code == 429

    def page(r, name: str) -> str:  # type: ignore[no-untyped-def]
        return r.text.replace(name, "X").replace(csrf_of(r.text), "CSRF")

    assert page(real, "bsw-manager") == page(ghost, "ghost-user")


def test_failures_are_counted_per_account_and_reset_by_success(client, office, passwords, session):
    for _ in range(4):
        sign_in(client, "bsw-manager", "guess")
    assert sign_in(client, "bsw-hr").status_code == 303  # another account is not affected
    assert sign_in(client, "bsw-manager").status_code == 303  # a success clears the count
    for _ in range(4):
        sign_in(client, "bsw-manager", "guess")
    assert sign_in(client, "bsw-manager").status_code == 303
    attempts = session.execute(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == "bsw-manager")
    ).scalar_one()
    assert attempts == 10


def _only_cookie(client, value: str) -> None:
    client.cookies.clear()
    client.cookies.set("sid", value)


def test_session_id_changes_at_sign_in(client, office, passwords, session):
    _only_cookie(client, "planted-by-an-attacker")
    first = _sid(sign_in(client, "bsw-manager"))
    assert first != "planted-by-an-attacker"
    _only_cookie(client, "planted-by-an-attacker")
    assert client.get("/", follow_redirects=False).status_code == 303
    # Signing in again from the same browser gives a new id and ends the old session.
    _only_cookie(client, first)
    second = _sid(sign_in(client, "bsw-manager"))
    assert second != first
    _only_cookie(client, first)
    assert client.get("/", follow_redirects=False).status_code == 303
    _only_cookie(client, second)
    assert client.get("/").status_code == 200


def test_sign_out_revokes_the_session(browser, session):
    b = browser("manager")
    sid = b.client.cookies["sid"]
    r = b.post("/logout")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    b.client.cookies.set("sid", sid)  # a copy of the cookie is worthless now
    r = b.client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    reasons = session.execute(select(AuthSession.revoked_reason)).scalars().all()
    assert "signed out" in reasons


def test_anonymous_pages_redirect_to_login_and_back(client, office, passwords):
    r = client.get("/findings?status=open", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/findings%3Fstatus%3Dopen"
    page = client.get(r.headers["location"])
    assert 'name="next" value="/findings?status=open"' in page.text


def test_next_cannot_leave_the_site(client, office, passwords):
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = sign_in(client, "bsw-manager", next=evil)
        assert r.headers["location"] == "/", evil


def test_disabling_a_user_ends_their_sessions_and_tokens(browser, office, session, clock, settings):
    b = browser("staff")
    staff_id = office.users["staff"].id
    assert b.client.get("/").status_code == 200
    admin = Ctx(session=session, actor=office.actor("admin"), clock=clock, settings=settings)
    set_active(admin, staff_id, False)
    live = session.execute(
        select(func.count())
        .select_from(AuthSession)
        .where(col(AuthSession.user_id) == staff_id, col(AuthSession.revoked_at).is_(None))
    ).scalar_one()
    assert live == 0
    assert b.client.get("/", follow_redirects=False).status_code == 303


def test_an_inactive_user_is_refused_on_every_request(browser, office, session):
    b = browser("staff")
    # Even if the flag is changed behind the service's back, the next request is refused.
    session.execute(
        update(User).where(col(User.id) == office.users["staff"].id).values(active=False)
    )
    assert b.client.get("/", follow_redirects=False).status_code == 303


def test_idle_time_out(browser, clock):
    b = browser("manager")
    for _ in range(3):  # activity keeps the session alive past the idle limit
        clock.advance(timedelta(minutes=29))
        assert b.client.get("/").status_code == 200
    clock.advance(timedelta(minutes=30))
    r = b.client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_absolute_time_out(browser, clock):
    b = browser("manager")
    elapsed = timedelta()
    while elapsed + timedelta(minutes=25) < timedelta(hours=12):
        clock.advance(timedelta(minutes=25))
        elapsed += timedelta(minutes=25)
        assert b.client.get("/").status_code == 200, elapsed
    clock.advance(timedelta(hours=12) - elapsed)
    assert b.client.get("/", follow_redirects=False).status_code == 303


def test_password_is_never_stored_in_clear(office, passwords, session):
    stored = session.execute(
        select(User.password_hash).where(col(User.id) == office.users["manager"].id)
    ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
