"""The phone's bottom tab bar (issue 14, item 2): the tabs a role holds, the current one
marked, and none for a role whose work has no tab."""

import re

import pytest

from api.menu import tabs_for
from compliance.actors import Actor, Role

_TAB = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def _tabs(html: str) -> list[tuple[str, bool, str]]:
    bar = re.search(r'<nav class="tabs"[^>]*>(.*?)</nav>', html, re.S)
    if bar is None:
        return []
    return [(href, bool(cur), label) for href, cur, label in _TAB.findall(bar.group(1))]


def test_a_manager_has_home_spot_check_findings_and_me(browser) -> None:
    b = browser("manager")
    home = b.client.get("/").text
    assert 'class="with-tabs"' in home
    assert _tabs(home) == [
        ("/", True, "首页"),
        ("/spot-checks/new", False, "抽查"),
        ("/findings", False, "线索"),
        ("/account", False, "我的"),
    ]
    assert [t for t in _tabs(b.client.get("/findings").text) if t[1]] == [
        ("/findings", True, "线索")
    ]
    assert [t for t in _tabs(b.client.get("/me/password").text) if t[1]] == [
        ("/account", True, "我的")
    ]


def test_staff_hold_home_their_jobs_their_records_and_me(browser) -> None:
    b = browser("staff")
    assert [href for href, _c, _l in _tabs(b.client.get("/").text)] == [
        "/",
        "/service/my",
        "/me",
        "/account",
    ]
    # "/me" is the records tab, but the password page belongs to "我的".
    assert [t[0] for t in _tabs(b.client.get("/me").text) if t[1]] == ["/me"]
    assert [t[0] for t in _tabs(b.client.get("/me/tokens").text) if t[1]] == ["/account"]
    b.client.cookies.set("lang", "en")
    assert [label for _h, _c, label in _tabs(b.client.get("/").text)] == [
        "Home",
        "My jobs",
        "My records",
        "My account",
    ]


@pytest.mark.parametrize("who", ["admin", "cashier"])
def test_a_role_with_only_home_and_account_gets_no_tab_bar(browser, who: str) -> None:
    home = browser(who).client.get("/").text
    assert _tabs(home) == [] and "with-tabs" not in home
    assert 'class="menu-button"' in home  # the folded header menu is still there


def test_a_visitor_has_no_tabs() -> None:
    assert tabs_for(None, "/", "zh") == []
    hr = Actor(user_id=1, username="hr", role=Role.HR, office_id=1)
    assert [t.href for t in tabs_for(hr, "/findings/3", "zh") if t.current] == ["/findings"]
