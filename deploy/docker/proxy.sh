#!/bin/sh
# docker compose's proxy: nginx from Debian (in the app image, which holds the static files)
# with deploy/nginx/imis.conf.template, and a self-signed certificate made on first start
# unless /app/tls holds imis.crt and imis.key of your own.
set -eu
export IMIS_SERVER_NAME="${IMIS_SERVER_NAME:-localhost}"
export IMIS_UPSTREAM="${IMIS_UPSTREAM:-web:8001}"
export IMIS_HTTP_PORT=80 IMIS_HTTPS_PORT=443
export IMIS_HTTPS_SUFFIX="${IMIS_HTTPS_SUFFIX:-}"
export IMIS_TLS_CERT=/app/tls/imis.crt IMIS_TLS_KEY=/app/tls/imis.key
export IMIS_STATIC_ROOT=/app/.local/static IMIS_MEDIA_ROOT=/app/media
export IMIS_ACME_ROOT=/app/tls/acme IMIS_MAX_BODY="${IMIS_MAX_BODY:-210m}"
mkdir -p /app/tls/acme
if [ ! -s "$IMIS_TLS_CERT" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$IMIS_SERVER_NAME" \
    -addext "subjectAltName=DNS:$IMIS_SERVER_NAME,DNS:localhost,IP:127.0.0.1" \
    -keyout "$IMIS_TLS_KEY" -out "$IMIS_TLS_CERT" 2>/dev/null
fi
rm -f /etc/nginx/sites-enabled/default
envsubst '${IMIS_UPSTREAM} ${IMIS_HTTP_PORT} ${IMIS_HTTPS_PORT} ${IMIS_HTTPS_SUFFIX}
${IMIS_SERVER_NAME} ${IMIS_TLS_CERT} ${IMIS_TLS_KEY} ${IMIS_STATIC_ROOT} ${IMIS_MEDIA_ROOT}
${IMIS_ACME_ROOT} ${IMIS_MAX_BODY}' \
  < /app/deploy/nginx/imis.conf.template > /etc/nginx/conf.d/imis.conf
nginx -t -q
exec nginx -g 'daemon off;'
