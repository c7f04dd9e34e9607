#!/usr/bin/env bash
# The order dashboard on a throwaway PostgreSQL 15: creates a cluster in a temporary directory
# (wal_level = logical, loopback only, trust authentication), loads postgres/schema.sql into a
# database `ecommerce`, and runs `livedash run -c postgres/livedash.yaml` against it. The cluster
# is stopped and its directory removed when livedash exits, on Ctrl-C and on SIGTERM.
#
#   examples/order-dashboard/run-postgres.sh [livedash run options, e.g. --port 9000]
#
# Environment:
#   LIVEDASH_BIN   the binary (default: build/release/livedash in this repository)
#   PGPORT         the cluster's port (default: a free loopback port)
#   STUCK_SECONDS  how long an order sits in processing or packing before it is stuck (60)
#   SSE_PORT       the stream's port (8081); LIVEDASH_PORT the main port (8080)
#   PG_BIN_DIR     PostgreSQL's programs (default: /usr/lib/postgresql/15/bin)
# While it runs, `psql` in another terminal reaches the database with the PGHOST, PGPORT, PGUSER
# and PGDATABASE it prints.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${LIVEDASH_BIN:-$repo/build/release/livedash}"
pg_bin="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
config="$here/postgres/livedash.yaml"
schema="$here/postgres/schema.sql"

die() { echo "run-postgres.sh: $*" >&2; exit 1; }

[[ -x "$bin" ]] || die "no livedash binary at $bin: build it (cmake --build build/release --target livedash) or set LIVEDASH_BIN"
for tool in initdb pg_ctl postgres; do
  [[ -x "$pg_bin/$tool" ]] || die "PostgreSQL 15 is not installed ($pg_bin/$tool is missing; apt-get install postgresql-15)"
done
command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client-15)"

# As root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root), and the
# directory must be one that user can reach: /tmp rather than a private $TMPDIR.
as_pg=()
base="${TMPDIR:-/tmp}"
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no \`postgres\` OS user to run the server"
  command -v runuser >/dev/null || die "running as root, but runuser is not installed"
  as_pg=(runuser -u postgres --)
  base=/tmp
fi

dir="$(mktemp -d "$base/livedash-pg-XXXXXX")"
data="$dir/data"
livedash_pid=""
cluster_started=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$livedash_pid" ]] && kill -0 "$livedash_pid" 2>/dev/null; then
    kill -TERM "$livedash_pid" 2>/dev/null || true
    wait "$livedash_pid" 2>/dev/null || true
  fi
  if [[ $cluster_started -eq 1 && -f "$data/postmaster.pid" ]]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 -s stop >/dev/null 2>&1 ||
      "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$data" -m immediate -w -s stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  echo "run-postgres.sh: cluster stopped and removed" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ ${#as_pg[@]} -eq 0 ]] || chown postgres: "$dir"
"${as_pg[@]}" "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --no-locale -E UTF8 --no-sync \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
cat >>"$data/postgresql.conf" <<'CONF'

# livedash order dashboard (run-postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
wal_level = logical
max_replication_slots = 4
max_wal_senders = 4
fsync = off
synchronous_commit = off
timezone = 'UTC'
include 'port.conf'
CONF

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A given PGPORT is used as is; otherwise a random free loopback port, tried again if another
# process takes it between the check and the server's bind.
start_on() {
  echo "port = $1" >"$data/port.conf"
  chmod 644 "$data/port.conf"
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -s start >/dev/null 2>&1
}
if [[ -n "${PGPORT:-}" ]]; then
  port="$PGPORT"
  cluster_started=1
  start_on "$port" || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start on port $port"; }
else
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    cluster_started=1
    start_on "$port" && break
    grep -qE "could not bind|could not create any TCP/IP sockets" "$dir/server.log" 2>/dev/null ||
      { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    [[ $attempt -lt 8 ]] || die "PostgreSQL could not bind a port in 8 attempts"
  done
fi

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=ecommerce
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE ecommerce" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$schema" >/dev/null
echo "run-postgres.sh: PostgreSQL 15 in $dir, schema loaded" >&2
echo "run-postgres.sh: psql: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER PGDATABASE=$PGDATABASE psql" >&2

"$bin" run -c "$config" "$@" &
livedash_pid=$!
set +e
wait "$livedash_pid"
status=$?
set -e
livedash_pid=""
exit "$status"
