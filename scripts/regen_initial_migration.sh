#!/usr/bin/env bash
# Regenerate the initial migration from the models while nothing is released yet.
# Once a database in the field has run 0001, add new revisions instead of running this.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f compliance/migrations/versions/0001_initial.py
COMPLIANCE_DATABASE_URL="sqlite:///$tmp/empty.db" uv run alembic revision --autogenerate \
  --rev-id 0001 -m initial >/dev/null
f=compliance/migrations/versions/0001_initial.py
uv run python scripts/_add_migration_extras.py "$f"
uv run ruff format -q "$f"
echo "wrote $f"
