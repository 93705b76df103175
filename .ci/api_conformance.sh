#!/usr/bin/env bash
# API conformance: schemathesis (pinned, in its own venv: it is not a project dependency) against a
# served instance with the demo data, as a citizen and as an officer. Fails on a server error or a
# response that the OpenAPI document does not describe (status, content type, schema, headers).
# Usage: .ci/api_conformance.sh POSTGRES_URL   (the database is dropped and re-created)
set -euo pipefail
cd "$(dirname "$0")/.."
db_url="$1"
port="${ST_PORT:-8767}"
examples="${ST_MAX_EXAMPLES:-8}"
st_venv=/tmp/st-venv
py="${PY:-.venv/bin/python}"
[ -x "$st_venv/bin/schemathesis" ] || { python3 -m venv "$st_venv" && "$st_venv/bin/pip" install --quiet "schemathesis==4.3.3" "hypothesis==6.135.0"; }
# hypothesis is pinned too: later releases break hypothesis-jsonschema 0.23 (AttributeError: many.more).

base="${db_url%/*}"; name="${db_url##*/}"
psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS \"$name\"" -c "CREATE DATABASE \"$name\""
export DATABASE_URL="$db_url" MPP_VAR_DIR="$(mktemp -d)" AXES_ENABLED=false PYTHONPATH="$PWD/src"
$py manage.py migrate --noinput -v0
$py manage.py load_demo >/dev/null
"$(dirname "$py")/granian" --interface wsgi --host 127.0.0.1 --port "$port" --workers 1 --blocking-threads 4 \
  --respawn-failed-workers --no-ws mpp.wsgi:application >"$MPP_VAR_DIR/granian.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 1; done

token() { curl -fsS -H 'Content-Type: application/json' -d "$1" "http://127.0.0.1:$port/api/v1/auth/token" \
  | $py -c 'import json, sys; print(json.load(sys.stdin)["token"])'; }
citizen=$(token '{"username": "2171011508900003", "password": "Warga-Demo-2026"}')
officer=$(token "{\"username\": \"petugas.dukcapil\", \"password\": \"Petugas-Demo-2026\", \"otp\": \"$($py manage.py demo_totp | tr -dc 0-9 | head -c 6)\"}")

status=0
for who in citizen officer; do
  echo "--- schemathesis as $who"
  # DELETE /auth/token would revoke the token the run uses; it has its own tests.
  # The generator's own health checks (how fast it makes data) are off: on 5 December a run on two
  # cores busy with another job reported "1 failed" in fuzzing with no issue and no server error
  # in the server's log, as an aborted generation does. Every check of the answers stays.
  "$st_venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer ${!who}" --max-examples "$examples" --seed 2026 \
    --suppress-health-check too_slow,filter_too_much \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --exclude-method DELETE --generation-deterministic --no-color --workers 2 || status=1
done
exit $status
