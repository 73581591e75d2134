"""New passwords are checked with zxcvbn and its common-password lists (issue 12, item 7)."""

import pytest
from typer.testing import CliRunner

from api.i18n import Translator
from compliance.accounts import auth, strength
from compliance.accounts.settings import AuthSettings
from compliance.auth.__main__ import app as auth_cli
from compliance.context import Ctx
from compliance.demo.load import DEMO_PASSWORD
from compliance.errors import ValidationFailed
from tests.api.conftest import PASSWORD


@pytest.fixture
def auth_cfg() -> AuthSettings:
    """The default rules with a cheap hash."""
    return AuthSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)


WEAK = {
    "aaaaaaaaaa": strength.REPEATED,
    "1234567890": strength.COMMON,
    "password12": strength.COMMON,
    " " * 10: strength.ONLY_SPACES,
    "qwertyuiop": strength.COMMON,
    "abcdefghijkl": strength.SEQUENCE,
    "1qaz2wsx3edc": strength.COMMON,
}


def _check(password: str, username: str = "bsw-hr", known: tuple[str, ...] = ()) -> None:
    strength.check(password, min_length=10, username=username, known=known)


@pytest.mark.parametrize(("password", "reason"), WEAK.items())
def test_guessable_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationFailed) as exc:
        _check(password)
    assert [(e.field, e.reason) for e in exc.value.errors] == [("new_password", reason)]


@pytest.mark.parametrize(
    "password", [PASSWORD, "a brand new passphrase", "given by admin", DEMO_PASSWORD]
)
def test_hard_to_guess_passwords_pass(password):
    _check(password, known=("hr", "碧水湾管理处", "BSW"))


def test_the_user_s_and_the_office_s_names_count_as_known(session, office):
    # Without the names the estimator cannot know; with them these are easy guesses.
    for password, known in [
        ("碧水湾管理处2026", ("碧水湾管理处",)),
        ("Wang Fang 1990", ("Wang Fang",)),
        ("wangfang1990", ("Wang Fang",)),
        ("bishuiwan2026", ("bsw-hr", "Bishuiwan")),
    ]:
        _check(password)
        with pytest.raises(ValidationFailed) as exc:
            _check(password, known=known)
        assert exc.value.errors[0].reason == strength.PERSONAL


def test_the_username_itself_and_short_ones_are_refused():
    for password, username, reason in [
        ("bsw-cashier", "bsw-cashier", strength.IS_USERNAME),
        (" BSW-Cashier ", "bsw-cashier", strength.IS_USERNAME),
        ("Xq7#vP2!k", "bsw-hr", strength.TOO_SHORT),  # 9 characters, random or not
        ("", "bsw-hr", strength.TOO_SHORT),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            strength.check(password, min_length=10, username=username)
        assert exc.value.errors[0].reason == reason, password


def test_every_reason_reads_the_same_in_chinese_on_the_pages_and_in_the_shell():
    zh = Translator("zh")
    for english, chinese in strength.ZH.items():
        assert zh(english) == chinese, english
        assert not any("a" <= c <= "z" for c in chinese.replace("abc", "")), chinese


@pytest.mark.parametrize("password", list(WEAK))
def test_an_admin_reset_refuses_them(ctx, office, auth_cfg, password):
    admin = Ctx(
        session=ctx.session, actor=office.actor("admin"), clock=ctx.clock, settings=ctx.settings
    )
    with pytest.raises(ValidationFailed) as exc:
        auth.set_password(admin, auth_cfg, office.users["hr"].id, {"new_password": password})
    assert exc.value.errors[0].field == "new_password"


def test_the_office_name_is_passed_to_the_estimator(ctx, office, auth_cfg):
    admin = Ctx(
        session=ctx.session, actor=office.actor("admin"), clock=ctx.clock, settings=ctx.settings
    )
    with pytest.raises(ValidationFailed) as exc:
        auth.set_password(
            admin, auth_cfg, office.users["hr"].id, {"new_password": "碧水湾管理处2026"}
        )
    assert exc.value.errors[0].reason == strength.PERSONAL


def test_the_shell_refuses_them(session, clock, office, auth_cfg):
    for password in WEAK:
        with pytest.raises(ValidationFailed):
            auth.set_initial_password(session, clock, auth_cfg, "bsw-admin", password)


def test_the_shell_command_prints_the_reason_in_english_and_chinese(monkeypatch, office):
    def refuse(*_args: object) -> None:
        strength.check("password12", min_length=10, username="bsw-admin")

    monkeypatch.setattr("compliance.auth.__main__.set_initial_password", refuse)
    monkeypatch.setattr("compliance.auth.__main__.make_engine", lambda: _NoEngine())
    result = CliRunner().invoke(auth_cli, ["set-password", "bsw-admin", "--stdin"], "password12\n")
    assert result.exit_code == 2
    assert "is a commonly used password" in result.output
    assert "是常用密码,很容易被猜到" in result.output


class _NoEngine:
    def dispose(self) -> None:
        pass
