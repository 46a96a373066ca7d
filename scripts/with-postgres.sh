#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL: a new cluster in a temporary
# directory on a free port, stopped and removed when the command ends,
# whatever happens. The command finds the server in MILEPOST_TEST_POSTGRES_URL
# (the `postgres` database; tests create their own databases beside it).
#
#   scripts/with-postgres.sh cargo nextest run --features ssr
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/milepost-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# initdb and postgres refuse to run as root; Debian's package made a user for them.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; fi

cleanup() {
  as_owner "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_owner "$bin/initdb" -D "$work/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; exit 1; }
# Tests make many short-lived databases; durability is not what they test, so
# fsync is off unless MILEPOST_PG_DURABLE=1 (benchmarks set it).
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${MILEPOST_PG_DURABLE:-0}" = 1 ] && durability=""
as_owner "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -o \
  "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=400 $durability" \
  start >/dev/null || { cat "$work/server.log"; exit 1; }

export MILEPOST_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port ($work)" >&2
"$@"
