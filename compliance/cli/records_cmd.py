"""`compliance record KIND key=value ...` and `compliance import ...`.

Every record kind goes through its domain service, so the CLI validates exactly as the
web app will: bad fields are named and nothing is saved.
"""

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from compliance.cli.common import acting, console, kv_pairs, reports_errors
from compliance.context import Ctx
from compliance.errors import ValidationFailed

app = typer.Typer(
    help="Record what happened (feedback, tips, damages, visits, ...).", no_args_is_help=True
)
import_app = typer.Typer(
    help="Import staff rosters and punch-clock exports (CSV/XLSX).", no_args_is_help=True
)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]

# kind -> "module:function"; each function takes (ctx, body dict) and returns a pydantic model.
KINDS: dict[str, str] = {
    "feedback": "compliance.feedback.service:record_feedback",
}


def _service(kind: str) -> Callable[[Ctx, dict[str, Any]], Any]:
    if kind not in KINDS:
        raise ValidationFailed.one("kind", f"unknown record kind {kind!r}; one of {sorted(KINDS)}")
    module, _, name = KINDS[kind].partition(":")
    fn: Callable[[Ctx, dict[str, Any]], Any] = getattr(importlib.import_module(module), name)
    return fn


@app.command("add")
@reports_errors
def add(
    kind: Annotated[str, typer.Argument(help="feedback, tip, handover, damage, visit, ...")],
    as_user: AsUser,
    fields: Annotated[list[str] | None, typer.Argument(help="key=value pairs")] = None,
    json_body: Annotated[str | None, typer.Option("--json", help="The record as JSON")] = None,
) -> None:
    """Record one thing through its service (times as ISO-8601 with a zone, money in fen)."""
    body = json.loads(json_body) if json_body else {}
    body.update(kv_pairs(fields or []))
    fn = _service(kind)
    with acting(as_user) as ctx:
        result = fn(ctx, body)
    console.print_json(result.model_dump_json())


@app.command("kinds")
def kinds() -> None:
    """The record kinds this command knows."""
    for k, target in KINDS.items():
        console.print(f"{k:12} {target}")


def _import(kind: str, path: Path, as_user: str) -> None:
    module = importlib.import_module(f"compliance.imports.{kind}")
    with acting(as_user) as ctx:
        result = module.import_file(ctx, path.name, path.read_bytes())
    console.print(f"[green]imported[/green] {result}")


@import_app.command("staff")
@reports_errors
def import_staff(path: Path, as_user: AsUser) -> None:
    """Import a staff roster; a file with any bad row imports nothing."""
    _import("staff_roster", path, as_user)


@import_app.command("attendance")
@reports_errors
def import_attendance(path: Path, as_user: AsUser) -> None:
    """Import a punch-clock export; a file with any bad row imports nothing."""
    _import("attendance", path, as_user)
