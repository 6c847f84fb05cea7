#!/usr/bin/env bash
# Stops the project's private PostGIS cluster, if it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PGDATA_DIR=$(readlink -f .local/pgdata)
PG_BIN="/usr/lib/postgresql/${PG_VERSION:-15}/bin"
[ -f "$PGDATA_DIR/PG_VERSION" ] || { echo "no private cluster"; exit 0; }
if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" stop -m fast)
else "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" stop -m fast; fi
