"""A weak new password is refused on the pages with the reason in the reader's language."""

from tests.api.conftest import PASSWORD


def test_the_account_page_gives_the_reason_in_chinese(browser):
    b = browser("manager")
    for weak, reason in [
        ("password12", "是常用密码,很容易被猜到"),
        ("aaaaaaaaaa", "由重复的字符组成,很容易被猜到"),
        ("1234567890", "是常用密码,很容易被猜到"),
        (" " * 10, "不能只由空格组成"),
    ]:
        r = b.post(
            "/me/password",
            {"old_password": PASSWORD, "new_password": weak, "new_password_repeat": weak},
        )
        assert r.status_code == 422 and reason in r.text, weak
        assert 'id="new_password-error"' in r.text
    # Nothing was changed: the old password still works.
    ok = "a brand new passphrase"
    r = b.post(
        "/me/password", {"old_password": PASSWORD, "new_password": ok, "new_password_repeat": ok}
    )
    assert r.status_code == 303


def test_the_account_page_gives_the_reason_in_english(browser):
    b = browser("manager")
    b.client.get("/lang/en")
    r = b.post(
        "/me/password",
        {
            "old_password": PASSWORD,
            "new_password": "password12",
            "new_password_repeat": "password12",
        },
    )
    assert r.status_code == 422 and "is a commonly used password" in r.text


def test_the_admin_reset_gives_the_reason_in_chinese(browser, office):
    b = browser("admin")
    r = b.post(
        "/admin/users/password",
        {"user_id": str(office.users["hr"].id), "new_password": "aaaaaaaaaa"},
    )
    assert r.status_code == 422 and "由重复的字符组成,很容易被猜到" in r.text
