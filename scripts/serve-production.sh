#!/usr/bin/env bash
# Serve the app the production way on this machine, without Docker or systemd: gunicorn with
# the production settings behind nginx (TLS, static files, private files through
# X-Accel-Redirect), and the background worker. The same services as docker-compose.yml and
# deploy/systemd; a test starts it (tests/test_production.py). Ctrl+C stops all three.
#
# Environment (all optional):
#   IMIS_HTTPS_PORT (8443), IMIS_HTTP_PORT (8080), IMIS_BIND (gunicorn, 127.0.0.1:8001)
#   IMIS_SERVER_NAME (localhost), IMIS_TLS_CERT / IMIS_TLS_KEY (a self-signed pair in
#   .local/tls when unset), DJANGO_SECRET_KEY (one kept in .local/secret-key when unset),
#   IMIS_RUN_DIR (.local/production: nginx's configuration, temporary files and logs),
#   IMIS_NO_WORKER=1 to leave the worker out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-.venv/bin/python}
RUN=${IMIS_RUN_DIR:-$ROOT/.local/production}
mkdir -p "$RUN/tmp" "$RUN/log"

export DJANGO_SETTINGS_MODULE=config.settings.production
export IMIS_HTTPS_PORT=${IMIS_HTTPS_PORT:-8443}
export IMIS_HTTP_PORT=${IMIS_HTTP_PORT:-8080}
export IMIS_BIND=${IMIS_BIND:-127.0.0.1:8001}
export IMIS_SERVER_NAME=${IMIS_SERVER_NAME:-localhost}
export DJANGO_STATIC_ROOT=${DJANGO_STATIC_ROOT:-$ROOT/.local/static}
export DJANGO_MEDIA_ROOT=${DJANGO_MEDIA_ROOT:-$ROOT/.local/media}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,$IMIS_SERVER_NAME}
export IMIS_PRIVATE_FILES_ACCEL=/private-files/
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s .local/secret-key ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' \
    > .local/secret-key
  DJANGO_SECRET_KEY=$(cat .local/secret-key)
  export DJANGO_SECRET_KEY
fi

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# A certificate of your own in IMIS_TLS_CERT / IMIS_TLS_KEY, else a self-signed one in
# .local/tls made by render.sh (ACME: docs/deployment.md). Browsers warn once; the field
# app's service worker needs HTTPS.
IMIS_TLS_CERT=${IMIS_TLS_CERT:-$ROOT/.local/tls/imis.crt}
IMIS_TLS_KEY=${IMIS_TLS_KEY:-$ROOT/.local/tls/imis.key}
export IMIS_TLS_CERT IMIS_TLS_KEY
export IMIS_UPSTREAM=$IMIS_BIND
export IMIS_STATIC_ROOT=$DJANGO_STATIC_ROOT IMIS_MEDIA_ROOT=$DJANGO_MEDIA_ROOT
export IMIS_ACME_ROOT=$RUN/acme IMIS_MAX_BODY=${IMIS_MAX_BODY:-210m}
if [ "$IMIS_HTTPS_PORT" = 443 ]; then IMIS_HTTPS_SUFFIX=""; else IMIS_HTTPS_SUFFIX=":$IMIS_HTTPS_PORT"; fi
export IMIS_HTTPS_SUFFIX
mkdir -p "$IMIS_ACME_ROOT" "$DJANGO_MEDIA_ROOT"

say "Collecting static files into $DJANGO_STATIC_ROOT"
"$PY" manage.py collectstatic --noinput -v 0

# nginx's own main configuration around the site's (deploy/nginx/imis.conf.template).
sh deploy/nginx/render.sh "$RUN/imis.conf"
# Run as root (a container, CI), nginx's workers would switch to "nobody", who may not
# reach the checkout's files: keep them as the user who started it.
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$RUN/nginx.conf" <<CONF
$user_line
worker_processes auto;
pid $RUN/nginx.pid;
error_log $RUN/log/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    types { application/geo+json geojson; application/geopackage+sqlite3 gpkg; }
    default_type application/octet-stream;
    sendfile on;
    access_log $RUN/log/nginx-access.log;
    client_body_temp_path $RUN/tmp/body;
    proxy_temp_path $RUN/tmp/proxy;
    fastcgi_temp_path $RUN/tmp/fastcgi;
    uwsgi_temp_path $RUN/tmp/uwsgi;
    scgi_temp_path $RUN/tmp/scgi;
    include $RUN/imis.conf;
}
CONF
nginx -t -q -e "$RUN/log/nginx-error.log" -c "$RUN/nginx.conf" -p "$RUN"

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# The worker stops when the database goes away; start it again, as systemd's Restart= and
# compose's restart: policy do.
worker_loop() {
  local child=""
  trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
  while true; do
    "$PY" manage.py procrastinate worker --queues layers,dashboards,holdings &
    child=$!
    wait "$child" || true
    sleep 5
  done
}

say "gunicorn on $IMIS_BIND (production settings)"
.venv/bin/gunicorn -c config/gunicorn.py config.wsgi:application &
pids+=($!)
say "nginx: https://$IMIS_SERVER_NAME$IMIS_HTTPS_SUFFIX/ (http://…:$IMIS_HTTP_PORT redirects)"
nginx -e "$RUN/log/nginx-error.log" -c "$RUN/nginx.conf" -p "$RUN" -g 'daemon off;' &
pids+=($!)
serving=("${pids[@]}")
if [ -z "${IMIS_NO_WORKER:-}" ]; then
  worker_loop &
  pids+=($!)
fi
# When gunicorn or nginx stops, stop the rest.
wait -n "${serving[@]}"
