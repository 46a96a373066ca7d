#!/usr/bin/env bash
# Starts the release build (`make release`) with demo data on a free port and
# measures its tracking page in Chromium (end2end/bench/page_weight.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/demo-server.sh
MILEPOST_BIN=./target/release/milepost start_demo_server MILEPOST_RATE_LIMITS=off
MILEPOST_LINKS="$work/links.json" node end2end/bench/page_weight.mjs
