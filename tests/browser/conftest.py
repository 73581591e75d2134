"""The web app served over real HTTP to Debian's headless Chromium, driven by Playwright.

Each test gets a site of its own: a fresh SQLite file migrated to head, a small office
(tests.factories), the app on a fixed clock, and uvicorn in a thread on a free local port.
The screenshot test shares one site holding the demo office. These tests never use the
`engine`/`session` fixtures, so they are not db-marked and run on SQLite only.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)
from sqlalchemy import Engine, update
from sqlmodel import Session

from api.main import create_app
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import AuthSettings
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.demo.load import DEMO_PASSWORD, load_demo
from compliance.migrate import upgrade
from tests import factories
from tests.browser.helpers import PASSWORD
from tests.conftest import NOW
from tests.factories import OfficeSet

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# Argon2id at the lowest cost it allows: the tests exercise the pages, not the hash.
CHEAP = AuthSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
# The demo holds three months of records up to yesterday; its users come in at 10:00.
DEMO_TODAY = date(2026, 4, 1)
DEMO_NOW = datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here, next to the tests (deselect them with -m "not browser")."""
    config.addinivalue_line("markers", "browser: drives the web app in headless Chromium")


@dataclass
class Site:
    """A running app: its address, database, clock and settings, and the seeded office."""

    url: str
    engine: Engine
    clock: FixedClock
    settings: Settings
    office: OfficeSet | None = None

    def ctx(self, session: Session, role: str) -> Ctx:
        """A use-case context acting as one of the office's users (for seeding)."""
        assert self.office is not None
        return Ctx(
            session=session,
            actor=self.office.actor(role),
            clock=self.clock,
            settings=self.settings,
        )


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread belongs to pytest
        pass


@contextmanager
def _serve(app: FastAPI) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1, in a thread, for the with-block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, workers=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _database(folder: Path) -> tuple[Engine, Settings]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'browser.db'}"
    settings = Settings(data_dir=folder / "data", database_url=url)
    engine = make_engine(url, settings)
    upgrade(engine)
    return engine, settings


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A fresh office (one user per role, password PASSWORD) served at Site.url."""
    engine, settings = _database(tmp_path / "site")
    clock = FixedClock(NOW)
    with Session(engine, expire_on_commit=False) as session:
        office = factories.office_set(session)
        office.share_password(hash_password(CHEAP, PASSWORD))
        session.commit()
    app = create_app(settings, engine, auth_settings=CHEAP, clock=clock)
    try:
        with _serve(app) as url:
            yield Site(url, engine, clock, settings, office)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo office 碧水湾管理处 (cases in every state), the morning after its records."""
    engine, settings = _database(tmp_path_factory.mktemp("demo"))
    load_demo(engine, today=DEMO_TODAY, settings=settings)
    with Session(engine) as session:  # the same password, at the tests' cheap hash cost
        session.execute(update(User).values(password_hash=hash_password(CHEAP, DEMO_PASSWORD)))
        session.commit()
    clock = FixedClock(DEMO_NOW.astimezone(UTC))
    app = create_app(settings, engine, auth_settings=CHEAP, clock=clock)
    try:
        with _serve(app) as url:
            yield Site(url, engine, clock, settings)
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed() -> None:
    """Skip every browser test, before any site is built, where there is no Chromium."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Pages:
    """Opens browser tabs, each in a context of its own (own cookies), closed at teardown."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def open(self, *, phone: bool = False) -> Page:
        """A new tab sized like a phone or a desktop screen; page errors are collected."""
        context = self.browser.new_context(**(PHONE if phone else DESKTOP), locale="zh-CN")
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)
        return page

    def _console(self, msg: ConsoleMessage) -> None:
        # A page answered with 4xx is logged too; _response judges those by resource type.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {msg.text}")

    def _response(self, response: Response) -> None:
        # A form refused with 4xx is a page the tests expect; a missing asset never is
        # (the favicon aside: the app has none, and whether Chromium asks for it varies).
        if (
            response.status >= 400
            and response.request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            self.problems.append(f"{response.status} {response.url}")

    def close(self) -> None:
        """Close every context opened."""
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium: Browser) -> Iterator[Pages]:
    """Tabs for one test; a script error, a console error (CSP) or a missing asset fails it."""
    opened = Pages(chromium)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems
