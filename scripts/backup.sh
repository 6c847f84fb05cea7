#!/usr/bin/env bash
# Back up the database (DATABASE_URL) with pg_dump's custom format, which pg_restore reads
# table by table; PostGIS geometries, history, the job queue and all are included.
#   scripts/backup.sh [FILE]     default: $IMIS_BACKUP_DIR/imis-YYYYmmdd-HHMMSS.dump
# Without FILE (the nightly backup: deploy/systemd/imis-backup.timer, compose's `backup`), only
# the newest IMIS_BACKUP_KEEP (14) dumps in IMIS_BACKUP_DIR (backups/) are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL is not set (make backup sets it)}"
# libpq does not know Django's postgis:// scheme.
URL="${DATABASE_URL/#postgis:\/\//postgresql://}"
URL="${URL/#postgres:\/\//postgresql://}"
FOLDER=${IMIS_BACKUP_DIR:-backups}
FILE="${1:-$FOLDER/imis-$(date +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$FILE")"
# Written under a temporary name first: a dump cut short never looks like a backup.
pg_dump --format=custom --no-owner --file="$FILE.partial" "$URL"
mv "$FILE.partial" "$FILE"
echo "Backed up to $FILE ($(du -h "$FILE" | cut -f1))"
if [ -z "${1:-}" ]; then
  KEEP=${IMIS_BACKUP_KEEP:-14}
  # Names sort by time; remove all but the newest KEEP.
  find "$FOLDER" -maxdepth 1 -name 'imis-*.dump' | sort | head -n "-$KEEP" | while read -r old; do
    rm -f -- "$old" && echo "Removed the old backup $old"
  done
fi
