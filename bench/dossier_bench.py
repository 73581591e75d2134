"""Dossier printing: a typical and a large dossier, the naive way for comparison, and a
batch of 100 over both cores. Run: `uv run python -m bench.dossier_bench`."""

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


def _median(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm: fonts, stylesheet, photo cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


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


def main() -> dict[str, dict[str, Any]]:
    """Build a small office with a typical and a large case, then time the printing."""
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
            large = typical_case(ctx, office, staff=1, feedback=198, photos=3, execute=False)
            hr = Ctx(session, office.actor("hr"), ctx.clock, settings)

            last: dict[str, bytes] = {}

            def print_typical() -> None:
                last["typical"], _ = service.print_dossier(hr, typical)

            def print_large() -> None:
                last["large"], _ = service.print_dossier(hr, large)

            typical_s = _median(print_typical)
            large_s = _median(print_large, runs=2)
            (prep,) = service.prepare(hr, [typical])
            session.rollback()
            html = dossier_html(prep.view)
            ours_render = _median(lambda: render_dossier(prep.view))
            naive_render = _median(lambda: _naive(html), runs=3)
            pages_typical = last["typical"].count(b"/Type /Page\n") or None
            t = time.perf_counter()
            result = print_batch(hr, [typical] * 100, root / "batch", workers=2, progress=False)
            batch_s = time.perf_counter() - t
            assert len(result.items) == 100
        engine.dispose()
    return {
        "dossier_typical_s": _figure(round(typical_s, 3), "s", "< 1.0", typical_s < 1.0),
        "dossier_typical_bytes": _figure(
            len(last["typical"]), "bytes", "< 1.5 MB", len(last["typical"]) < 1_500_000
        ),
        "dossier_typical_pages": _figure(pages_typical, "pages"),
        "dossier_large_s": _figure(round(large_s, 3), "s"),
        "dossier_large_bytes": _figure(len(last["large"]), "bytes"),
        "dossier_render_s": _figure(round(ours_render, 3), "s"),
        "dossier_naive_render_s": _figure(round(naive_render, 3), "s"),
        "dossier_naive_ratio": _figure(round(naive_render / ours_render, 2), "x"),
        "dossier_batch_100_s": _figure(round(batch_s, 2), "s", "< 60", batch_s < 60),
    }


run = main

if __name__ == "__main__":
    from rich import print as rprint

    rprint(main())
