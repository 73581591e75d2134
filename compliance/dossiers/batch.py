"""Print many dossiers at once: numbered in one transaction, rendered on every core.

The parent process reads and numbers every dossier (the database work), worker processes
only turn frozen view models into PDF bytes, and the parent records all the hashes and
commits once: a failure anywhere leaves no number used and no event written.
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import col, select

from compliance.cases.models import Case
from compliance.context import Ctx
from compliance.dossiers import service
from compliance.dossiers.render import render_dossier
from compliance.dossiers.viewmodel import DossierView
from compliance.errors import ValidationFailed


@dataclass(frozen=True)
class BatchItem:
    """One dossier written by a batch."""

    case_number: str
    dossier_number: str
    path: Path
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class BatchResult:
    """What a batch printed and how long it took."""

    items: tuple[BatchItem, ...]
    seconds: float
    workers: int


def _render(view: DossierView) -> bytes:
    return render_dossier(view)


def _warm() -> None:
    """Load fonts and the stylesheet once per worker, before the first real dossier."""
    from compliance.dossiers.render import _fonts, _stylesheet

    _stylesheet()
    _fonts()


def parse_month(value: str) -> date:
    """A YYYY-MM value as the first day of the month."""
    try:
        year, mon = value.split("-")
        if len(year) != 4 or len(mon) != 2:
            raise ValueError(value)
        return date(int(year), int(mon), 1)
    except ValueError:
        raise ValidationFailed.one("--month", f"not a month (YYYY-MM): {value!r}") from None


def select_cases(ctx: Ctx, *, state: str | None = None, month: str | None = None) -> list[int]:
    """Ids of the office's cases in a state, or opened in a month (office time), in order."""
    ctx.require(*service.PRINT_ROLES)
    if (state is None) == (month is None):
        raise ValidationFailed.one("--state/--month", "give exactly one of them")
    stmt = select(Case.id).where(col(Case.office_id) == ctx.actor.office_id)
    if state is not None:
        stmt = stmt.where(col(Case.status) == state)
    if month is not None:
        first = parse_month(month)
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        tz = ZoneInfo(ctx.settings.timezone)
        start = datetime.combine(first, clock_time(), tz)
        end = datetime.combine(nxt, clock_time(), tz)
        stmt = stmt.where(col(Case.opened_at) >= start, col(Case.opened_at) < end)
    return [i for i in ctx.session.exec(stmt.order_by(col(Case.id))).all() if i is not None]


def print_batch(
    ctx: Ctx,
    case_ids: list[int],
    out_dir: Path,
    *,
    lang: str = "zh",
    workers: int | None = None,
    progress: bool = True,
    on_done: Callable[[BatchItem], None] | None = None,
) -> BatchResult:
    """Print the cases' dossiers into out_dir over `workers` processes (default: every core)."""
    started = time.perf_counter()
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(case_ids) or 1))
    out_dir.mkdir(parents=True, exist_ok=True)
    items: list[BatchItem] = []
    try:
        prepared = service.prepare(ctx, case_ids, lang)
        datas: list[bytes | None] = [None] * len(prepared)
        with (
            Progress(
                TextColumn("[bold]dossiers"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                disable=not progress,
            ) as bar,
            ProcessPoolExecutor(
                max_workers=n_workers, mp_context=get_context("spawn"), initializer=_warm
            ) as pool,
        ):
            task = bar.add_task("print", total=len(prepared))
            futures = {pool.submit(_render, p.view): i for i, p in enumerate(prepared)}
            for fut in as_completed(futures):
                datas[futures[fut]] = fut.result()
                bar.advance(task)
        for p, data in zip(prepared, datas, strict=True):
            assert data is not None
            row = service.record_issue(ctx, p, data)
            path = out_dir / f"{p.view.dossier_number}_{p.view.content.case_number}.pdf"
            path.write_bytes(data)
            item = BatchItem(p.view.content.case_number, row.number, path, len(data), row.sha256)
            items.append(item)
            if on_done is not None:
                on_done(item)
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        for item in items:
            item.path.unlink(missing_ok=True)
        raise
    return BatchResult(tuple(items), time.perf_counter() - started, n_workers)
