"""`compliance dossier ...`: print case dossiers (one or a batch), verify a PDF, monthly report."""

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from compliance.cli.common import acting, console, engine, err_console, reports_errors
from compliance.dossiers import batch as batch_mod
from compliance.dossiers import report as report_mod
from compliance.dossiers import service
from compliance.dossiers import verify as verify_mod

app = typer.Typer(help="Printed case dossiers (案卷) and monthly reports.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]
Lang = Annotated[str, typer.Option("--lang", help="zh (default) or en")]
OutDir = Annotated[Path, typer.Option("--out", help="Folder to write the PDF(s) into")]


@app.command("print")
@reports_errors
def print_(case_id: int, as_user: AsUser, lang: Lang = "zh", out: OutDir = Path(".")) -> None:
    """Print one case's dossier; its SHA-256 goes into the audit chain."""
    with acting(as_user) as ctx:
        data, rec = service.print_dossier(ctx, case_id, lang)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{rec.number}.pdf"
    batch_mod.write_atomically(path, data)  # whole or not at all, after the record
    console.print(f"dossier {rec.number} written to {path} ({rec.size_bytes:,} bytes)")
    console.print(f"sha256 {rec.sha256}")


@app.command()
@reports_errors
def batch(
    as_user: AsUser,
    state: Annotated[str | None, typer.Option(help="Every case in this state")] = None,
    month: Annotated[str | None, typer.Option(help="Every case opened in YYYY-MM")] = None,
    lang: Lang = "zh",
    out: OutDir = Path("dossiers"),
    workers: Annotated[int | None, typer.Option(help="Processes (default: every core)")] = None,
) -> None:
    """Print the dossiers of every case in a state or opened in a month, over all cores."""
    with acting(as_user) as ctx:
        ids = batch_mod.select_cases(ctx, state=state, month=month)
        if not ids:
            console.print("no cases to print")
            return
        result = batch_mod.print_batch(ctx, ids, out, lang=lang, workers=workers)
    console.print(
        f"{len(result.items)} dossiers written to {out} in {result.seconds:.1f} s "
        f"on {result.workers} process(es)"
    )


@app.command()
def verify(file: Annotated[Path, typer.Argument(help="The PDF to check")]) -> None:
    """Say whether a PDF is a dossier the office issued (exit 1 if altered or unknown)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        err_console.print(f"[red]cannot read {file}:[/red] {exc}")
        raise typer.Exit(2) from None
    eng = engine()
    try:
        with Session(eng) as session:
            result = verify_mod.verify_pdf(session, data)
    finally:
        eng.dispose()
    if result.ok:
        console.print(f"[green]{result.message()}[/green]")
        return
    err_console.print(f"[red]{result.message()}[/red]")
    raise typer.Exit(1)


@app.command()
@reports_errors
def report(
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    as_user: AsUser,
    lang: Lang = "zh",
    out: OutDir = Path("."),
) -> None:
    """The monthly office report PDF."""
    with acting(as_user) as ctx:
        data = report_mod.print_report(ctx, month, lang)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"report-{month}.pdf"
    batch_mod.write_atomically(path, data)  # whole or not at all, after the record
    console.print(f"report written to {path} ({len(data):,} bytes)")
