"""The web app: JSON API under /api (OpenAPI at /docs) and server-rendered pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import docs, errors, openapi
from api.case_list_cache import CaseListCache
from api.deps import declared_access
from api.i18n import LANGS, catalog
from api.middleware import BodyLimit, NoStoreWhenSignedIn
from api.pages import (
    account,
    auth,
    dashboard,
    feedback,
    findings,
    home,
    payroll,
    records,
    rulebook,
    spot_checks,
    tips,
)
from api.pages import admin as admin_pages
from api.pages import attendance as attendance_pages
from api.pages import attendance_import as attendance_import_pages
from api.pages import calendar as calendar_pages
from api.pages import cases as case_pages
from api.pages import dossiers as dossier_pages
from api.pages import fees as fee_pages
from api.pages import me as me_pages
from api.pages import notices as notice_pages
from api.pages import reports as report_pages
from api.pages import rosters as roster_pages
from api.pages import service_calls as service_call_pages
from api.pages import service_dashboard as service_dashboard_pages
from api.pages import service_desk as service_desk_pages
from api.pages import service_emergencies as emergency_pages
from api.pages import service_visits as service_visit_pages
from api.pages import visits as visit_pages
from api.pages.dossiers import MAX_PDF_BYTES
from api.request_id import RequestId
from api.routes import admin as admin_api
from api.routes import cases as cases_api
from api.routes import damages as damages_api
from api.routes import feedback as feedback_api
from api.routes import findings as findings_api
from api.routes import health as health_api
from api.routes import me as me_api
from api.routes import my_records as my_records_api
from api.routes import overtime as overtime_api
from api.routes import service as service_api
from api.routes import spot_checks as spot_checks_api
from api.routes import tips as tips_api
from api.routes import tokens as tokens_api
from api.routes import users as users_api
from api.templating import make_templates
from compliance import logging_config
from compliance.accounts.settings import AuthSettings, get_auth_settings
from compliance.clock import Clock, SystemClock
from compliance.config import Settings, get_settings
from compliance.db import make_engine, read_only
from compliance.flows.nightly import NightlyScheduler, NightlySettings
from compliance.migrate import check_at_head

STATIC = Path(__file__).resolve().parent / "static"
# Routers are matched in this order, route by route, so the JSON API (the busiest callers:
# phones and integrations, one request per action) comes first, the case list and detail
# before the rest; pages follow. No API path is also a page path, so the order changes no
# answer, only how many routes a request is tried against.
ROUTERS = (
    health_api.router,
    cases_api.router,
    spot_checks_api.router,
    findings_api.router,
    me_api.router,
    my_records_api.router,
    feedback_api.router,
    damages_api.router,
    overtime_api.router,
    tips_api.router,
    users_api.router,
    tokens_api.router,
    admin_api.router,
    service_api.router,
    # Pages (in the order they were always matched)
    auth.router,
    home.router,
    findings.router,
    feedback.router,
    account.router,
    case_pages.router,
    notice_pages.router,
    payroll.router,
    dashboard.router,
    rulebook.router,
    admin_pages.router,
    calendar_pages.router,
    spot_checks.router,
    attendance_import_pages.router,  # before records: /attendance/import is not an id
    records.router,
    visit_pages.router,
    attendance_pages.router,
    roster_pages.router,
    tips.router,
    me_pages.router,
    service_call_pages.router,
    emergency_pages.router,
    service_desk_pages.router,  # the front desk, work orders, the executor's phone view
    service_visit_pages.router,
    fee_pages.router,
    # Printed dossiers and their verification
    dossier_pages.router,
    report_pages.router,
    service_dashboard_pages.router,
    # The API's documentation and schema (signed-in users)
    docs.router,
)

# Pages get a strict policy: no inline script or style, nothing from other sites.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# Swagger UI at /docs starts itself with an inline script and styles itself inline; its
# files come from this server (api/docs.py), so nothing from other sites either.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
# Request bodies: a form carries one file of at most max_upload_bytes and its fields; a spot
# check up to this many photos; the dossier check one PDF (api/pages/dossiers.py).
FORM_OVERHEAD = 1024 * 1024
SPOT_CHECK_PHOTOS = 10


def body_limits(settings: Settings) -> tuple[int, dict[tuple[str, str], int]]:
    """The default request-body limit and the routes that take more."""
    photos = settings.max_upload_bytes * SPOT_CHECK_PHOTOS + FORM_OVERHEAD
    return settings.max_upload_bytes + FORM_OVERHEAD, {
        ("POST", "/spot-checks/new"): photos,
        ("POST", "/api/spot-checks"): photos,
        ("POST", "/dossiers/verify"): MAX_PDF_BYTES + FORM_OVERHEAD,
    }


class SecurityHeaders:
    """Adds security headers to every response (never touches the body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope["path"] == "/docs" else PAGE_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                headers.append((b"content-security-policy", csp))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True)
