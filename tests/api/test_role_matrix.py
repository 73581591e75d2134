"""Every route, called as every role and anonymously, answers as tests/api/route_access.py says.

route_access.py is the matrix as it was before the roles were declared once
(compliance/permissions.py); these tests hold the permission table, the routes' declared
permissions and the menu to it.
"""

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from api.main import _check_declared, served_routes
from api.menu import MENU
from api.security import API_PREFIX, SESSION_COOKIE
from compliance.accounts import auth, tokens
from compliance.accounts.settings import AuthSettings
from compliance.actors import Actor, Role
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.permissions import holds
from tests.api.conftest import PASSWORD, csrf_of
from tests.api.route_access import ANONYMOUS, ROLE_NAMES, ROUTE_ACCESS, Access
from tests.factories import OfficeSet

MISSING_ID = "999999"


def registered(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves; static files as /static/{path}."""
    return [(r.method, r.path) for r in served_routes(app)]


def test_every_route_has_an_entry_and_every_entry_a_route(app: FastAPI) -> None:
    served = set(registered(app))
    assert not served - set(ROUTE_ACCESS), (
        f"routes missing from route_access.py ROUTE_ACCESS: {sorted(served - set(ROUTE_ACCESS))}"
    )
    assert not set(ROUTE_ACCESS) - served, f"stale entries: {sorted(set(ROUTE_ACCESS) - served)}"


def test_a_route_without_declared_roles_stops_the_app(app: FastAPI) -> None:
    _check_declared(app)
    app.add_api_route("/undeclared", lambda: {"ok": True})
    with pytest.raises(RuntimeError, match="undeclared"):
        _check_declared(app)


def expected_status(access: Access, who: str, api: bool) -> int:
    """What the access table says a call as `who` gets: its answer, or the refusal."""
    if who in access.allow:
        return access.ok
    if who == ANONYMOUS:
        return 401 if api else 303  # pages send the visitor to the sign-in form
    return 403


def _url(path: str) -> str:
    if path == "/static/{path}":
        return "/static/app.css"
    return re.sub(r"\{[^}]+\}", MISSING_ID, path)


@pytest.mark.parametrize("who", [*ROLE_NAMES, ANONYMOUS])
def test_role_matrix(
    who: str,
    app: FastAPI,
    client,
    office: OfficeSet,
    passwords: str,
    session: Session,
    clock: FixedClock,
    auth_cfg: AuthSettings,
    settings,
) -> None:
    bearer: dict[str, str] = {}
    if who != ANONYMOUS:
        user = office.users[who]
        actor = auth.actor_of(user)
        ctx = Ctx(session=session, actor=actor, clock=clock, settings=settings)
        bearer = {"Authorization": f"Bearer {tokens.create_token(ctx, {'name': 'matrix'}).token}"}

    wrong = []
    for method, path in registered(app):
        access = ROUTE_ACCESS[(method, path)]
        api = path.startswith(API_PREFIX + "/")
        client.cookies.clear()
        headers: dict[str, str] = {}
        data = None
        if api:
            headers = bearer
        elif who == ANONYMOUS:
            data = {"csrf_token": csrf_of(client.get("/login").text)}
        else:
            signed = auth.sign_in(session, clock, auth_cfg, office.users[who].username, PASSWORD)
            client.cookies.set(SESSION_COOKIE, signed.session_token)
            data = {"csrf_token": signed.principal.csrf_token or ""}
        kwargs = {"data": data} if method == "POST" and not api else {}
        r = client.request(method, _url(path), headers=headers, follow_redirects=False, **kwargs)
        expected = expected_status(access, who, api)
        if r.status_code != expected:
            wrong.append(f"{method} {path}: got {r.status_code}, table says {expected}")
        elif expected == 303 and who not in access.allow:
            assert r.headers["location"].startswith("/login"), (method, path)
        elif expected == 401:
            assert r.headers["content-type"].startswith("application/problem+json")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)


def _seat_actor(who: str) -> Actor | None:
    """A stand-in actor for a name in the table (the director: a manager flagged so)."""
    if who == ANONYMOUS:
        return None
    role = Role.MANAGER if who == "director" else Role(who)
    return Actor(1, who, role, 1, staff_id=None, is_director=who == "director")


def test_each_route_s_permission_admits_exactly_whom_the_snapshot_admits(app: FastAPI) -> None:
    """The routes' declared permissions, read through the table, give today's matrix."""
    gates = app.state.route_gates
    wrong = []
    for method, path in registered(app):
        allow = ROUTE_ACCESS[(method, path)].allow
        gate = gates.get((method, path))
        for who in [*ROLE_NAMES, ANONYMOUS]:
            admitted = True if gate is None else gate(_seat_actor(who))  # mounts: public
            if admitted != (who in allow):
                wrong.append(f"{method} {path} as {who}: table {admitted}, snapshot {not admitted}")
    assert not wrong, "\n".join(wrong)


# The menu as base.html showed it before its items carried permissions: a route's link for
# those the route admits; the case queue for all but staff; the rulebook and account for all.
def _menu_before(who: str) -> list[str]:
    out = []
    for item in MENU:
        if item.href in ("/rules", "/account"):
            out.append(item.href)
        elif who in ROUTE_ACCESS[("GET", item.href)].allow and (
            item.href != "/cases" or who != "staff"
        ):
            out.append(item.href)
    return out


class _MenuLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav" and ("class", "menu") in attrs:
            self.inside = True
        elif tag == "a" and self.inside:
            self.hrefs.append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.inside = False


@pytest.mark.parametrize("who", ROLE_NAMES)
def test_the_menu_shows_exactly_the_items_whose_permission_the_role_holds(
    who: str, client, office: OfficeSet, passwords: str, session: Session, clock, auth_cfg
) -> None:
    signed = auth.sign_in(session, clock, auth_cfg, office.users[who].username, PASSWORD)
    client.cookies.set(SESSION_COOKIE, signed.session_token)
    page = client.get("/")
    assert page.status_code == 200
    links = _MenuLinks()
    links.feed(page.text)
    actor = signed.principal.actor
    assert links.hrefs == [i.href for i in MENU if holds(actor, i.permission)]
    assert links.hrefs == _menu_before(who)
