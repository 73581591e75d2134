"""Full-year detection for an office of 2,000 staff: time, peak memory, naive comparison.

The database (var/bench/bench.db) is generated once by the demo generator and reused while
its version stamp matches. Each timed run works on a fresh copy of it, in a fresh Python
process, so that runs are comparable and the peak RSS is that of one detection only.
"""

import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlmodel import Session, col

from bench.naive_detect import naive_detect
from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.clock import FixedClock
from compliance.config import PROJECT_ROOT, get_settings
from compliance.context import Ctx
from compliance.db import make_engine, unit_of_work
from compliance.demo.builder import Rates
from compliance.demo.generate import generate_office
from compliance.findings.detect import _in_segment, _segments, run_detection
from compliance.findings.gather import gather
from compliance.migrate import upgrade
from compliance.policy_params import service as policy_params
from compliance.staff.models import Staff
from policies import registry

DIR = PROJECT_ROOT / "var" / "bench"
DB = DIR / "bench.db"
STAMP = DIR / "bench.stamp.json"
N_STAFF, N_UNITS, DAYS, SEED = 2_000, 15_000, 365, 2026
START = date(2025, 1, 1)
END = START + timedelta(days=DAYS - 1)
NAIVE_SAMPLE = 100
RUNS = 3
# Inputs whose change makes a new database: the generator and the schema.
SOURCES = [
    *(
        PROJECT_ROOT / "compliance" / "demo" / f"{name}.py"
        for name in ("builder", "people", "jobs", "feedback_tips", "inspections_attendance")
    ),
    PROJECT_ROOT / "compliance" / "demo" / "generate.py",
    PROJECT_ROOT / "compliance" / "demo" / "names.py",
    *sorted((PROJECT_ROOT / "compliance" / "migrations" / "versions").glob("*.py")),
]


def _stamp() -> str:
    h = hashlib.sha256(repr((N_STAFF, N_UNITS, DAYS, SEED, START, Rates())).encode())
    for path in SOURCES:
        h.update(path.read_bytes())
    return h.hexdigest()


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def ensure_database() -> dict[str, Any]:
    """Build var/bench/bench.db unless a matching one exists; its row counts and build time."""
    stamp = _stamp()
    if DB.exists() and STAMP.exists():
        saved = json.loads(STAMP.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return dict(saved)
    DIR.mkdir(parents=True, exist_ok=True)
    building = DIR / "bench.building.db"
    for leftover in (building, DB):
        _remove(leftover)
    STAMP.unlink(missing_ok=True)
    print(f"building {DB} ({N_STAFF:,} staff, {DAYS} days); this takes about a minute")
    counts, seconds = build_office(_url(building))
    building.replace(DB)
    print(f"built in {seconds:.1f} s")
    saved = {
        "stamp": stamp,
        "counts": counts,
        "build_s": round(seconds, 1),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    STAMP.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    return saved


def build_office(url: str) -> tuple[dict[str, int], float]:
    """Make the schema and generate the bench office at `url`: its row counts and seconds."""
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    with unit_of_work(engine) as session:
        if engine.dialect.name == "sqlite":
            # A year of punches goes into three indexes; SQLite's 2 MB default page cache
            # would send most index updates to the file.
            session.execute(text("PRAGMA cache_size = -262144"))
        counts = generate_office(
            session,
            code="BEN",
            name="基准测试管理处",
            city="深圳",
            n_staff=N_STAFF,
            n_units=N_UNITS,
            start=START,
            days=DAYS,
            seed=SEED,
            rates=Rates(),
        )
    seconds = time.perf_counter() - began
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return counts, seconds


def _manager(session: Session, clock: FixedClock) -> Ctx:
    user = session.execute(select(User).where(col(User.username) == "ben-manager")).scalar_one()
    assert user.id is not None
    actor = Actor(user.id, user.username, Role(user.role), user.office_id)
    return Ctx(session=session, actor=actor, clock=clock)


def _clock() -> FixedClock:
    tz = ZoneInfo(get_settings().timezone)
    return FixedClock(datetime.combine(END + timedelta(days=1), clock_time(9), tz).astimezone(UTC))


def _peak_rss_kib() -> int:
    """This process's peak resident set in KiB, since it started running this program."""
    # ru_maxrss keeps the high-water mark of the pre-exec process image, i.e. of the parent
    # at fork time (a parent that has just built the database: ~450 MiB). VmHWM does not.
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def child(target: str) -> None:
    """In a fresh process: one full-year detection on the copy at `target` (a file or a
    database URL); prints JSON."""
    engine = make_engine(target if "://" in target else _url(Path(target)))
    with Session(engine, expire_on_commit=False) as session:
        ctx = _manager(session, _clock())
        began, cpu = time.perf_counter(), time.process_time()
        summary = run_detection(ctx, START, END)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    engine.dispose()
    peak_kib = _peak_rss_kib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "inner_seconds": summary.seconds,
                "peak_rss_mib": peak_kib / 1024,
                "cpu_seconds": cpu,
                "facts": summary.facts,
                "new": summary.new,
                "errors": summary.errors,
                "per_rule": {code: c.new for code, c in summary.per_rule.items()},
            }
        )
    )


