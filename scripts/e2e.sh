#!/usr/bin/env bash
# Starts a real Milepost on a throwaway SQLite file with demo data on a free
# port, runs the Playwright tests in end2end/ against it in Chromium, and
# stops the server whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

MILEPOST_DATABASE_URL="sqlite://$work/milepost.db" \
MILEPOST_ADDR=127.0.0.1:0 \
MILEPOST_DEMO_REPLAY=off \
MILEPOST_SITE_ROOT=target/site \
  ./target/debug/milepost serve --demo --links-json "$work/links.json" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  [ -s "$work/links.json" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "server exited early"; exit 1; fi
  sleep 0.5
done
[ -s "$work/links.json" ] || { cat "$work/server.log"; echo "server did not start"; exit 1; }

mkdir -p end2end/test-results
MILEPOST_LINKS="$work/links.json" E2E_OUTPUT="$PWD/end2end/test-results" \
  node --test --test-concurrency=1 end2end/tests/ || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
