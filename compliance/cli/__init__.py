"""The `compliance` command line (Typer + Rich)."""

from compliance.cli.main import app

__all__ = ["app"]