def _remove(db: Path) -> None:
    # A WAL left by an earlier run would be replayed into the fresh copy.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _fast_run() -> dict[str, Any]:
    copy = DIR / "bench.run.db"
    _remove(copy)
    shutil.copyfile(DB, copy)
    try:
        return detect_in_child(str(copy))
    finally:
        _remove(copy)


def detect_in_child(target: str) -> dict[str, Any]:
    """One full-year detection in a fresh Python process on `target` (file or URL)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.detect_bench", "--child", target],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=os.environ | {"PYTHONHASHSEED": "0"},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _naive_run() -> dict[str, Any]:
    """Time the naive path on a sample of staff, and check it agrees with the fast path."""
    engine = make_engine(_url(DB))
    with Session(engine) as session:
        ctx = _manager(session, _clock())
        office_id = ctx.actor.office_id
        stmt = select(col(Staff.id)).where(col(Staff.office_id) == office_id)
        ids = list(session.execute(stmt.order_by(col(Staff.id))).scalars())
        sample = ids[:: len(ids) // NAIVE_SAMPLE][:NAIVE_SAMPLE]
        began = time.perf_counter()
        naive = naive_detect(ctx, sample, START, END)
        seconds = time.perf_counter() - began
        fast = _fast_decisions(ctx, set(sample))
        session.rollback()
    engine.dispose()
    key = {(d.rule_code, d.dedupe_key, d.input_digest) for d in naive}
    return {
        "seconds": seconds,
        "staff": len(sample),
        "total_staff": len(ids),
        "decisions": len(naive),
        "matches_fast": key == fast,
        "only_naive": len(key - fast),
        "only_fast": len(fast - key),
    }


def _fast_decisions(ctx: Ctx, staff: set[int]) -> set[tuple[str, str, str]]:
    """The set-based path's decisions for some staff, without storing them."""
    rules = [p for p in registry.RULES if p.detectors]
    needs = frozenset().union(*(d.needs for p in rules for d in p.detectors))
    bundle = gather(ctx.session, ctx.actor.office_id, START, END, ctx.now(), ctx.tz, needs)
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)
    out = set()
    for policy in rules:
        for eff, lo, hi in _segments(versions[policy.code], START, END):
            for d in policy.detect(bundle, eff.params):
                if d.staff_id in staff and _in_segment(d, ctx, lo, hi):
                    out.add((d.rule_code, d.dedupe_key, d.input_digest))
    return out


def _fig(value: Any, unit: str = "", target: str = "", ok: bool | None = None) -> dict[str, Any]:
    fig: dict[str, Any] = {"value": value, "unit": unit}
    if target:
        fig |= {"target": target, "ok": ok}
    return fig


def run() -> dict[str, dict[str, Any]]:
    """The detection benchmark's figures."""
    built = ensure_database()
    counts = built["counts"]
    print("dataset: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    runs = []
    for i in range(RUNS):
        runs.append(_fast_run())
        last = runs[-1]
        print(
            f"fast run {i + 1}: {last['seconds']:.2f} s ({last['cpu_seconds']:.2f} s CPU), "
            f"peak {last['peak_rss_mib']:.0f} MiB"
        )
    fast_s = statistics.median(r["seconds"] for r in runs)
    cpu_s = statistics.median(r["cpu_seconds"] for r in runs)
    peak = max(r["peak_rss_mib"] for r in runs)
    naive = _naive_run()
    naive_total = naive["seconds"] * naive["total_staff"] / naive["staff"]
    ratio = naive_total / fast_s
    print(
        f"naive: {naive['seconds']:.2f} s for {naive['staff']} staff, "
        f"{naive_total:.1f} s extrapolated; agrees with the fast path: {naive['matches_fast']}"
    )
    first = runs[0]
    return {
        "detect_year_2000_staff_s": _fig(round(fast_s, 3), "s", "< 5", fast_s < 5),
        # CPU time shows the work done when other processes share the machine.
        "detect_year_cpu_s": _fig(round(cpu_s, 3), "s"),
        "detect_peak_rss_mib": _fig(round(peak, 1), "MiB", "< 1024", peak < 1024),
        "detect_naive_ratio": _fig(round(ratio, 1), "x", ">= 10", ratio >= 10),
        "detect_naive_extrapolated_s": _fig(round(naive_total, 1), "s"),
        "detect_naive_matches_fast": _fig(
            naive["matches_fast"], "", "true", bool(naive["matches_fast"])
        ),
        "detect_runs_s": _fig([round(r["seconds"], 3) for r in runs], "s"),
        "detect_facts": _fig(first["facts"]),
        "detect_findings": _fig(first["new"]),
        "detect_findings_per_rule": _fig(first["per_rule"]),
        "detect_errors": _fig(first["errors"], "", "0", first["errors"] == 0),
        "bench_dataset_rows": _fig(counts),
        # Measured when the database was last built, not on every run.
        "bench_dataset_build_s": _fig(built["build_s"], "s", "< 60", built["build_s"] < 60)
        | {"measured_at": built.get("built_at", "")},
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        for name, fig in run().items():
            print(name, fig)
