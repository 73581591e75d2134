"""The old-password check of a password change is throttled like signing in (issue 12,
item 6): a stolen session cannot guess the password at full speed."""

from datetime import timedelta

import pytest

from compliance.accounts import auth
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from tests.api.conftest import PASSWORD

NEW = "a brand new passphrase"


def _change(b, old: str):  # type: ignore[no-untyped-def]
    return b.post(
        "/me/password", {"old_password": old, "new_password": NEW, "new_password_repeat": NEW}
    )


def test_wrong_old_passwords_on_the_page_make_the_next_try_wait(browser, clock):
    b = browser("manager")
    for _ in range(4):
        assert _change(b, "guess").status_code == 422
    fifth = _change(b, "guess")  # five failures from this address: 15 s to wait
    assert fifth.status_code == 422
    early = _change(b, PASSWORD)  # even the right one is not checked yet
    assert early.status_code == 429 and "尝试次数过多,请在 15 秒后再试" in early.text
    clock.advance(timedelta(seconds=14))
    assert _change(b, PASSWORD).status_code == 429
    clock.advance(timedelta(seconds=1))
    assert _change(b, PASSWORD).status_code == 303


def test_the_delays_grow(browser, clock):
    b = browser("manager")
    for _ in range(5):
        _change(b, "guess")
    for wait in (15, 30, 60):
        clock.advance(timedelta(seconds=wait))
        assert _change(b, "guess").status_code == 422  # checked, wrong: the wait doubles
        r = _change(b, PASSWORD)
        assert r.status_code == 429 and f"请在 {wait * 2} 秒后再试" in r.text


def test_a_wrong_old_password_counts_against_signing_in_too(browser, client, clock):
    from tests.api.conftest import sign_in

    b = browser("manager")
    for _ in range(5):
        _change(b, "guess")
    client.cookies.clear()
    assert sign_in(client, "bsw-manager").status_code == 429  # same account, same address


def test_the_api_check_is_throttled_per_account(
    session, clock, settings, office, auth_cfg, passwords
):
    # Through the API (no source address reaches the service) the account's own limit holds.
    ctx = Ctx(session=session, actor=office.actor("hr"), clock=clock, settings=settings)
    uid = office.users["hr"].id
    for _ in range(auth_cfg.account_free_failures):
        with pytest.raises(ValidationFailed):
            auth.set_password(ctx, auth_cfg, uid, {"old_password": "guess", "new_password": NEW})
    with pytest.raises(auth.SignInRefused) as refused:
        auth.set_password(ctx, auth_cfg, uid, {"old_password": PASSWORD, "new_password": NEW})
    assert refused.value.locked and refused.value.retry_after == 2
    clock.advance(timedelta(seconds=2))
    auth.set_password(ctx, auth_cfg, uid, {"old_password": PASSWORD, "new_password": NEW})


def test_an_admin_reset_needs_no_old_password_and_is_not_throttled(
    session, clock, settings, office, auth_cfg, passwords
):
    ctx = Ctx(session=session, actor=office.actor("hr"), clock=clock, settings=settings)
    uid = office.users["hr"].id
    for _ in range(auth_cfg.account_free_failures):
        with pytest.raises(ValidationFailed):
            auth.set_password(ctx, auth_cfg, uid, {"old_password": "guess", "new_password": NEW})
    admin = Ctx(session=session, actor=office.actor("admin"), clock=clock, settings=settings)
    auth.set_password(admin, auth_cfg, uid, {"new_password": NEW})
