# The README's commands. `make run` and `make test` set everything up first.
UV := scripts/uv

.PHONY: setup run test lint bench format migration

setup:
	@scripts/setup.sh

HOST ?= 127.0.0.1
PORT ?= 8000
# Two server processes: one per core of the documented machine (README, "Running several workers").
WORKERS ?= 2

run: setup
	$(UV) run compliance db upgrade
	$(UV) run compliance demo load
	$(UV) run compliance detect --as bsw-manager
	$(UV) run compliance audit verify
	$(UV) run compliance demo sign-ins --url http://$(HOST):$(PORT)
	$(UV) run python -m api.serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: setup lint
	$(UV) run pytest

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy compliance policies
	$(UV) run lint-imports

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

bench: setup
	$(UV) run python -m bench.run

migration: setup
	scripts/new_migration.sh "$(MSG)"
