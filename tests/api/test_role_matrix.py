"""Every registered route, called as every role and anonymously, answers as api/access.py says."""

import re

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from api.access import ANONYMOUS, ROLE_NAMES, ROUTE_ACCESS, Access
from api.main import _check_declared, served_routes
from api.security import API_PREFIX, SESSION_COOKIE
from compliance.accounts import auth
from compliance.accounts.settings import AuthSettings
from compliance.clock import FixedClock
from compliance.context import Ctx
from tests.api.conftest import PASSWORD, csrf_of
from tests.factories import OfficeSet

MISSING_ID = "999999"


def registered(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves; static files as /static/{path}."""
    return [(r.method, r.path) for r in served_routes(app)]


def test_every_route_has_an_entry_and_every_entry_a_route(app: FastAPI) -> None:
    served = set(registered(app))
    assert not served - set(ROUTE_ACCESS), (
        f"routes missing from api/access.py ROUTE_ACCESS: {sorted(served - set(ROUTE_ACCESS))}"
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
        bearer = {"Authorization": f"Bearer {auth.create_token(ctx, {'name': 'matrix'}).token}"}

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
