#!/usr/bin/env bash
# A new Alembic revision from what the models have that the migrations do not:
#   scripts/new_migration.sh "what it does"
# 0001 is in the field (landed), so the schema only moves forward by new revisions.
set -euo pipefail
cd "$(dirname "$0")/.."
message=${1:?"usage: scripts/new_migration.sh \"what the revision does\""}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export COMPLIANCE_DATABASE_URL="sqlite:///$tmp/head.db"
scripts/uv run compliance db upgrade >/dev/null
last=$(ls compliance/migrations/versions | grep -E '^[0-9]{4}_' | sort | tail -1 | cut -c1-4)
next=$(printf '%04d' $((10#$last + 1)))
scripts/uv run alembic revision --autogenerate --rev-id "$next" -m "$message"
scripts/uv run ruff format -q compliance/migrations/versions/"$next"_*.py
echo "review compliance/migrations/versions/${next}_*.py before committing"
