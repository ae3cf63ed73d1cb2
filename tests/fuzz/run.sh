#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI schema with schemathesis, as an office editor.
#
# A fresh database (a temporary SQLite file, or FUZZ_DATABASE_URL: a PostgreSQL database whose name
# contains "fuzz", dropped and created again), migrated and loaded with the demo,
# a dev server on a free loopback port, a token for demo-flood-control, then every operation of
# /api/v1/schema/ through schemathesis. Fails on any 5xx, or any answer the schema does not describe
# (status, content type, body). Bounded: FUZZ_MAX_TIME seconds (about three minutes in all).
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${BIN:-.venv/bin}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
# Seconds each process may take: coverage is cut there, and fuzzing repeats until it is spent.
MAX_TIME=${FUZZ_MAX_TIME:-150}
PHASES=${FUZZ_PHASES:-examples,coverage,fuzzing}
MODE=${FUZZ_MODE:-all}
WORK=$(mktemp -d)
REPORT_DIR=${FUZZ_REPORT_DIR:-fuzz-report}
SERVER_PID=

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=config.settings.local
# SQLite: writers queue for the lock (IMMEDIATE, up to 30 s) rather than fail while the parallel runs write.
export DATABASE_URL=${FUZZ_DATABASE_URL:-sqlite:///$WORK/fuzz.sqlite3?timeout=30&transaction_mode=IMMEDIATE}
# The fuzzer is one client sending thousands of requests: no throttling (429s would hide the answers).
export THROTTLE_ANON_RATE= THROTTLE_USER_RATE=
# As in production: error pages are problem details, never a traceback (which goes to the JSON log instead).
export DEBUG=false SECRET_KEY=fuzz-only-not-secret

echo "== fuzz: database ${DATABASE_URL##*/}; demo data as of 2018-06-11"
case "$DATABASE_URL" in postgres*) "$BIN/python" tests/fuzz/fresh_database.py ;; esac
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py load_demo --as-of 2018-06-11 >/dev/null

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN/python" manage.py runserver --noreload "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 60); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done

TOKEN=$(curl -fs -X POST "$BASE/api/v1/auth/token/" -H 'Content-Type: application/json' \
  -d '{"username": "demo-flood-control", "password": "shuitou-editor"}' \
  | "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# The live schema, fetched once for the parallel runs: a generation takes seconds of the server's time, and
# drf-spectacular's first one (loading its extensions) is not thread-safe.
curl -fs "$BASE/api/v1/schema/?format=json&lang=en" -o "$WORK/schema.json"

# Checks left out, because the API means to behave that way:
# - positive_data_acceptance: schema-valid bodies the rules refuse (completed above planned, ids of rows
#   that do not exist, another office's project) are 400/403/404 by design;
# - negative_data_rejection: unknown query parameters are ignored, as DRF does;
# - the stateful checks (use_after_free, ensure_resource_availability): no stateful phase.
# Left out operation: DELETE auth/token/ would revoke the fuzzer's own token.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

# The operations split over parallel schemathesis processes: its own --workers are threads, and several
# threads generating at once trip a CPython 3.11 bug ("SystemError: AST constructor recursion depth
# mismatch"). The last process takes every path the others do not, so new endpoints are fuzzed too.
PARTS=('projects' 'milestones|progress-reports|reports|changes|auth' 'work-items|land-acquisitions|demolitions')
EVERY_PART=$(IFS='|'; echo "${PARTS[*]}")

fuzz() {  # $1: the log's name; then the path filter
  local name=$1; shift
  "$BIN/schemathesis" --config-file tests/fuzz/schemathesis.toml run "$WORK/schema.json" --url "$BASE" "$@" \
    --header "Authorization: Token $TOKEN" \
    --checks "$CHECKS" \
    --phases "$PHASES" --mode "$MODE" \
    --exclude-operation-id auth_token_destroy \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --workers 1 \
    --generation-deterministic \
    --request-timeout 30 \
    --suppress-health-check all \
    --no-color \
    --report junit --report-junit-path "$REPORT_DIR/junit-$name.xml" >"$REPORT_DIR/fuzz-$name.log" 2>&1
}

echo "== fuzz: schemathesis on $BASE/api/v1/schema/ in $((${#PARTS[@]} + 1)) processes of ${MAX_TIME}s"
mkdir -p "$REPORT_DIR"
declare -A runs
for index in "${!PARTS[@]}"; do
  fuzz "$index" --include-path-regex "^/api/v1/(${PARTS[$index]})/" &
  runs[$index]=$!
done
fuzz rest --exclude-path-regex "^/api/v1/($EVERY_PART)/" &
runs[rest]=$!

status=0
for name in "${!runs[@]}"; do
  if wait "${runs[$name]}"; then
    grep -E "^  (Selected|Tested):|generated," "$REPORT_DIR/fuzz-$name.log" | tr -s ' ' | paste -sd' ' | sed "s/^/  [$name] /"
  else
    status=1
    cat "$REPORT_DIR/fuzz-$name.log"
  fi
done

if [ "$status" -ne 0 ]; then
  cp "$WORK/server.log" "$REPORT_DIR/server.log"
  if [ -f "$WORK/fuzz.sqlite3" ]; then cp "$WORK/fuzz.sqlite3" "$REPORT_DIR/"; fi  # the data as the fuzzer left it
  echo "== fuzz: FAILED. Reports and the server log: $REPORT_DIR/. The server's errors:"
  grep -E '"level": "(ERROR|CRITICAL)"|Database unavailable' "$WORK/server.log" | tail -20 || true
else
  echo "== fuzz: no server error, every answer as the schema describes it"
fi
exit "$status"
