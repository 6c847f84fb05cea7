#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database in DATABASE_URL, replacing
# what is there (objects in the backup are dropped first, then recreated). Stop the app and
# the worker first.
#   scripts/restore.sh FILE
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:?usage: scripts/restore.sh FILE (a backups/*.dump)}"
[ -f "$FILE" ] || { echo "no such file: $FILE" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL is not set (make restore sets it)}"
URL="${DATABASE_URL/#postgis:\/\//postgresql://}"
URL="${URL/#postgres:\/\//postgresql://}"
pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction \
  --dbname="$URL" "$FILE"
echo "Restored $FILE"
