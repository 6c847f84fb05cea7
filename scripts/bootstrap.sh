#!/usr/bin/env bash
# Sets up everything the project needs on a Debian/Ubuntu machine, idempotently:
#   1. system packages (PostgreSQL 15 + PostGIS 3, GDAL, gettext, Chromium) when missing;
#   2. a virtualenv in .venv with the project and its dev tools;
#   3. a PostGIS database: the server in DATABASE_URL when set, else a private cluster
#      under .local/pgdata (started on demand, run by an unprivileged user);
#   4. writes .local/env with the DATABASE_URL that the Makefile exports.
# Usage: scripts/bootstrap.sh [--with-browser] [--with-proxy]
#   --with-proxy: nginx and openssl, for the production path (scripts/serve-production.sh);
#   --with-browser: what the tests need (Chromium, QGIS, and the proxy's packages).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

# A developer's .env may name the database server.
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; . ./.env; set +a; fi

WITH_BROWSER=0
WITH_PROXY=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) WITH_BROWSER=1; WITH_PROXY=1 ;;
    --with-proxy) WITH_PROXY=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "Need root to run: $*  (install sudo or run as root)" >&2; exit 1
  fi
}

# ---------------------------------------------------------------- 1. packages
PG_VERSION=${PG_VERSION:-15}
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
packages=(postgresql-$PG_VERSION postgresql-$PG_VERSION-postgis-3 postgresql-client-$PG_VERSION
          postgresql-$PG_VERSION-pgrouting gdal-bin gettext python3-venv
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
# pgRouting routes the desludging vehicles over the road register (containment/routing.py).
# Pango (with HarfBuzz) lays out the PDF reports; DejaVu covers the signs the bundled
# Noto Sans Bengali lacks (docs/decisions/0016-pdf-reports.md).
# Chromium for the browser tests, a Bengali font so Bangla pages render in them, and QGIS's
# Python bindings for the test that loads the OGC API layers in QGIS itself; poppler's
# pdftotext and pdftoppm for the tests that read the PDF reports back.
[ "$WITH_BROWSER" -eq 1 ] && packages+=(chromium fonts-lohit-beng-bengali python3-qgis
                                        poppler-utils)
# nginx and openssl for the production path (TLS in front of gunicorn), which a test serves.
[ "$WITH_PROXY" -eq 1 ] && packages+=(nginx openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  # Don't let the package's own cluster creation start a second server on 5432 if none runs.
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------- 2. virtualenv
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
      PYTHON=$candidate; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "Python 3.11 or 3.12 is required" >&2; exit 1; }

# Exactly the locked versions, each checked against its hash (requirements/dev.lock, written
# by `make lock` from pyproject.toml). The project itself is not installed: it runs from here.
stamp="$LOCAL/venv.stamp"
LOCK=requirements/dev.lock
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ "$LOCK" -nt "$stamp" ]; then
  say "Installing the locked Python packages into .venv with $PYTHON"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  if ! .venv/bin/pip install -q --require-hashes --no-deps -r "$LOCK" > "$LOCAL/pip.log" 2>&1
  then
    grep -v "^WARNING: Location .* is ignored" "$LOCAL/pip.log" >&2
    echo "Installing from $LOCK failed (the full log: .local/pip.log)" >&2
    exit 1
  fi
  touch "$stamp"
fi

# ---------------------------------------------------------------- 3. database
write_env() {
  printf 'DATABASE_URL=%s\n' "$1" > "$LOCAL/env"
}

if [ -n "${DATABASE_URL:-}" ]; then
  say "Using the database server in DATABASE_URL"
  write_env "$DATABASE_URL"
  exit 0
fi

PGDATA_DIR="$LOCAL/pgdata"
PGLOG="$LOCAL/postgres.log"

# initdb and pg_ctl refuse to run as root: run them as the postgres system user then.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "the postgres system user is missing" >&2; exit 1; }
  if ! runuser -u postgres -- test -x "$LOCAL"; then
    # The checkout lies where the postgres user cannot reach (e.g. under /root): keep the
    # cluster in a folder of its own, linked from .local for people looking for it.
    alt="/var/tmp/imis-pgdata-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
    mkdir -p "$alt"; chown postgres: "$alt"; chmod 700 "$alt"
    ln -sfn "$alt" "$LOCAL/pgdata"
    PGDATA_DIR="$alt"
    PGLOG="$alt.log"
  fi
  mkdir -p "$PGDATA_DIR"; chown postgres: "$PGDATA_DIR"
  touch "$PGLOG"; chown postgres: "$PGLOG"
fi

if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
  say "Creating a private PostGIS cluster in .local/pgdata"
  run_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U imis --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
CONF
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! run_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
  # Keep the port the cluster had; move on when another server took it meanwhile.
  PGPORT_PRIVATE=${IMIS_PG_PORT:-$(cat "$LOCAL/pgport" 2>/dev/null || echo 54329)}
  while port_busy "$PGPORT_PRIVATE"; do PGPORT_PRIVATE=$((PGPORT_PRIVATE + 1)); done
  echo "$PGPORT_PRIVATE" > "$LOCAL/pgport"
  say "Starting the private PostGIS cluster on 127.0.0.1:$PGPORT_PRIVATE"
  run_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -o "-p $PGPORT_PRIVATE" -w -t 60 \
    start >/dev/null
fi
PGPORT_PRIVATE=$(cat "$LOCAL/pgport")

URL="postgres://imis@127.0.0.1:$PGPORT_PRIVATE/imis"
if ! psql "postgres://imis@127.0.0.1:$PGPORT_PRIVATE/postgres" -tAc \
     "SELECT 1 FROM pg_database WHERE datname = 'imis'" | grep -q 1; then
  psql -q "postgres://imis@127.0.0.1:$PGPORT_PRIVATE/postgres" -c "CREATE DATABASE imis"
fi
write_env "$URL"
