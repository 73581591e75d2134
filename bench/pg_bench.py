"""Detection and the API under load again, on PostgreSQL (figures ending `_pg`).

Offices that outgrow one machine run on PostgreSQL, so the two figures that depend most on
the database are taken there too. The bench office is generated into a database of its
own (the same generator and seed as var/bench/bench.db), one full-year detection runs on a
copy of it in a fresh process, and the API benchmark (bench/api_bench.py) runs on another
copy with the 5,000 cases set up. Every database made here is dropped at the end.

To keep `make bench` short the PostgreSQL pass runs detection once (SQLite: three times)
and drives each endpoint for 10 s (SQLite: 20 s); both are in `pg_bench_setup`.
The server CPU per request counts the uvicorn processes only, not PostgreSQL's own.
`BENCH_PG_URL` names the server (default postgresql+psycopg://postgres@127.0.0.1:5432);
`BENCH_PG=0` skips the pass. `python -m bench.pg_bench` runs it alone.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import api_bench
from bench.cases_bench import prepare_on
from bench.detect_bench import _fig, build_office, detect_in_child

SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
BASE = "compliance_bench"  # the generated office; copies are made from it as a template
API_SECONDS = int(os.environ.get("BENCH_PG_API_SECONDS", "10"))
API_WARMUP_S = 2


def _admin(sql: str) -> None:
    """Run a statement that cannot run in a transaction (CREATE/DROP DATABASE)."""
    engine = create_engine(make_url(SERVER).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def database(name: str, template: str | None = None) -> Iterator[str]:
    """A new database (a copy of `template` if given), dropped afterwards; its URL."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run() -> dict[str, dict[str, Any]]:
    """The PostgreSQL figures (empty if BENCH_PG=0)."""
    if os.environ.get("BENCH_PG", "1") == "0":
        return {}
    out: dict[str, dict[str, Any]] = {}
    with database(BASE) as base:
        print(f"postgresql: building the bench office in {BASE}")
        counts, build_s = build_office(base)
        print(f"postgresql: built in {build_s:.1f} s")
        with database(f"{BASE}_run", template=BASE) as copy:
            det = detect_in_child(copy)
        print(f"postgresql: detection {det['seconds']:.2f} s ({det['cpu_seconds']:.2f} s CPU)")
        with database(f"{BASE}_api", template=BASE) as copy:
            began = time.perf_counter()
            cases = prepare_on(copy)
            print(
                f"postgresql api: {cases['cases']:,} cases under review; "
                f"set up in {time.perf_counter() - began:.1f} s"
            )
            measured = api_bench.measure(
                API_SECONDS,
                api_bench._setting("clients", api_bench.CLIENTS),
                api_bench._setting("workers", api_bench.WORKERS),
                API_WARMUP_S,
                url=copy,
            )
    seconds = det["seconds"]
    out["detect_year_2000_staff_s_pg"] = _fig(round(seconds, 3), "s", "< 5", seconds < 5)
    out["detect_year_cpu_s_pg"] = _fig(round(det["cpu_seconds"], 3), "s")
    out["detect_peak_rss_mib_pg"] = _fig(round(det["peak_rss_mib"], 1), "MiB")
    out["detect_findings_pg"] = _fig(det["new"])
    out["detect_errors_pg"] = _fig(det["errors"], "", "0", det["errors"] == 0)
    out["bench_dataset_build_s_pg"] = _fig(round(build_s, 1), "s")
    for name, fig in api_bench.figures(measured).items():
        out[f"{name}_pg"] = fig
    out["pg_bench_setup"] = _fig(
        {
            "server": make_url(SERVER).render_as_string(hide_password=True),
            "detect_runs": 1,
            "api_seconds_per_endpoint": API_SECONDS,
            "api_warmup_s": API_WARMUP_S,
            "rows": counts,
        }
    )
    return out


if __name__ == "__main__":
    for key, figure in run().items():
        print(key, figure)
