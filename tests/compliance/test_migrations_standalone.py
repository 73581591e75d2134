"""Each migration stands alone: it imports nothing of the application's own code.

A revision that imported the application (triggers, models, column types, helpers) would
silently change what it creates whenever that code changes or moves, so databases migrated
before and after the change would differ. A revision spells out its SQL and types as of its
own date; only libraries are imported.
"""

import ast
import sys
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[2] / "compliance" / "migrations" / "versions"
TEMPLATE = VERSIONS.parent / "script.py.mako"

# The standard library and the libraries pinned by uv.lock; nothing of this project's own.
ALLOWED = set(sys.stdlib_module_names) | {"alembic", "sqlalchemy", "sqlmodel"}
OWN = {"compliance", "policies", "api"}


def _revisions() -> list[Path]:
    found = sorted(VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert found, f"no revisions found in {VERSIONS}"
    return found


def _offences(tree: ast.AST) -> list[str]:
    """Imports of anything but the allowed libraries, and any use of the project's packages."""
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        elif isinstance(node, ast.Name) and node.id in OWN:
            offences.append(f"line {node.lineno}: uses {node.id}")
            continue
        else:
            continue
        for name in names:
            if name.split(".")[0] not in ALLOWED:
                offences.append(f"line {node.lineno}: imports {name}")
    return offences


@pytest.mark.parametrize("path", _revisions(), ids=lambda p: p.name)
def test_a_revision_imports_only_libraries(path: Path) -> None:
    assert _offences(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_check_catches_what_it_guards() -> None:
    source = (
        "import compliance.db\n"
        "def upgrade():\n"
        "    from compliance.cases.triggers import statements\n"
        "    from .helpers import x\n"
        "    compliance.db.UTCDateTime()\n"
    )
    assert len(_offences(ast.parse(source))) == 4


def test_new_revisions_start_without_the_applications_imports() -> None:
    # alembic revision --autogenerate writes from this template; env.py renders UTCDateTime as
    # sa.DateTime, so a new revision needs no import of compliance either.
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    imports = [line for line in lines if "import" in line]
    assert imports
    assert not [line for line in imports if any(own in line for own in OWN)]
