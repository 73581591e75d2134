"""GET requests read without the write lock: the app on a database that really commits.

The other API tests share the test's rolled-back session; these use the app's own sessions,
so a GET runs in a read-only transaction exactly as it does when deployed.
"""

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.main import create_app
from api.security import API_PREFIX, SESSION_COOKIE
from compliance.accounts import auth
from compliance.accounts import tokens as api_tokens
from compliance.accounts.auth_models import ApiToken
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import AuthSettings
from compliance.actors import Role
from compliance.cases.models import Case, CaseStatus
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.db import READ_ONLY, begin_write, read_only
from tests import factories
from tests.api.conftest import PASSWORD
from tests.api.route_access import ANONYMOUS, ROLE_NAMES, ROUTE_ACCESS
from tests.api.test_role_matrix import _url, expected_status, registered
from tests.compliance.cases.helpers import drive
from tests.conftest import NOW


@dataclass
class Deployed:
    """The app on its own database, an office with a case, and a token per role."""

    client: TestClient
    engine: Engine
    office: factories.OfficeSet
    case_id: int
    tokens: dict[str, str]


@pytest.fixture
def deployed(
    fresh_engine: Engine, settings: Settings, auth_cfg: AuthSettings
) -> Iterator[Deployed]:
    clock = FixedClock(NOW)
    with Session(fresh_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        office.share_password(hash_password(auth_cfg, PASSWORD))
        s.commit()
        setup = Ctx(session=s, actor=office.actor("manager"), clock=clock, settings=settings)
        case_id = drive(setup, office, CaseStatus.DECISION_PROPOSED)
        tokens = {}
        for who in (*ROLE_NAMES, "staff2"):  # staff2: a second staff member
            ctx = Ctx(session=s, actor=office.actor(who), clock=clock, settings=settings)
            tokens[who] = api_tokens.create_token(ctx, {"name": "read-only"}).token
    app = create_app(settings, fresh_engine, auth_settings=auth_cfg, clock=clock)
    with TestClient(app) as client:
        yield Deployed(client, fresh_engine, office, case_id, tokens)


def _bearer(d: Deployed, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {d.tokens[who]}"}


def _open_case(d: Deployed, settings: Settings, staff: int) -> int:
    """A new case for the staff member, committed by the manager through the application."""
    with Session(d.engine, expire_on_commit=False) as s:
        ctx = Ctx(s, d.office.actor("manager"), FixedClock(NOW), settings)
        return drive(ctx, d.office, CaseStatus.OPEN, staff=staff)


def _sqlite_file(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    return str(engine.url.database)


def test_a_get_reads_while_another_connection_holds_the_write_lock(deployed: Deployed) -> None:
    d = deployed
    hr = _bearer(d, "hr")
    assert d.client.get("/api/me", headers=hr).status_code == 200  # the token's first use
    writer = sqlite3.connect(_sqlite_file(d.engine), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    # What each transaction the GETs begin is: a write one would queue for the lock the
    # writer holds (BEGIN IMMEDIATE) and wait out the busy timeout, however it then ended.
    read_only_begun: list[bool] = []

    def on_begin(conn: Connection) -> None:
        read_only_begun.append(bool(conn.get_execution_options().get(READ_ONLY, False)))

    event.listen(d.engine, "begin", on_begin)
    try:
        listed = d.client.get("/api/cases", headers=hr)
        detail = d.client.get(f"/api/cases/{d.case_id}", headers=hr)
    finally:
        event.remove(d.engine, "begin", on_begin)
        writer.execute("ROLLBACK")
        writer.close()
    assert listed.status_code == 200, listed.text
    assert [c["id"] for c in listed.json()] == [d.case_id]
    assert detail.status_code == 200, detail.text
    assert detail.json()["case"]["status"] == CaseStatus.DECISION_PROPOSED.value
    assert read_only_begun and all(read_only_begun), read_only_begun


def test_a_get_still_records_the_tokens_first_use(deployed: Deployed) -> None:
    d = deployed
    assert d.client.get("/api/cases", headers=_bearer(d, "hr")).status_code == 200
    with Session(d.engine) as s:
        used = s.execute(
            select(ApiToken.last_used_at)
            .join(User, User.id == ApiToken.user_id)
            .where(User.username == d.office.users["hr"].username)
        ).scalar_one()
    assert used == NOW


def test_the_case_list_comes_in_pages(deployed: Deployed, settings: Settings) -> None:
    d = deployed
    hr = _bearer(d, "hr")
    more = [_open_case(d, settings, staff=i) for i in (1, 2)]
    newest_first = [*reversed(more), d.case_id]
    assert [c["id"] for c in d.client.get("/api/cases", headers=hr).json()] == newest_first
    pages = [
        [c["id"] for c in d.client.get(f"/api/cases?limit=2&offset={o}", headers=hr).json()]
        for o in (0, 2, 4)
    ]
    assert pages == [newest_first[:2], newest_first[2:], []]
    assert d.client.get("/api/cases?limit=0", headers=hr).status_code == 422
    assert d.client.get("/api/cases?limit=501", headers=hr).status_code == 422
    assert d.client.get("/api/cases?offset=-1", headers=hr).status_code == 422


@pytest.mark.parametrize("who", [*ROLE_NAMES, ANONYMOUS])
def test_every_get_route_answers_as_the_table_says(
    who: str, deployed: Deployed, auth_cfg: AuthSettings
) -> None:
    # As the role matrix, for GET only, on the app's own read-only sessions: a GET route
    # that tried to write would fail here (query_only) rather than race for the lock live.
    d = deployed
    client = d.client
    wrong = []
    for method, path in registered(client.app):  # type: ignore[arg-type]
        if method != "GET":
            continue
        access = ROUTE_ACCESS[(method, path)]
        api = path.startswith(API_PREFIX + "/")
        client.cookies.clear()
        headers = _bearer(d, who) if api and who != ANONYMOUS else {}
        if not api and who != ANONYMOUS:
            with Session(d.engine, expire_on_commit=False) as s:
                username = d.office.users[who].username
                signed = auth.sign_in(s, FixedClock(NOW), auth_cfg, username, PASSWORD)
            client.cookies.set(SESSION_COOKIE, signed.session_token)
        r = client.get(_url(path), headers=headers, follow_redirects=False)
        expected = expected_status(access, who, api)
        if r.status_code != expected:
            wrong.append(f"GET {path}: got {r.status_code}, table says {expected}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)


def test_a_read_only_session_refuses_writes_until_it_begins_one(fresh_engine: Engine) -> None:
    _sqlite_file(fresh_engine)
    with Session(fresh_engine) as s:
        office = factories.office_set(s)
        s.commit()
        user_id = office.users["hr"].id
    stmt = update(User).where(User.id == user_id).values(display_name="新名字")
    with Session(read_only(fresh_engine)) as s:
        with pytest.raises(OperationalError, match="readonly"):
            s.execute(stmt)
        s.rollback()
        begin_write(s)
        s.execute(stmt)
        s.commit()
        with pytest.raises(OperationalError, match="readonly"):  # read-only again
            s.execute(stmt)
    with Session(fresh_engine) as s:
        assert s.get(User, user_id).display_name == "新名字"  # type: ignore[union-attr]


# --- the case list kept in memory (api/case_list_cache.py) ---------------------------------


def test_the_kept_case_list_shows_every_change_at_once(
    deployed: Deployed, settings: Settings
) -> None:
    d = deployed
    hr = _bearer(d, "hr")
    first = d.client.get("/api/cases", headers=hr)
    again = d.client.get("/api/cases", headers=hr)
    assert again.content == first.content
    assert d.client.app.state.case_list_cache.bytes_held == len(first.content)  # type: ignore[attr-defined]
    # A new case, through the application.
    newer = _open_case(d, settings, staff=1)
    assert [c["id"] for c in d.client.get("/api/cases", headers=hr).json()] == [
        newer,
        d.case_id,
    ]
    # A change made straight in the database, as by someone at a SQL prompt.
    with d.engine.begin() as conn:
        conn.execute(update(Case).where(Case.id == d.case_id).values(severity_reason="改"))
    listed = d.client.get("/api/cases", headers=hr).json()
    assert [c["severity_reason"] for c in listed if c["id"] == d.case_id] == ["改"]


def test_an_unchanged_case_list_answers_not_modified(
    deployed: Deployed, settings: Settings
) -> None:
    d = deployed
    hr = _bearer(d, "hr")
    first = d.client.get("/api/cases", headers=hr)
    etag = first.headers["etag"]
    # Never kept by a browser or proxy (signed in); a client keeping the ETag itself gets 304.
    assert first.headers["cache-control"] == "no-store"
    same = d.client.get("/api/cases", headers={**hr, "If-None-Match": f'W/{etag}, "x"'})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == etag
    _open_case(d, settings, staff=1)
    changed = d.client.get("/api/cases", headers={**hr, "If-None-Match": etag})
    assert changed.status_code == 200
    assert len(changed.json()) == 2
    assert changed.headers["etag"] != etag


def test_the_kept_case_list_is_kept_apart_for_each_reader(
    deployed: Deployed, settings: Settings
) -> None:
    d = deployed
    # The case is staff[0]'s: HR sees it; another staff member must not, from the same URL.
    assert [c["id"] for c in d.client.get("/api/cases", headers=_bearer(d, "hr")).json()] == [
        d.case_id
    ]
    theirs = d.client.get("/api/cases", headers=_bearer(d, "staff2"))
    assert theirs.json() == []
    own = d.client.get("/api/cases", headers=_bearer(d, "staff"))
    assert [c["id"] for c in own.json()] == [d.case_id]
    assert len({theirs.headers["etag"], own.headers["etag"]}) == 2
    # A staff user linked to no staff member sees no case, not the office's kept page.
    with Session(d.engine, expire_on_commit=False) as s:
        user = User(
            office_id=d.office.office.id,
            username="unlinked-staff",
            display_name="未关联",
            role=Role.STAFF.value,
            created_at=NOW,
        )
        s.add(user)
        s.commit()
        ctx = Ctx(s, auth.actor_of(user), FixedClock(NOW), settings)
        unlinked = api_tokens.create_token(ctx, {"name": "unlinked"}).token
    nobody = d.client.get("/api/cases", headers={"Authorization": f"Bearer {unlinked}"})
    assert nobody.status_code == 200
    assert nobody.json() == []
    # Nor may a role that reads no cases get a page that was kept for one that does.
    assert d.client.get("/api/cases", headers=_bearer(d, "cashier")).status_code == 403


def test_with_no_memory_for_pages_every_page_comes_from_the_database(
    fresh_engine: Engine, settings: Settings, auth_cfg: AuthSettings
) -> None:
    settings = settings.model_copy(update={"case_list_cache_bytes": 0})
    with Session(fresh_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        ctx = Ctx(s, office.actor("manager"), FixedClock(NOW), settings)
        case_id = drive(ctx, office, CaseStatus.OPEN)
        token = api_tokens.create_token(
            Ctx(s, office.actor("hr"), FixedClock(NOW), settings), {"name": "t"}
        ).token
    app = create_app(settings, fresh_engine, auth_settings=auth_cfg, clock=FixedClock(NOW))
    with TestClient(app) as client:
        listed = client.get("/api/cases", headers={"Authorization": f"Bearer {token}"})
        assert [c["id"] for c in listed.json()] == [case_id]
        assert app.state.case_list_cache.bytes_held == 0
