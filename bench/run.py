"""Run every benchmark, merge the figures into var/bench.json and print them as a table."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import api_bench, cases_bench, detect_bench, dossier_bench, pg_bench, rules_bench, sla
from compliance.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "var" / "bench.json"

# Each benchmark returns {figure name: {"value": ..., "unit": ..., "target": ..., "ok": ...}}.
BENCHMARKS: tuple[Callable[[], dict[str, dict[str, Any]]], ...] = (
    detect_bench.run,
    rules_bench.run,
    cases_bench.run,
    dossier_bench.main,
    api_bench.run,
    pg_bench.run,  # detection and the API again on PostgreSQL (keys ending _pg)
    sla.run,  # service standards: a year's clocks and the dashboard (both databases)
)


def merge(path: Path, figures: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Write the figures over the ones already in the file, keeping the others."""
    existing: dict[str, dict[str, Any]] = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            existing = {}  # a half-written file from an interrupted run: start again
    merged = existing | figures
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    tmp.replace(path)
    return merged


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def show(figures: dict[str, dict[str, Any]], console: Console) -> None:
    """Print the figures of this run: scalars in a table, breakdowns below it."""
    table = Table("figure", "value", "unit", "target", "ok", title="benchmarks")
    details = []
    for name, fig in figures.items():
        value = fig["value"]
        if isinstance(value, dict | list):
            details.append(f"{name}: {_shown(value)}")
            continue
        ok = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: ""}[fig.get("ok")]
        table.add_row(name, _shown(value), fig.get("unit", ""), fig.get("target", ""), ok)
    console.print(table)
    for line in details:
        console.print(line, soft_wrap=True)


def main() -> None:
    """Run all benchmarks and record them."""
    console = Console()
    figures: dict[str, dict[str, Any]] = {}
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for bench in BENCHMARKS:
        for name, fig in bench().items():
            figures[name] = {"measured_at": stamp} | fig  # a figure may carry its own time
    merge(RESULTS, figures)
    show(figures, console)
    console.print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
