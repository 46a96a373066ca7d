# Sourced by e2e.sh and schemathesis.sh: `start_demo_server [NAME=value...]`
# starts a real Milepost (./target/debug/milepost, built by `make build`, or
# $MILEPOST_BIN) on
# a throwaway SQLite file and data folder with demo data on a free port, and
# returns once it has written "$work/links.json" (its links, API keys and
# sign-ins). The server is stopped and the folder removed when the calling
# script exits, whatever happens.

work=$(mktemp -d)
server_pid=""
stop_demo_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap stop_demo_server EXIT

start_demo_server() {
  env MILEPOST_DATABASE_URL="sqlite://$work/milepost.db" \
    MILEPOST_ADDR=127.0.0.1:0 \
    MILEPOST_DATA_DIR="$work/data" \
    MILEPOST_DEMO_REPLAY=off \
    MILEPOST_SITE_ROOT="${MILEPOST_SITE_ROOT:-target/site}" \
    "$@" \
    "${MILEPOST_BIN:-./target/debug/milepost}" serve --demo --links-json "$work/links.json" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    [ -s "$work/links.json" ] && return 0
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "server exited early"; exit 1; fi
    sleep 0.5
  done
  cat "$work/server.log"
  echo "server did not start"
  exit 1
}
