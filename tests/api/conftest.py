"""The app on the test database: every request uses the test's rolled-back session."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.deps import get_session
from api.main import create_app
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import AuthSettings
from compliance.clock import FixedClock
from compliance.config import Settings
from tests.factories import OfficeSet

PASSWORD = "correct horse battery"
# Argon2id at the lowest cost it allows: the tests exercise the flow, not the hash's cost.
CHEAP = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def auth_cfg() -> AuthSettings:
    """Sign-in settings with a cheap hash and the default time-outs and throttling."""
    return AuthSettings(**CHEAP)  # type: ignore[arg-type]


@pytest.fixture
def app(
    engine: Engine, session: Session, settings: Settings, clock: FixedClock, auth_cfg: AuthSettings
) -> FastAPI:
    """The app with the test clock, bound to the test's session."""
    application = create_app(settings, engine, auth_settings=auth_cfg, clock=clock)

    def test_session() -> Iterator[Session]:
        try:
            yield session
        except Exception:
            session.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser (cookies kept) that lets server errors surface as exceptions."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def passwords(office: OfficeSet, session: Session, auth_cfg: AuthSettings) -> str:
    """Give every user of the office the same password (hashed once)."""
    office.share_password(hash_password(auth_cfg, PASSWORD))
    session.flush()
    return PASSWORD


def csrf_of(html: str) -> str:
    """The CSRF token rendered into a page's forms."""
    m = CSRF_RE.search(html)
    assert m, "no csrf_token field on the page"
    return m.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next: str = "/"):  # type: ignore[no-untyped-def]
    """Sign in through the login form like a browser."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": next,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )


@dataclass
class Browser:
    """A signed-in test browser and the CSRF token of its session."""

    client: TestClient
    csrf: str

    def post(self, url: str, data: dict[str, str] | None = None, **kw):  # type: ignore[no-untyped-def]
        """A form post with the session's CSRF token."""
        return self.client.post(
            url, data={"csrf_token": self.csrf, **(data or {})}, follow_redirects=False, **kw
        )


@pytest.fixture
def browser(client: TestClient, office: OfficeSet, passwords: str):  # type: ignore[no-untyped-def]
    """Sign in as one of the office's users: browser('manager')."""

    def make(name: str) -> Browser:
        client.cookies.clear()
        r = sign_in(client, office.users[name].username)
        assert r.status_code == 303, r.text
        return Browser(client, csrf_of(client.get("/me/password").text))

    return make
