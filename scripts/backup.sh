#!/usr/bin/env bash
# Back up the database (DATABASE_URL) with pg_dump's custom format, which pg_restore reads
# table by table; PostGIS geometries, history, the job queue and all are included.
#   scripts/backup.sh [FILE]     default: backups/imis-YYYYmmdd-HHMMSS.dump
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL is not set (make backup sets it)}"
# libpq does not know Django's postgis:// scheme.
URL="${DATABASE_URL/#postgis:\/\//postgresql://}"
URL="${URL/#postgres:\/\//postgresql://}"
FILE="${1:-backups/imis-$(date +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$FILE")"
pg_dump --format=custom --no-owner --file="$FILE" "$URL"
echo "Backed up to $FILE ($(du -h "$FILE" | cut -f1))"
