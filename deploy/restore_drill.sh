#!/usr/bin/env bash
# Restore drill: back up a database and its media the documented way, restore both into scratch
# copies, and check that every table has the same number of rows and every media file the same
# checksum. Exits non-zero on any difference. See docs/operations.md.
#   deploy/restore_drill.sh postgres://user@host:5432/mpp /var/lib/mpp/media
set -euo pipefail
source_url="$1"
media="${2:-}"
work=$(mktemp -d)
scratch_url="${source_url%/*}/mpp_restore_drill_$$"
admin_url="${source_url%/*}/postgres"
cleanup() { psql -q "$admin_url" -c "DROP DATABASE IF EXISTS \"${scratch_url##*/}\"" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

counts() {
  psql -qAt "$1" -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1" \
    | while read -r table; do printf '%s %s\n' "$table" "$(psql -qAt "$1" -c "SELECT count(*) FROM \"$table\"")"; done
}

echo "backup: pg_dump --format=custom"
pg_dump --format=custom --no-owner --file="$work/mpp.dump" "$source_url"
counts "$source_url" >"$work/before.txt"
if [ -n "$media" ]; then
  tar -C "$media" -czf "$work/media.tar.gz" .
  (cd "$media" && find . -type f -print0 | sort -z | xargs -0r sha256sum) >"$work/media-before.txt"
fi

echo "restore: pg_restore into ${scratch_url##*/}"
psql -q "$admin_url" -c "CREATE DATABASE \"${scratch_url##*/}\""
pg_restore --no-owner --exit-on-error --dbname="$scratch_url" "$work/mpp.dump"
counts "$scratch_url" >"$work/after.txt"
if [ -n "$media" ]; then
  mkdir "$work/media"
  tar -C "$work/media" -xzf "$work/media.tar.gz"
  (cd "$work/media" && find . -type f -print0 | sort -z | xargs -0r sha256sum) >"$work/media-after.txt"
fi

status=0
if diff -u "$work/before.txt" "$work/after.txt"; then
  echo "tables: $(wc -l <"$work/before.txt"), rows: $(awk '{s+=$2} END {print s}' "$work/before.txt") — all counts match"
else
  echo "row counts differ"; status=1
fi
if [ -n "$media" ]; then
  if diff -u "$work/media-before.txt" "$work/media-after.txt"; then
    echo "media files: $(wc -l <"$work/media-before.txt") — all checksums match"
  else
    echo "media files differ"; status=1
  fi
fi
exit $status
