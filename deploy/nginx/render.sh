#!/bin/sh
# Writes the nginx site (imis.conf.template beside this file, its ${IMIS_...} values from
# the environment) to the file named by $1, after making a self-signed certificate at
# IMIS_TLS_CERT / IMIS_TLS_KEY when there is none there. Used by scripts/serve-production.sh
# and by docker compose's proxy (deploy/docker/proxy.sh); POSIX sh, for both.
set -eu
out=$1
here=$(dirname "$0")
if [ ! -s "$IMIS_TLS_CERT" ]; then
  echo "Creating a self-signed certificate for $IMIS_SERVER_NAME in $(dirname "$IMIS_TLS_CERT")" >&2
  mkdir -p "$(dirname "$IMIS_TLS_CERT")" "$(dirname "$IMIS_TLS_KEY")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$IMIS_SERVER_NAME" \
    -addext "subjectAltName=DNS:$IMIS_SERVER_NAME,DNS:localhost,IP:127.0.0.1" \
    -keyout "$IMIS_TLS_KEY" -out "$IMIS_TLS_CERT" 2>/dev/null
fi
# envsubst replaces only these, leaving nginx's own $variables alone.
envsubst '${IMIS_UPSTREAM} ${IMIS_HTTP_PORT} ${IMIS_HTTPS_PORT} ${IMIS_HTTPS_SUFFIX}
${IMIS_SERVER_NAME} ${IMIS_TLS_CERT} ${IMIS_TLS_KEY} ${IMIS_STATIC_ROOT} ${IMIS_MEDIA_ROOT}
${IMIS_ACME_ROOT} ${IMIS_MAX_BODY}' < "$here/imis.conf.template" > "$out"
