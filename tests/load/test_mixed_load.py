"""The real server under a mixed burst: 40 API clients and 20 page clients at once.

Issue 12, items 11 and 16. The app runs as uvicorn does in production, in a subprocess of
its own, with one worker process and with two, on a database of the test's own (a SQLite
file; on PostgreSQL when COMPLIANCE_TEST_DATABASE_URL is set, as in CI's `pytest -m db`).
Forty API clients (bearer tokens) and twenty page clients (session cookies) read and write
for LOAD_SECONDS. No client may see a 5xx or a "database is locked"; /healthz, polled from a
thread of its own, must answer throughout; and every write that was acknowledged is in the
database afterwards.

COMPLIANCE_LOAD_SECONDS sets how long each burst lasts (default 30); COMPLIANCE_LOAD_REPORT
names a JSON file to which the counts and latencies of each run are appended (see the README).
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from compliance.accounts import tokens as api_tokens
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import AuthSettings
from compliance.clock import SystemClock
from compliance.config import PROJECT_ROOT, Settings
from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.tips.models import TipLine
from tests import factories
from tests.factories import OfficeSet

LOAD_SECONDS = float(os.environ.get("COMPLIANCE_LOAD_SECONDS", "30"))
API_CLIENTS = 40
PAGE_CLIENTS = 20
# Each client stops after this many requests even if time is left (a bounded test).
MAX_REQUESTS_PER_CLIENT = 600
# /healthz must answer while the burst runs: its poller's client gives up after this long
# (the timeout is the client's, so a stall is an error, not a measured figure).
HEALTHZ_WITHIN_S = 2.0
# A request taking longer than this is reported as a stall (a 599 in the counts).
REQUEST_TIMEOUT_S = 60.0
PASSWORD = "correct horse battery"
CHEAP = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCKED = b"database is locked"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Office:
    """The seeded office: its ids and one API token per API client."""

    staff_ids: list[int]
    unit_ids: list[int]
    tokens: list[tuple[str, str]]  # (role, token)


def _seed(engine: Engine) -> Office:
    cheap = AuthSettings(**{k.lower(): int(v) for k, v in CHEAP.items()})
    clock = SystemClock()  # the server runs on the real clock: tokens must be live now
    settings = Settings()
    with Session(engine, expire_on_commit=False) as session:
        office: OfficeSet = factories.office_set(session)
        office.share_password(hash_password(cheap, PASSWORD))
        session.commit()
        roles = ["manager", "hr", "director", "cashier", "staff"]
        tokens = []
        for i in range(API_CLIENTS):
            role = roles[i % len(roles)]
            ctx = Ctx(session=session, actor=office.actor(role), clock=clock, settings=settings)
            tokens.append((role, api_tokens.create_token(ctx, {"name": f"load {i}"}).token))
        return Office(
            staff_ids=[s.id or 0 for s in office.staff],
            unit_ids=[u.id or 0 for u in office.units],
            tokens=tokens,
        )


@contextmanager
def _server(database_url: str, folder: Path, workers: int) -> Iterator[str]:
    """api.serve (uvicorn) serving the app on a free port of 127.0.0.1, stopped in any case."""
    port = _free_port()
    env = {
        **os.environ,
        "COMPLIANCE_DATABASE_URL": database_url,
        "COMPLIANCE_DATA_DIR": str(folder / "data"),
        "COMPLIANCE_ANCHOR_DIR": str(folder / "anchors"),
        "COMPLIANCE_AUDIT_KEY": "load-test-key-" + "k" * 32,
        "COMPLIANCE_NIGHTLY_ENABLED": "false",
        **{f"COMPLIANCE_AUTH_{k}": v for k, v in CHEAP.items()},
    }
    cmd = [sys.executable, "-m", "api.serve", "--host", "127.0.0.1"]  # as make run serves
    cmd += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    cmd += ["--no-access-log"]
    log = (folder / f"server-{workers}.log").open("wb")
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {_tail(folder, workers)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {_tail(folder, workers)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)
        log.close()


def _tail(folder: Path, workers: int) -> str:
    return (folder / f"server-{workers}.log").read_text(errors="replace")[-3000:]


@dataclass
class Tally:
    """What the clients saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    feedback_saved: int = 0
    tips_saved: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, status: int, took: float, body: bytes) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_route[f"{route} {status}"] += 1
            self.latencies.append(took)
            if status >= 500 or LOCKED in body:
                self.problems.append(f"{route} {status}: {body[:300]!r}")


