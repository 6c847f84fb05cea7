# The command index of the project: `make help` lists the targets.
# `make run` and `make test` set everything up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
# Every recipe line sees .env (when present) and the DATABASE_URL that bootstrap chose.
WITH_ENV := set -a; [ -f .env ] && . ./.env; [ -z "$$DATABASE_URL" ] && [ -f .local/env ] && . .local/env; set +a;
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_BUILDINGS ?= 20000

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: setup
setup: ## Install system packages, the virtualenv and a PostGIS database (idempotent)
	@$(WITH_ENV) bash scripts/bootstrap.sh

.PHONY: setup-test
setup-test:
	@$(WITH_ENV) bash scripts/bootstrap.sh --with-browser

.PHONY: migrate
migrate: ## Apply database migrations and compile translations
	@$(WITH_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv

.PHONY: demo
demo: setup migrate ## (Re)generate the demo municipality (DEMO_BUILDINGS=20000) with demo accounts
	@$(WITH_ENV) $(PY) manage.py generate_demo --buildings $(DEMO_BUILDINGS) --with-users

.PHONY: run
run: setup migrate ## Set up, load the demo municipality when the database is empty, serve on :8000
	@$(WITH_ENV) $(PY) manage.py generate_demo --if-empty --buildings $(DEMO_BUILDINGS) --with-users
	@echo "Open http://$(HOST):$(PORT)/ and log in as gis / gis (GIS officer) or admin / admin."
	@$(WITH_ENV) bash scripts/serve.sh $(HOST):$(PORT)

.PHONY: serve
serve: ## Serve the production way: gunicorn behind nginx with TLS on https://localhost:8443/
	@$(WITH_ENV) bash scripts/bootstrap.sh --with-proxy
	@$(MAKE) --no-print-directory migrate
	@$(WITH_ENV) $(PY) manage.py generate_demo --if-empty --buildings $(DEMO_BUILDINGS) --with-users
	@$(WITH_ENV) bash scripts/serve-production.sh

.PHONY: lock
lock: ## Re-resolve pyproject.toml into requirements/*.lock (pinned, with hashes)
	@.venv/bin/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -q -o requirements/base.lock
	@.venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -q -o requirements/dev.lock
	@echo "Wrote requirements/base.lock and requirements/dev.lock; commit them."

.PHONY: assets
assets: ## Copy the front-end libraries pinned in package-lock.json into static/vendor/ (npm)
	@$(PY) scripts/assets.py

.PHONY: audit
audit: setup ## Check the locked packages against known vulnerabilities (pip-audit)
	@$(PY) scripts/audit.py

.PHONY: worker
worker: ## Run only the background worker (exports, imports); `make run` starts one itself
	@$(WITH_ENV) $(PY) manage.py procrastinate worker --queues layers,dashboards,holdings

.PHONY: test
test: setup-test check ## Set up and run every check and test (lint, checks, pytest incl. browser)
	@$(WITH_ENV) $(PY) -m pytest

.PHONY: check
check: ## ruff, Django system checks, missing migrations, OpenAPI schema validity
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@$(WITH_ENV) $(PY) manage.py check
	@$(WITH_ENV) $(PY) manage.py makemigrations --check --dry-run
	@$(WITH_ENV) $(PY) manage.py spectacular --validate --fail-on-warn > /dev/null
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv

.PHONY: lint
lint: ## ruff lint
	@.venv/bin/ruff check .

.PHONY: fmt
fmt: ## Format and autofix with ruff
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

.PHONY: bench
bench: setup migrate ## Every benchmark at tier M (150,000 buildings; BENCH_TIER=S|M|L); into docs/performance.md
	@$(WITH_ENV) BENCH_TIER=$${BENCH_TIER:-M} $(PY) bench/harness.py

.PHONY: load
load: setup migrate ## Load test: locust mix against gunicorn (production settings), 50 users
	@$(WITH_ENV) $(PY) manage.py generate_demo --if-empty --buildings $(DEMO_BUILDINGS) --with-users
	@$(WITH_ENV) $(PY) bench/load.py

.PHONY: bench-quick
bench-quick: setup migrate ## Every benchmark at tier S (20,000 buildings, 3 repetitions)
	@$(WITH_ENV) BENCH_TIER=S $(PY) bench/harness.py

.PHONY: messages
messages: ## Refresh the Bangla message catalogue after changing user-facing strings
	@$(PY) manage.py makemessages -l bn --ignore=.venv --ignore=.local
	@$(PY) manage.py makemessages -d djangojs -l bn --ignore=.venv --ignore=.local --ignore=static/vendor --ignore=tests/vendor --ignore=node_modules

.PHONY: backup
backup: setup ## Back up the database to backups/ (pg_dump custom format; FILE=... to name it)
	@$(WITH_ENV) bash scripts/backup.sh $(FILE)

.PHONY: restore
restore: setup ## Restore FILE=backups/....dump into the database, replacing its contents
	@$(WITH_ENV) bash scripts/restore.sh $(FILE)

.PHONY: db-stop
db-stop: ## Stop the private PostGIS cluster (when one was started)
	@bash scripts/db-stop.sh
