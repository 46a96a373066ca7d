#!/usr/bin/env bash
# Starts a real Milepost on a throwaway SQLite file with demo data on a free
# port and lets schemathesis test every operation of /api/openapi.json
# against it with an admin API key: generated valid and invalid requests,
# every check it has (server errors, undocumented status codes, content
# types and headers, response schemas, bad input accepted, good input
# refused...). Any failure fails the script. Stops the server whatever happens.
#
# SCHEMATHESIS_EXAMPLES (default 100) bounds the examples per operation;
# SCHEMATHESIS_ARGS passes more options (e.g. `--seed 1`).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

command -v schemathesis >/dev/null || { echo "schemathesis is not installed (make setup installs it)"; exit 1; }

# The tracking pages' per-address limit would answer a fuzzer's hundreds of
# requests from one address with 429.
MILEPOST_DATABASE_URL="sqlite://$work/milepost.db" \
MILEPOST_ADDR=127.0.0.1:0 \
MILEPOST_DATA_DIR="$work/data" \
MILEPOST_DEMO_REPLAY=off \
MILEPOST_RATE_LIMIT_TRACKING=off \
MILEPOST_SITE_ROOT="${MILEPOST_SITE_ROOT:-target/site}" \
  ./target/debug/milepost serve --demo --links-json "$work/links.json" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  [ -s "$work/links.json" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "server exited early"; exit 1; fi
  sleep 0.5
done
[ -s "$work/links.json" ] || { cat "$work/server.log"; echo "server did not start"; exit 1; }

# links.json: {"links": [{"url": "http://127.0.0.1:PORT/t/..."}...], "api_keys": {"<tenant>": "mp_..."}}
read -r origin api_key < <(python3 -c '
import json, sys, urllib.parse
doc = json.load(open(sys.argv[1]))
url = urllib.parse.urlsplit(doc["links"][0]["url"])
print(f"{url.scheme}://{url.netloc}", next(iter(doc["api_keys"].values())))
' "$work/links.json")

status=0
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" \
schemathesis --config-file scripts/schemathesis.toml run "$origin/api/openapi.json" \
  --url "$origin" \
  --header "Authorization: Bearer $api_key" \
  --checks all \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-100}" \
  --request-timeout 10 \
  --suppress-health-check all \
  ${SCHEMATHESIS_ARGS:-} || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (panics and errors, then the last 20 lines)"
  grep -E "panicked|ERROR" "$work/server.log" | head -20 || true
  tail -20 "$work/server.log"
  exit "$status"
fi
