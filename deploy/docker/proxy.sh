#!/bin/sh
# docker compose's proxy: nginx from Debian (in the app image, which holds the static files)
# with deploy/nginx/imis.conf.template (rendered by render.sh, which also makes a self-signed
# certificate on first start unless /app/tls holds imis.crt and imis.key of your own).
set -eu
export IMIS_SERVER_NAME="${IMIS_SERVER_NAME:-localhost}"
export IMIS_UPSTREAM="${IMIS_UPSTREAM:-web:8001}"
export IMIS_HTTP_PORT=80 IMIS_HTTPS_PORT=443
export IMIS_HTTPS_SUFFIX="${IMIS_HTTPS_SUFFIX:-}"
export IMIS_TLS_CERT=/app/tls/imis.crt IMIS_TLS_KEY=/app/tls/imis.key
export IMIS_STATIC_ROOT=/app/.local/static IMIS_MEDIA_ROOT=/app/media
export IMIS_ACME_ROOT=/app/tls/acme IMIS_MAX_BODY="${IMIS_MAX_BODY:-210m}"
mkdir -p /app/tls/acme
rm -f /etc/nginx/sites-enabled/default
sh /app/deploy/nginx/render.sh /etc/nginx/conf.d/imis.conf
nginx -t -q
exec nginx -g 'daemon off;'
