"""Dossier printing: a typical and a large dossier, the naive way for comparison, and a
batch of 100 over both cores. Run: `uv run python -m bench.dossier_bench [--quick]`.

Wall-clock figures depend on what else the machine is doing, so each timing also reports
the CPU seconds it took (for the batch: this process plus its worker processes).
`--quick` (or DOSSIER_BENCH_QUICK=1) times only the typical dossier, for iterating.
"""

import argparse
import io
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session

from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.dossiers import service
from compliance.dossiers.batch import print_batch
from compliance.dossiers.fetcher import ASSETS_DIR
from compliance.dossiers.render import dossier_html, render_dossier
from compliance.migrate import upgrade
from tests.conftest import NOW
from tests.factories import office_set
from tests.pdf.helpers import typical_case

RUNS = 5


def _median(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median wall and CPU seconds of fn, after one warm-up call (fonts, stylesheet, photos)."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@contextmanager
def _fonttools_subsetting() -> Iterator[None]:
    """Make WeasyPrint take its fontTools path, as it does where libharfbuzz-subset is absent
    (weasyprint.pdf.fonts checks the module-level `harfbuzz_subset` handle)."""
    import weasyprint.pdf.fonts as wfonts

    saved = wfonts.harfbuzz_subset
    wfonts.harfbuzz_subset = None
    try:
        yield
    finally:
        wfonts.harfbuzz_subset = saved


def _naive(html: str) -> bytes:
    """WeasyPrint out of the box: default fetcher, fresh font setup, fontTools subsetting."""
    from weasyprint import CSS, HTML

    with _fonttools_subsetting():
        css = CSS(filename=str(ASSETS_DIR / "dossier.css"))
        data: bytes = HTML(string=html, base_url=str(ASSETS_DIR)).write_pdf(stylesheets=[css])
    return data


def _figure(value: Any, unit: str, target: str = "", ok: bool | None = None) -> dict[str, Any]:
    return {"value": value, "unit": unit, "target": target, "ok": ok}


def main(quick: bool = False) -> dict[str, dict[str, Any]]:
    """Build a small office with a typical and a large case, then time the printing."""
    quick = quick or os.environ.get("DOSSIER_BENCH_QUICK", "") not in ("", "0")
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        engine = make_engine(f"sqlite:///{root / 'bench.db'}")
        upgrade(engine)
        settings = Settings(data_dir=root / "data", database_url="sqlite://")
        with Session(engine, expire_on_commit=False) as session:
            office = office_set(session)
            session.commit()
            ctx = Ctx(session, office.actor("hr"), FixedClock(NOW), settings)
            typical = typical_case(ctx, office, feedback=8, photos=3)
            large = (
                None
                if quick
                else typical_case(ctx, office, staff=1, feedback=198, photos=3, execute=False)
            )
            hr = Ctx(session, office.actor("hr"), ctx.clock, settings)

            last: dict[str, bytes] = {}

            def print_case(key: str, case_id: int) -> Callable[[], None]:
                def go() -> None:
                    last[key], _ = service.print_dossier(hr, case_id)

                return go

            typical_s, typical_cpu = _median(print_case("typical", typical))
            (prep,) = service.prepare(hr, [typical])
            session.rollback()
            html = dossier_html(prep.view)
            render_s, render_cpu = _median(lambda: render_dossier(prep.view))
            size = len(last["typical"])
            figures |= {
                "dossier_typical_s": _figure(round(typical_s, 3), "s", "< 1.0", typical_s < 1.0),
                "dossier_typical_cpu_s": _figure(round(typical_cpu, 3), "s"),
                "dossier_typical_bytes": _figure(size, "bytes", "< 1.5 MB", size < 1_500_000),
                "dossier_typical_pages": _figure(_pages(last["typical"]), "pages"),
                "dossier_render_s": _figure(round(render_s, 3), "s"),
                "dossier_render_cpu_s": _figure(round(render_cpu, 3), "s"),
            }
            if large is not None:
                large_s, large_cpu = _median(print_case("large", large), runs=2)
                naive_s, _ = _median(lambda: _naive(html), runs=3)
                figures |= {
                    "dossier_large_s": _figure(round(large_s, 3), "s"),
                    "dossier_large_cpu_s": _figure(round(large_cpu, 3), "s"),
                    "dossier_large_bytes": _figure(len(last["large"]), "bytes"),
                    "dossier_large_pages": _figure(_pages(last["large"]), "pages"),
                    "dossier_naive_render_s": _figure(round(naive_s, 3), "s"),
                    "dossier_naive_ratio": _figure(round(naive_s / render_s, 2), "x"),
                }
                t, c, k = time.perf_counter(), time.process_time(), _children_cpu()
                result = print_batch(hr, [typical] * 100, root / "batch", workers=2, progress=False)
                batch_s = time.perf_counter() - t
                batch_cpu = time.process_time() - c + _children_cpu() - k
                assert len(result.items) == 100
                figures |= {
                    "dossier_batch_100_s": _figure(round(batch_s, 2), "s", "< 60", batch_s < 60),
                    "dossier_batch_100_cpu_s": _figure(round(batch_cpu, 2), "s"),
                    # Other writers wait only while the batch records (numbers, hashes, events).
                    "dossier_batch_100_write_s": _figure(round(result.write_seconds, 3), "s"),
                }
        engine.dispose()
    return figures


run = main

if __name__ == "__main__":
    from rich import print as rprint

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the typical dossier")
    rprint(main(quick=parser.parse_args().quick))
