"""`compliance policy ...`: the rulebook, its versions and parameters."""

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy import inspect
from sqlmodel import Session, col, select

from compliance.cli.common import acting, console, engine, parse_day, reports_errors
from compliance.config import get_settings
from compliance.errors import FieldError, ValidationFailed
from compliance.offices.models import Office
from compliance.policy_params import service
from policies import registry

app = typer.Typer(help="The rulebook as versioned policy objects.", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]


@app.command("list")
def list_() -> None:
    """The 13 rules with their version, effective date and text."""
    table = Table(
        "code", "ver", "from", "rule (zh)", title=f"ruleset {registry.ruleset_digest()[:12]}"
    )
    for p in registry.RULES:
        table.add_row(p.code, str(p.version), p.effective_from.isoformat(), p.text_zh)
    console.print(table)


@app.command()
@reports_errors
def show(code: str, office: Annotated[str, typer.Option(help="Office code")] = "BSW") -> None:
    """One rule: texts, checklist items, detectors, parameters and their versions."""
    try:
        p = registry.get(code)
    except KeyError:
        raise ValidationFailed.one("code", f"unknown rule {code}") from None
    console.print(
        f"[bold]{p.code} v{p.version}[/bold] (第一条 第{p.article}项, from {p.effective_from})"
    )
    console.print(p.text_zh)
    console.print(p.text_en)
    for item in p.checklist:
        console.print(f"  checklist {item.key}: {item.label_zh} / {item.label_en}")
    for d in p.detectors:
        console.print(f"  detector {d.key}: {d.description_zh}")
    eng = engine()
    versions = []
    if inspect(eng).has_table("office"):  # the rulebook can be read before any database exists
        with Session(eng) as session:
            row = session.exec(select(Office).where(col(Office.code) == office)).one_or_none()
            if row is not None and row.id is not None:
                versions = service.timeline(session, row.id)[p.code]
    eng.dispose()
    table = Table("version", "from", "published", "parameters", "digest")
    tz = ZoneInfo(get_settings().timezone)
    for v in versions or [service._defaults(p)]:
        params = ", ".join(f"{k}={val}" for k, val in sorted(v.params.items()))
        published = v.published_on(tz).isoformat()
        table.add_row(v.version, v.effective_from.isoformat(), published, params, v.digest[:12])
    console.print(table)


def _publish(as_user: str, code: str, params: dict[str, int], day: date, reason: str) -> str:
    """Publish now; a refusal names its reason in Chinese and English, and the first day
    that may be chosen."""
    with acting(as_user) as ctx:
        try:
            eff = service.publish(ctx, code, params, day, reason)
        except ValidationFailed as exc:
            earliest = service.earliest_effective_from(ctx.now(), ctx.tz)
            raise ValidationFailed(
                [
                    FieldError(
                        e.field,
                        f"{service.RETROACTIVE_ZH}(最早 {earliest})/ {e.reason} "
                        f"(earliest {earliest})",
                    )
                    if e.reason == service.RETROACTIVE
                    else e
                    for e in exc.errors
                ]
            ) from None
        return eff.version


@app.command("set")
@reports_errors
def set_(
    code: str,
    params: Annotated[list[str], typer.Argument(help="name=value, e.g. linger_minutes=10")],
    as_user: AsUser,
    effective: Annotated[str, typer.Option("--from", help="Effective date YYYY-MM-DD")],
    reason: Annotated[str, typer.Option(help="Why the parameter changes")],
) -> None:
    """Change a rule's parameters from a date on (creates a new version).

    Never retroactive: the version applies from 00:00 office time of --from, which may not be
    before now (《劳动合同法》第四条), so --from is tomorrow or later.
    """
    overrides: dict[str, int] = {}
    for pair in params:
        name, _, value = pair.partition("=")
        try:
            overrides[name] = int(value)
        except ValueError:
            raise ValidationFailed.one(name, f"not a whole number: {value!r}") from None
    day = parse_day(effective, "--from")
    version = _publish(as_user, code, overrides, day, reason)
    console.print(f"{code} now version {version} from {day}")


@app.command("load-overrides")
@reports_errors
def load_overrides(path: Path, as_user: AsUser) -> None:
    """Publish every override in a TOML file, now: each must start tomorrow or later."""
    for code, day, params, reason in service.load_overrides_file(path):
        version = _publish(as_user, code, params, day, reason)
        console.print(f"{code} version {version} from {day}")
