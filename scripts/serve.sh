#!/usr/bin/env bash
# Serve the app for development: the background worker (exports, imports) and runserver
# together; stopping one (Ctrl+C) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADDRESS="${1:-127.0.0.1:8000}"
"$PY" manage.py procrastinate worker --queues layers,dashboards,holdings &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "$ADDRESS"
