"""`compliance backup` and `compliance restore`: the office's data, copied while serving."""

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import make_url

from compliance.cli.common import console, err_console
from compliance.config import get_settings
from compliance.ops import backup as ops
from compliance.ops import restore as ops_restore


def backup(
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="Folder to write the backup into (default: `backups` beside the data folder).",
        ),
    ] = None,
) -> None:
    """Back up the database, the stored files and the anchor log into one timestamped folder
    with a manifest (the audit key is NOT included: keep it apart)."""
    settings = get_settings()
    target = to or settings.data_dir.parent / "backups"
    try:
        result = ops.backup(settings, target)
    except ops.BackupError as exc:
        err_console.print(f"[red]backup failed:[/red] {exc}")
        raise typer.Exit(2) from None
    h = result.head
    console.print(f"backup written to {result.folder}")
    console.print(
        f"database revision {h.revision}; audit head {h.seq} {h.hash}; "
        f"{result.files:,} file(s) listed in {ops.MANIFEST}"
    )
    console.print(f"[yellow]{ops.KEY_NOTE}[/yellow]")


def restore(
    folder: Annotated[Path, typer.Argument(help="The backup folder (compliance-backup-...).")],
    to: Annotated[str, typer.Option("--to", help="The EMPTY database to restore into (URL).")],
) -> None:
    """Put a backup back into an empty database (and the configured, empty data and anchor
    folders), then verify the audit chain, anchors and row seals (exit 1 if they fail)."""
    settings = get_settings().model_copy(update={"database_url": to})
    try:
        result = ops_restore.restore(folder, to, settings)
    except ops.BackupError as exc:
        err_console.print(f"[red]restore refused:[/red] {exc}")
        raise typer.Exit(2) from None
    shown = make_url(to).render_as_string(hide_password=True)
    console.print(
        f"restored into {shown}: {result.files:,} stored file(s), "
        f"{result.anchors:,} anchor file(s); audit head {result.head.seq}"
    )
    problems = ops_restore.verify_restored(to, settings, result.head)
    for p in problems:
        err_console.print(f"[red]audit verify:[/red] {p}")
    if problems:
        raise typer.Exit(1)
    console.print(
        f"[green]audit verify passed[/green]: chain, anchors and row seals agree "
        f"(head {result.head.seq} {result.head.hash})"
    )


def register(app: typer.Typer) -> None:
    """Add the commands to the top-level app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