class Served:
    """One method and path the app answers, with the route's effective dependencies."""

    method: str
    path: str
    is_api_route: bool
    dependencies: tuple[Any, ...]


def served_routes(app: FastAPI) -> list[Served]:
    """Everything the app serves, looking inside included routers; mounts as PATH/{path}."""
    out: list[Served] = []
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        if isinstance(route, Mount):
            out.append(Served("GET", f"{route.path}/{{path}}", False, ()))
            continue
        deps = tuple(getattr(rc, "dependencies", ()) or ())
        for method in sorted(rc.methods or ()):
            if method != "HEAD":
                out.append(Served(method, str(rc.path), isinstance(route, APIRoute), deps))
    return out


def _check_declared(app: FastAPI) -> None:
    undeclared = [
        f"{r.method} {r.path}"
        for r in served_routes(app)
        if r.is_api_route and not any(declared_access(d.dependency) for d in r.dependencies)
    ]
    if undeclared:
        raise RuntimeError(f"routes without declared roles (deny by default): {undeclared}")


def route_gates(app: FastAPI) -> dict[tuple[str, str], Any]:
    """(method, path) → whom the route's declared permission admits (for links on pages)."""
    gates = {}
    for r in served_routes(app):
        declared = [d.dependency for d in r.dependencies if declared_access(d.dependency)]
        if declared:
            gates[(r.method, r.path)] = declared[0].admits
    return gates


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the nightly detection thread with the server and stop it with the server."""
    logging_config.configure()  # timestamps, request ids, COMPLIANCE_LOG_FORMAT; uvicorn's too
    # Refuse to serve a database whose schema is not this code's: it names the command to run.
    await anyio.to_thread.run_sync(check_at_head, app.state.read_engine)
    nightly: NightlySettings = app.state.nightly_settings
    scheduler = None
    if nightly.enabled:
        scheduler = NightlyScheduler(app.state.engine, app.state.clock, app.state.settings, nightly)
        scheduler.start()
    app.state.nightly = scheduler
    try:
        yield
    finally:
        if scheduler is not None:
            # Joining the thread blocks; never on the event loop.
            await anyio.to_thread.run_sync(scheduler.stop)


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    *,
    auth_settings: AuthSettings | None = None,
    clock: Clock | None = None,
    nightly: NightlySettings | None = None,
) -> FastAPI:
    """Build the app; every argument defaults to the configured one."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Staff conduct & compliance",
        version="0.1.0",
        # Served by api/docs.py to signed-in users, with Swagger UI's files from this server.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.nightly_settings = nightly or NightlySettings()
    app.state.nightly = None
    app.state.settings = settings
    app.state.auth_settings = auth_settings or get_auth_settings()
    app.state.engine = engine or make_engine(settings.database_url, settings)
    app.state.read_engine = read_only(app.state.engine)
    app.state.clock = clock or SystemClock()
    app.state.case_list_cache = CaseListCache(settings.case_list_cache_bytes)
    app.state.templates = make_templates()
    for lang in LANGS:  # compile the catalogs now, not on the first request in each language
        catalog(lang)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    errors.install(app)
    openapi.document_problems(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(NoStoreWhenSignedIn)
    # Outermost: an oversized body is refused before any other layer sees it.
    default, limits = body_limits(settings)
    app.add_middleware(BodyLimit, default=default, limits=limits)
    # Outside even that: every request, refused or not, has an id its log lines carry.
    app.add_middleware(RequestId)
    _check_declared(app)
    app.state.route_gates = route_gates(app)
    return app


app = create_app()
