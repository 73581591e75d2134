"""`python -m compliance.auth set-password USER`: give a user their first password."""

import getpass
import sys
from typing import Annotated

import typer
from sqlmodel import Session

from compliance.accounts.auth import set_initial_password
from compliance.accounts.settings import get_auth_settings
from compliance.accounts.strength import ZH
from compliance.clock import SystemClock
from compliance.db import make_engine
from compliance.errors import ComplianceError, ValidationFailed

app = typer.Typer(help="Sign-in administration from the server's shell.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Sign-in administration from the server's shell."""


@app.command("set-password")
def set_password(
    username: str,
    stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Set a user's password (e.g. the first admin's); their sessions and API tokens end.

    A password that is too easy to guess is refused, with the reason."""
    if stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat: ") != password:
            typer.echo("The passwords differ; nothing was changed.", err=True)
            raise typer.Exit(2)
    engine = make_engine()
    try:
        with Session(engine, expire_on_commit=False) as session:
            set_initial_password(session, SystemClock(), get_auth_settings(), username, password)
    except ValidationFailed as exc:
        typer.echo("Rejected; nothing was changed (未修改):", err=True)
        for e in exc.errors:
            zh = ZH.get(e.reason)
            typer.echo(f"  {e.field}: {e.reason}" + (f"({zh})" if zh else ""), err=True)
        raise typer.Exit(2) from None
    except ComplianceError as exc:
        typer.echo(f"Rejected; nothing was changed: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(f"password set for {username}")


if __name__ == "__main__":
    app()
