"""Print many dossiers at once: rendered on every core, then recorded in one transaction.

The parent process reads and numbers the dossiers (the database work, in a read-only
transaction) a chunk at a time and hands chunks to helper processes as soon as they are
frozen, so rendering starts while the rest is still being read; then it renders chunks
itself alongside the helpers. Only then does it take the numbers and record each hash, in
print order, in one short write transaction: a failure anywhere leaves no number used and no
event written, and no write lock is held while the PDFs render. If someone printed another
dossier meanwhile, its numbers are taken: the batch stops with NumbersTaken, nothing kept.
Helpers are started once per batch, warm their fonts and stylesheet once, and only turn
frozen view models into PDF bytes.
"""

import gc
import math
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from multiprocessing import get_context
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import col, select

from compliance.audit.anchor import anchor_committed
from compliance.cases.models import Case
from compliance.context import Ctx
from compliance.db import begin_read
from compliance.dossiers import service
from compliance.dossiers.render import render_dossier, warm_up
from compliance.dossiers.views import DossierView
from compliance.errors import ValidationFailed
from compliance.permissions import Permission


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
    write_seconds: float  # how long the batch held a write transaction (other writers wait)


# Several dossiers per task keeps the pool's queues short; small enough that both workers
# finish at about the same time.
MAX_CHUNK = 4


def _render_chunk(views: Sequence[DossierView]) -> list[bytes]:
    return [render_dossier(v) for v in views]


def _warm() -> None:
    """Per worker, once: load the stylesheet and fonts and lay out a page using every face."""
    warm_up()
    # Everything imported so far lives as long as the worker: keep it out of collections.
    gc.freeze()


def chunk_size(n: int, workers: int) -> int:
    """Dossiers per worker task: about eight tasks per worker, at most MAX_CHUNK."""
    return max(1, min(MAX_CHUNK, math.ceil(n / (workers * 8))))


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
    ctx.require(Permission.PRINT_DOSSIERS)
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
        with Progress(
            TextColumn("[bold]dossiers"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not progress,
        ) as bar:
            task = bar.add_task("print", total=len(case_ids))
            # Read and render in a read-only transaction: no write lock for the minutes a
            # large batch takes. The numbers are taken with the records, in one short write.
            begin_read(ctx.session)
            numbering = service.begin_printing(ctx)
            printed: list[tuple[service.Prepared, bytes]] = []
            if n_workers == 1:
                for i, cid in enumerate(case_ids):
                    (p,) = service.prepare(ctx, [cid], lang, numbering=numbering, start=i)
                    printed.append((p, render_dossier(p.view)))
                    bar.advance(task)
            else:

                def rendered(count: int) -> None:
                    bar.advance(task, count)

                printed = _render_in_pool(ctx, case_ids, lang, n_workers, numbering, rendered)
            ctx.session.rollback()  # end the read; the write below begins afresh
            writing = time.perf_counter()
            rows = service.record_printed(ctx, numbering, printed)
            recorded = [
                (p, data, row.number, row.sha256)
                for (p, data), row in zip(printed, rows, strict=True)
            ]
            ctx.session.commit()
            committed = time.perf_counter()
    except BaseException:
        ctx.session.rollback()
        raise
    # Recorded: the anchor log learns the numbers before any file bears them, then each file
    # appears whole under its final name (a crash leaves at most a hidden temporary file).
    anchor_committed(ctx.session, ctx.settings, ctx.now(), "dossier batch")
    for p, data, number, sha256 in recorded:
        path = out_dir / f"{p.view.dossier_number}_{p.view.content.case_number}.pdf"
        write_atomically(path, data)
        item = BatchItem(p.view.content.case_number, number, path, len(data), sha256)
        items.append(item)
        if on_done is not None:
            on_done(item)
    done = time.perf_counter()
    return BatchResult(tuple(items), done - started, n_workers, committed - writing)


TEMP_SUFFIX = ".partial"


def is_temporary(path: Path) -> bool:
    """A file a batch was still writing (hidden, never a dossier: not served, not counted)."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def write_atomically(path: Path, data: bytes) -> None:
    """Write the file under a hidden temporary name in the same folder, flush it to disk,
    then rename it into place: the final name only ever holds a whole file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _render_in_pool(
    ctx: Ctx,
    case_ids: list[int],
    lang: str,
    n_workers: int,
    numbering: service.Numbering,
    rendered: Callable[[int], None],
) -> list[tuple[service.Prepared, bytes]]:
    """Prepare chunk by chunk and render them here and in n_workers - 1 helper processes;
    every dossier with its PDF, in print order (`rendered` hears how many as chunks finish).

    This process is one of the renderers: the helpers take chunks from the front of the
    queue, this process from the back, so no core waits on a process that only hands out
    work, and one process fewer has to start.
    """
    size = chunk_size(len(case_ids), n_workers)
    helpers = n_workers - 1
    chunks: list[list[service.Prepared]] = []
    queue: deque[int] = deque()
    results: dict[int, list[bytes]] = {}
    running: dict[Future[list[bytes]], int] = {}

    helped = False

    def feed(pool: ProcessPoolExecutor) -> None:
        # Once the helpers are up, two chunks each: one being rendered, one waiting, so they
        # never idle; before that one each, so this process is not left waiting on chunks
        # queued for a helper that is still starting.
        while queue and len(running) < (2 if helped else 1) * helpers:
            i = queue.popleft()
            running[pool.submit(_render_chunk, [p.view for p in chunks[i]])] = i

    def harvest(block: bool) -> None:
        nonlocal helped
        finished, _ = wait(running, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for fut in finished:
            done = results[running.pop(fut)] = fut.result()
            rendered(len(done))
            helped = True

    # The first submit starts the helpers (spawn, import, warm up) while this process goes
    # on reading and numbering the cases.
    with ProcessPoolExecutor(
        max_workers=helpers, mp_context=get_context("spawn"), initializer=_warm
    ) as pool:
        try:
            for start in range(0, len(case_ids), size):
                ids = case_ids[start : start + size]
                chunks.append(service.prepare(ctx, ids, lang, numbering=numbering, start=start))
                queue.append(len(chunks) - 1)
                feed(pool)
            while queue or running:
                feed(pool)
                if queue:
                    i = queue.pop()
                    results[i] = _render_chunk([p.view for p in chunks[i]])
                    rendered(len(results[i]))
                    harvest(block=False)
                else:
                    harvest(block=True)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [
        (p, data)
        for i, prepared in enumerate(chunks)
        for p, data in zip(prepared, results.pop(i), strict=True)
    ]
