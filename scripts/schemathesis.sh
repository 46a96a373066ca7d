#!/usr/bin/env bash
# Starts a real Milepost on a throwaway SQLite file with demo data on a free
# port and lets schemathesis test every operation of /api/openapi.json
# against it with an admin API key: generated valid and invalid requests,
# every check it has (server errors, undocumented status codes, content
# types and headers, response schemas, bad input accepted, good input
# refused...). Any failure fails the script. Stops the server whatever happens.
#
# SCHEMATHESIS_EXAMPLES bounds the examples per operation in every phase
# (scripts/schemathesis.toml sets 100, and 20 stateful scenarios);
# SCHEMATHESIS_ARGS passes more options (e.g. `--seed 1`).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v schemathesis >/dev/null || { echo "schemathesis is not installed (make setup installs it)"; exit 1; }

source scripts/demo-server.sh
# The tracking pages' per-address limit would answer a fuzzer's hundreds of
# requests from one address with 429.
start_demo_server MILEPOST_RATE_LIMIT_TRACKING=off

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
  ${SCHEMATHESIS_EXAMPLES:+--max-examples "$SCHEMATHESIS_EXAMPLES"} \
  --suppress-health-check all \
  ${SCHEMATHESIS_ARGS:-} || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (panics and errors, then the last 20 lines)"
  grep -E "panicked|ERROR" "$work/server.log" | head -20 || true
  tail -20 "$work/server.log"
  exit "$status"
fi
