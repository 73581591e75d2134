"""The JSON API under load over loopback, for the 2,000-staff office with 5,000 cases.

A uvicorn server (the real app, `api.main:app`, as `make run` starts it: two processes) runs
on a copy of the case benchmark's database (bench/cases_bench.py `prepare`). A separate load
generator, wrk, keeps 20 connections busy for 20 s on each endpoint in turn, after a short
warm-up: a bare constant endpoint (/healthz: the ceiling of this server set-up on this
machine), the case list (HR's first page: 50 cases, newest first), the case detail (HR,
cycling over all 5,000 cases) and the spot-check submit (a manager, cycling over the 2,000
staff; one check in ten fails an item and so raises a finding). Every endpoint is driven by the
same generator so the ratio to the ceiling is fair. wrk is written in C: a Python client
would spend more CPU than the server on the constant endpoint and so measure itself.

The server keeps the pages of the case list it has served until the office's cases change
(api/case_list_cache.py), so the list above is HR re-reading it. It is then driven once more
on a server that keeps none: every request reads and serializes its page, which is what the
first look after a change costs (`api_case_list_uncached_*`).

Latency is from wrk's histogram (request written to response read, per request; closed
loop, so it is the latency at the throughput reached). Any answer that is not 2xx fails the
benchmark: the figures of error responses would be meaningless. The server's CPU time per
request is recorded too: on a shared machine it moves much less than the rates do.

`python -m bench.api_bench --seconds 3` for a quick run (also --clients, --workers, --warmup;
or API_BENCH_SECONDS, API_BENCH_CLIENTS, API_BENCH_WORKERS, API_BENCH_WARMUP).
"""

import argparse
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from bench.cases_bench import prepare
from bench.detect_bench import DIR, _fig, _remove, _url
from compliance.accounts import auth
from compliance.accounts import tokens as api_tokens
from compliance.accounts.models import User
from compliance.cases.models import Case
from compliance.clock import SystemClock
from compliance.config import PROJECT_ROOT
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.staff.models import Staff

DB = DIR / "api.db"
LUA = Path(__file__).resolve().parent / "api_load.lua"
SERVER_LOG = DIR / "api-server.log"
HOST = "127.0.0.1"
SECONDS = 20
CLIENTS = 20
# Two server processes, as `make run` starts them: each process runs Python on one core at a
# time, and a request's work hops between its event loop and worker threads, so one process
# leaves the second core idle while requests queue (wrk itself takes ~0.02 cores).
WORKERS = 2
WARMUP_S = 2
CASE_LIST_SHARE = 0.30  # the case list must reach 30% of the ceiling
CASE_DETAIL_P95_MS = 50
LIST_LINES = ["GET\t/api/cases\t"]  # HR's first page


@dataclass(frozen=True)
class Endpoint:
    """One endpoint under load: its figure prefix, who calls it, and what it sends."""

    key: str
    label: str
    token: str  # "-": no token
    lines: list[str]  # METHOD<TAB>TARGET<TAB>BODY


@dataclass(frozen=True)
class Fixtures:
    """What the requests need from the database: tokens, case ids, staff ids."""

    hr_token: str
    manager_token: str
    case_ids: list[int]
    staff_ids: list[int]


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(f"API_BENCH_{name.upper()}", default))


# --- setup (not timed) ---------------------------------------------------------------------


def _token(session: Session, username: str) -> str:
    """A personal API token for the user, made through the service as the user would."""
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one()
    ctx = Ctx(session=session, actor=auth.actor_of(user), clock=SystemClock())
    return api_tokens.create_token(ctx, {"name": "api-bench"}).token


def _fixtures(url: str) -> Fixtures:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        hr = _token(session, "ben-hr")
        manager = _token(session, "ben-manager")
        office_id = session.execute(
            select(col(User.office_id)).where(col(User.username) == "ben-hr")
        ).scalar_one()
        cases = session.execute(
            select(col(Case.id)).where(col(Case.office_id) == office_id).order_by(col(Case.id))
        ).scalars()
        staff = session.execute(
            select(col(Staff.id)).where(col(Staff.office_id) == office_id).order_by(col(Staff.id))
        ).scalars()
        fixtures = Fixtures(hr, manager, [c or 0 for c in cases], [s or 0 for s in staff])
        session.rollback()
    engine.dispose()
    return fixtures


def _spot_check(staff_id: int, i: int, at: datetime) -> dict[str, Any]:
    """A realistic check: three answers, one in ten with a failed badge (raises a finding)."""
    return {
        "staff_id": staff_id,
        "area": f"{i % 30 + 1}栋 大堂",
        "checked_at": (at - timedelta(seconds=i)).isoformat(),
        "notes": "基准测试抽查",
        "items": [
            {"item_key": "attitude", "result": "pass"},
            {"item_key": "badge_worn", "result": "fail" if i % 10 == 0 else "pass"},
            {"item_key": "ring_duration", "result": "pass", "observed": 3},
        ],
    }


