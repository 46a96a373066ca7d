#!/usr/bin/env bash
# Starts a real Milepost on a throwaway SQLite file with demo data on a free
# port, runs the Playwright tests in end2end/ against it in Chromium, and
# stops the server whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/demo-server.sh
start_demo_server

mkdir -p end2end/test-results
MILEPOST_LINKS="$work/links.json" E2E_OUTPUT="$PWD/end2end/test-results" \
  node --test --test-concurrency=1 end2end/tests/ || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