class Client:
    """One keep-alive HTTP connection with a cookie jar of its own."""

    def __init__(self, host: str, tally: Tally) -> None:
        self.host, self.tally = host, tally
        self.conn = http.client.HTTPConnection(host, timeout=REQUEST_TIMEOUT_S)
        self.cookies: dict[str, str] = {}

    def call(
        self,
        method: str,
        path: str,
        route: str,
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        form: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        sent = dict(headers or {})
        body: bytes | None = None
        if json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        began = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    val = rest.split(";", 1)[0]
                    if val in ('""', "") or "Max-Age=0" in value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = val
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, timeout=REQUEST_TIMEOUT_S)
            status, data = 599, repr(e).encode()
        self.tally.add(route, status, time.monotonic() - began, data)
        return status, data


def _recent(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


def _api_client(host: str, office: Office, n: int, until: float, tally: Tally) -> None:
    role, token = office.tokens[n]
    client = Client(host, tally)
    bearer = {"Authorization": f"Bearer {token}"}
    staff, unit = office.staff_ids[n % len(office.staff_ids)], office.unit_ids[n % 4]
    reads = {
        "manager": ["/api/cases", "/api/findings", "/api/me"],
        "hr": ["/api/cases", "/api/findings", "/api/me"],
        "director": ["/api/cases", "/api/findings"],
        "cashier": ["/api/me", "/api/tokens"],
        "staff": ["/api/me/cases", "/api/me/findings", "/api/me"],
    }[role]
    for i in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            return
        if i % 4 == 3 and role in ("manager", "hr", "director"):
            feedback = {
                "staff_id": staff,
                "unit_id": unit,
                "channel": "phone",
                "category": "attitude" if i % 8 == 3 else "praise",
                "text": f"load {n}/{i}",
                "occurred_at": _recent(30).isoformat(),
            }
            status, _ = client.call(
                "POST", "/api/feedback", "POST /api/feedback", headers=bearer, json_body=feedback
            )
            if status == 201:
                with tally.lock:
                    tally.feedback_saved += 1
        elif i % 4 == 3 and role == "cashier":
            tip = {
                "staff_id": staff,
                "unit_id": unit,
                "amount_fen": 1000 + n,
                "received_at": _recent(20).isoformat(),
            }
            status, _ = client.call(
                "POST", "/api/tips", "POST /api/tips", headers=bearer, json_body=tip
            )
            if status == 201:
                with tally.lock:
                    tally.tips_saved += 1
        else:
            path = reads[i % len(reads)]
            client.call("GET", path, f"GET {path}", headers=bearer)


def _csrf(body: bytes) -> str:
    m = CSRF_RE.search(body.decode("utf-8", "replace"))
    return m.group(1) if m else ""


def _sign_in(client: Client, username: str) -> bool:
    _, page = client.call("GET", "/login", "GET /login")
    form = {"username": username, "password": PASSWORD, "next": "/", "csrf_token": _csrf(page)}
    status, _ = client.call("POST", "/login", "POST /login", form=form)
    return status == 303


def _page_client(host: str, office: Office, n: int, until: float, tally: Tally) -> None:
    client = Client(host, tally)
    username = ["bsw-manager", "bsw-hr", "bsw-director"][n % 3]
    if not _sign_in(client, username):
        tally.problems.append(f"page client {n} could not sign in")
        return
    staff, unit = office.staff_ids[n % len(office.staff_ids)], office.unit_ids[n % 4]
    reads = ["/", "/cases", "/findings", "/feedback/new"]
    for i in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            return
        if i % 5 == 4:
            _, page = client.call("GET", "/feedback/new", "GET /feedback/new")
            when = _recent(45).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
            form = {
                "staff_id": str(staff),
                "unit_id": str(unit),
                "channel": "visit",
                "category": "praise",
                "satisfaction": "",
                "text": f"page {n}/{i}",
                "amount": "",
                "occurred_at": when,
                "csrf_token": _csrf(page),
            }
            status, _ = client.call("POST", "/feedback/new", "POST /feedback/new", form=form)
            if status == 303:
                with tally.lock:
                    tally.feedback_saved += 1
        elif i % 25 == 12:  # signing in again: a password check and a session row
            client.cookies.clear()
            if not _sign_in(client, username):
                tally.problems.append(f"page client {n} could not sign in again")
                return
        else:
            path = reads[i % len(reads)]
            client.call("GET", path, f"GET {path}")


def _poll_healthz(host: str, stop: threading.Event, slow: list[str], times: list[float]) -> None:
    while not stop.is_set():
        began = time.monotonic()
        try:
            conn = http.client.HTTPConnection(host, timeout=HEALTHZ_WITHIN_S)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            status = 0
            slow.append(f"/healthz failed: {e!r}")
        took = time.monotonic() - began
        times.append(took)  # reported with the run's figures, not judged
        if status != 200:
            slow.append(f"/healthz answered {status} after {took:.2f} s")
        stop.wait(0.25)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def _burst(host: str, office: Office) -> tuple[Tally, list[str], list[float]]:
    tally = Tally()
    until = time.monotonic() + LOAD_SECONDS
    stop = threading.Event()
    slow: list[str] = []
    health_times: list[float] = []
    poller = threading.Thread(target=_poll_healthz, args=(host, stop, slow, health_times))
    poller.start()
    jobs: list[tuple[Callable[..., None], int]] = [(_api_client, n) for n in range(API_CLIENTS)]
    jobs += [(_page_client, n) for n in range(PAGE_CLIENTS)]
    threads = [
        threading.Thread(target=job, args=(host, office, n, until, tally)) for job, n in jobs
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop.set()
        poller.join()
    return tally, slow, health_times


def _report(label: str, tally: Tally, health_times: list[float]) -> dict[str, Any]:
    summary = {
        "config": label,
        "seconds": LOAD_SECONDS,
        "requests": sum(tally.statuses.values()),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "p95_ms": round(_p95(tally.latencies) * 1000),
        "max_ms": round(max(tally.latencies, default=0) * 1000),
        "healthz_max_ms": round(max(health_times, default=0) * 1000),
        "writes_acknowledged": tally.feedback_saved + tally.tips_saved,
        "routes": dict(sorted(tally.by_route.items())),
    }
    print(json.dumps(summary, ensure_ascii=False))
    out = os.environ.get("COMPLIANCE_LOAD_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return summary


@pytest.mark.parametrize("workers", [1, 2])
def test_a_mixed_burst_reaches_no_client_as_an_error(
    fresh_engine: Engine, tmp_path: Path, workers: int
) -> None:
    office = _seed(fresh_engine)
    url = fresh_engine.url.render_as_string(hide_password=False)
    fresh_engine.dispose()  # the server's processes are the only users now
    with _server(url, tmp_path, workers) as host:
        tally, slow, health_times = _burst(host, office)
    label = f"{fresh_engine.dialect.name} {workers} process{'es' if workers > 1 else ''}"
    summary = _report(label, tally, health_times)

    assert tally.problems == [], tally.problems[:10]
    assert slow == [], slow[:10]
    # Everything a client asked for was answered as it should be: pages, JSON, redirects
    # after a form or a sign-in; no 4xx either (the inputs are all valid).
    assert set(tally.statuses) <= {200, 201, 303}, summary["statuses"]
    with Session(fresh_engine) as session:
        feedback = session.execute(select(func.count()).select_from(Feedback)).scalar_one()
        tips = session.execute(select(func.count()).select_from(TipLine)).scalar_one()
    fresh_engine.dispose()
    # Every acknowledged write is there, and nothing else was written.
    assert (feedback, tips) == (tally.feedback_saved, tally.tips_saved)
    assert tally.feedback_saved > 0 and tally.tips_saved > 0