def _endpoints(fx: Fixtures) -> list[Endpoint]:
    rng = random.Random(2026)
    case_ids = list(fx.case_ids)
    rng.shuffle(case_ids)
    staff_ids = list(fx.staff_ids)
    rng.shuffle(staff_ids)
    at = datetime.now(UTC) - timedelta(hours=1)
    checks = [
        json.dumps(_spot_check(s, i, at), separators=(",", ":"))
        for i, s in enumerate(staff_ids * 2)
    ]
    return [
        Endpoint("api_ceiling", "GET /healthz", "-", ["GET\t/healthz\t"]),
        Endpoint("api_case_list", "GET /api/cases", fx.hr_token, LIST_LINES),
        Endpoint(
            "api_case_detail",
            "GET /api/cases/{id}",
            fx.hr_token,
            [f"GET\t/api/cases/{cid}\t" for cid in case_ids],
        ),
        Endpoint(
            "api_spotcheck",
            "POST /api/spot-checks",
            fx.manager_token,
            [f"POST\t/api/spot-checks\t{body}" for body in checks],
        ),
    ]


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _start_server(
    url: str, port: int, workers: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "COMPLIANCE_DATABASE_URL": url,
        "COMPLIANCE_DATA_DIR": str(DIR / "api-data"),
        **(extra_env or {}),
    }
    log = SERVER_LOG.open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.serve",  # as make run serves it (several workers, Nagle off)
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {SERVER_LOG.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    _stop_server(server)
    raise RuntimeError("the server did not answer /healthz within 60 s")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children (uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(kids)
        frontier += kids
    return sum(times.get(p, 0) for p in tree) / tick


def _machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = cpu[3] + cpu[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(cpu[:8]) - idle) / tick, sum(cpu[:8]) / tick


# --- the load ------------------------------------------------------------------------------


def _wrk(url: str, requests: Path, token: str, seconds: int, clients: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (scripts/setup.sh does)")
    # One C thread keeps thousands of requests a second going; the rest of the CPU is the
    # server's (wrk's own CPU time is recorded with each run).
    out = subprocess.run(
        [
            wrk,
            "--threads",
            "1",
            "--connections",
            str(clients),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "30s",
            "--script",
            str(LUA),
            url,
            "--",
            str(requests),
            token,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("API_BENCH_JSON "))
    result: dict[str, Any] = json.loads(line.removeprefix("API_BENCH_JSON "))
    return result


def _drive(
    ep: Endpoint, port: int, server_pid: int, seconds: int, clients: int, warmup: int
) -> dict[str, Any]:
    requests = DIR / f"{ep.key}.requests.tsv"
    requests.write_text("\n".join(ep.lines) + "\n", encoding="utf-8")
    url = f"http://{HOST}:{port}"
    try:
        if warmup:
            _wrk(url, requests, ep.token, warmup, clients)
        server_cpu = _tree_cpu_s(server_pid)
        busy, total = _machine_busy_s()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = _wrk(url, requests, ep.token, seconds, clients)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after, total_after = _machine_busy_s()
        server_cpu = _tree_cpu_s(server_pid) - server_cpu
    finally:
        requests.unlink(missing_ok=True)
    errors = out["non2xx"] + sum(
        out[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    wrk_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    wall = out["duration_us"] / 1e6
    # The machine's CPU seconds per core over the run: its wall time as /proc/stat saw it.
    span = max((total_after - total) / (os.cpu_count() or 1), 1e-9)
    other = max(busy_after - busy - server_cpu - wrk_cpu, 0.0)
    return {
        "label": ep.label,
        "requests": out["requests"],
        "errors": errors,
        "rps": out["requests"] / wall,
        "p50_ms": out["p50_us"] / 1000,
        "p95_ms": out["p95_us"] / 1000,
        "p99_ms": out["p99_us"] / 1000,
        "max_ms": out["max_us"] / 1000,
        "server_cpu_ms": server_cpu * 1000 / max(out["requests"], 1),
        # Cores busy on average during the run: the server, wrk, and everything else.
        "cores": {
            "server": round(server_cpu / span, 2),
            "wrk": round(wrk_cpu / span, 2),
            "other": round(other / span, 2),
        },
    }


def measure(
    seconds: int, clients: int, workers: int, warmup: int, url: str | None = None
) -> dict[str, Any]:
    """Set up the database and the server, drive every endpoint in turn; raw results.

    `url`: a database already set up (bench.cases_bench.prepare_on), e.g. on PostgreSQL;
    by default a SQLite copy is set up here and removed afterwards.
    """
    if url is None:
        setup = prepare(DB)
        print(f"api: {setup['cases']:,} cases under review; set up in {setup['seconds']:.1f} s")
    try:
        served = url or _url(DB)
        fx = _fixtures(served)
        endpoints = _endpoints(fx)
        port = _free_port()
        load_before = os.getloadavg()
        server = _start_server(served, port, workers)
        results: dict[str, dict[str, Any]] = {}
        try:
            for ep in endpoints:
                r = _drive(ep, port, server.pid, seconds, clients, warmup)
                results[ep.key] = r
                print(
                    f"{ep.label}: {r['rps']:,.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
                    f"p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
                    f"server CPU {r['server_cpu_ms']:.2f} ms/req, errors {r['errors']}; "
                    f"cores busy: server {r['cores']['server']}, wrk {r['cores']['wrk']}, "
                    f"other processes {r['cores']['other']}"
                )
        finally:
            _stop_server(server)
        # The list again with no pages kept, so every request reads and serializes its page:
        # the cost of the first look after a change (api/case_list_cache.py).
        uncached = Endpoint(
            "api_case_list_uncached", "GET /api/cases, no pages kept", fx.hr_token, LIST_LINES
        )
        server = _start_server(served, port, workers, {"COMPLIANCE_CASE_LIST_CACHE_BYTES": "0"})
        try:
            r = _drive(uncached, port, server.pid, seconds, clients, warmup)
            results[uncached.key] = r
            print(
                f"{uncached.label}: {r['rps']:,.0f} req/s, p95 {r['p95_ms']:.1f} ms, "
                f"server CPU {r['server_cpu_ms']:.2f} ms/req"
            )
        finally:
            _stop_server(server)
    finally:
        if url is None:
            _remove(DB)
    failed = {k: r["errors"] for k, r in results.items() if r["errors"]}
    if failed:
        raise RuntimeError(
            f"non-2xx or failed requests under load: {failed}; see {SERVER_LOG} "
            "(figures of error responses are meaningless)"
        )
    return {
        "results": results,
        "setup": {
            "clients": clients,
            "seconds": seconds,
            "warmup_s": warmup,
            "workers": workers,
            "generator": "wrk (1 thread)",
            "cases": len(fx.case_ids),
            "database": served.split(":", 1)[0],
            "cpus": os.cpu_count(),
            "loadavg_before": round(load_before[0], 2),
        },
    }


def figures(measured: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The benchmark's figures from the raw results."""
    res = measured["results"]
    ceiling = res["api_ceiling"]["rps"]
    out: dict[str, dict[str, Any]] = {}
    for key, r in res.items():
        out[f"{key}_rps"] = _fig(round(r["rps"], 1), "req/s")
        for p in ("p50", "p95", "p99"):
            out[f"{key}_{p}_ms"] = _fig(round(r[f"{p}_ms"], 2), "ms")
        out[f"{key}_server_cpu_ms"] = _fig(round(r["server_cpu_ms"], 3), "ms/req")
    detail_p95 = res["api_case_detail"]["p95_ms"]
    out["api_case_detail_p95_ms"] = _fig(
        round(detail_p95, 2), "ms", f"< {CASE_DETAIL_P95_MS}", detail_p95 < CASE_DETAIL_P95_MS
    )
    share = res["api_case_list"]["rps"] / ceiling
    out["api_case_list_rps"] = _fig(
        round(res["api_case_list"]["rps"], 1),
        "req/s",
        f">= {CASE_LIST_SHARE:.0%} of ceiling ({CASE_LIST_SHARE * ceiling:,.0f})",
        share >= CASE_LIST_SHARE,
    )
    out["api_case_list_ceiling_share"] = _fig(
        round(share, 3), "", f">= {CASE_LIST_SHARE}", share >= CASE_LIST_SHARE
    )
    if "api_case_list_uncached" in res:  # informational: the page read from the database
        uncached = res["api_case_list_uncached"]["rps"] / ceiling
        out["api_case_list_uncached_ceiling_share"] = _fig(round(uncached, 3), "")
    errors = sum(r["errors"] for r in res.values())  # measure() has raised if any
    out["api_errors"] = _fig(errors, "", "0", errors == 0)
    # How busy the machine was: on a shared machine the rates move with "other".
    out["api_cores_busy"] = _fig(
        {k.removeprefix("api_"): r["cores"] for k, r in res.items()}, "cores"
    )
    out["api_bench_setup"] = _fig(measured["setup"])
    return out


def run(
    seconds: int | None = None,
    clients: int | None = None,
    workers: int | None = None,
    warmup: int | None = None,
) -> dict[str, dict[str, Any]]:
    """The API load benchmark's figures (defaults: 20 clients, 20 s per endpoint)."""
    measured = measure(
        seconds if seconds is not None else _setting("seconds", SECONDS),
        clients if clients is not None else _setting("clients", CLIENTS),
        workers if workers is not None else _setting("workers", WORKERS),
        warmup if warmup is not None else _setting("warmup", WARMUP_S),
    )
    return figures(measured)


def main() -> None:
    """Command line: run with overrides and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, help=f"per endpoint (default {SECONDS})")
    parser.add_argument("--clients", type=int, help=f"concurrent connections ({CLIENTS})")
    parser.add_argument("--workers", type=int, help=f"uvicorn worker processes ({WORKERS})")
    parser.add_argument("--warmup", type=int, help=f"seconds of warm-up per endpoint ({WARMUP_S})")
    args = parser.parse_args()
    for name, fig in run(args.seconds, args.clients, args.workers, args.warmup).items():
        print(name, fig)


if __name__ == "__main__":
    main()
