#!/usr/bin/env bash
# Fan-out benchmark (docs/performance.md, "Fan-out: SSE and WebSocket delivery"): livedash beside
# a do-nothing broadcaster (the rig's ceiling) and a Node.js + ws peer (seed 004), in one run.
#
#   bench/fanout_bench.sh [BUILD_DIR]        (default build/release)
#
# Environment: COUNTS (clients for the throughput runs, default "1000 10000 19000"), DURATION
# (seconds per run, default 10), WINDOW (updates in flight, default 32), IDLE_CLIENTS (for memory
# per idle connection, default 10000), ROUNDS (of the latency runs, default 3), SECTIONS (which
# to run, default "throughput latency memory max").
#
# Prints one line per run; the RESULT lines are the load client's own.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
counts="${COUNTS:-1000 10000 19000}"
duration="${DURATION:-10}"
window="${WINDOW:-32}"
idle_clients="${IDLE_CLIENTS:-10000}"
rounds="${ROUNDS:-3}"
sections="${SECTIONS:-throughput latency memory max}"
livedash="$build/livedash"
load_client="$build/bench/load_client"
null_broadcaster="$build/bench/null_broadcaster"
source bench/fanout/start_server.sh
for program in "$livedash" "$load_client" "$null_broadcaster"; do
  [[ -x "$program" ]] || { echo "missing $program: build the release preset first" >&2; exit 2; }
done
if [[ ! -d bench/node_peer/node_modules/ws ]]; then
  (cd bench/node_peer && npm ci --no-audit --no-fund >/dev/null)
fi
work="$(mktemp -d)"
trap 'stopServer; rm -rf "$work"' EXIT

# startTarget NAME: livedash | null (one send per client per frame) | batched (the null
# broadcaster with --coalesce: one send per client for all the frames that queued meanwhile) |
# node
startTarget() {
  case "$1" in
    livedash) startServer "$work/server.log" "$livedash" run -c bench/fanout/livedash.yaml -p 0 ;;
    null) startServer "$work/server.log" "$null_broadcaster" --port 0 --threads 2 ;;
    batched) startServer "$work/server.log" "$null_broadcaster" --port 0 --threads 2 --coalesce ;;
    node) startServer "$work/server.log" node bench/node_peer/server.js 0 ;;
  esac
}

# driveArgs NAME: how the load client writes an update to that server.
driveArgs() {
  case "$1" in
    livedash) echo "--drive sql --drive-path /api/v1/sources/bench/sql" ;;
    *) echo "--drive broadcast --drive-path /broadcast" ;;
  esac
}

wanted() { [[ " $sections " == *" $1 "* ]]; }

rssKb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# run NAME PROTOCOL LOAD_CLIENT_ARGS…: one load-client run against a fresh server.
run() {
  local name="$1" protocol="$2"
  shift 2
  startTarget "$name"
  # shellcheck disable=SC2046
  "$load_client" --protocol "$protocol" --port "$SERVER_PORT" --threads 2 $(driveArgs "$name") \
    "$@" >"$work/out" 2>&1 || true
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "$name exited during the run; its log ends:"
    tail -n 5 "$work/server.log"
  fi
  stopServer
  echo "$name $protocol: $(grep -E '^RESULT' "$work/out" || tail -n 3 "$work/out")"
  grep -E '^(first client error|driver error)' "$work/out" || true
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== open files: soft $(ulimit -Sn), hard $(ulimit -Hn)"

if wanted throughput; then
  echo "== throughput: closed loop, $window updates in flight, $duration s per run"
  for n in $counts; do
    for target in "null sse" "batched sse" "livedash sse" "null ws" "batched ws" "livedash ws" \
      "node ws"; do
      # shellcheck disable=SC2086
      run $target --clients "$n" --duration "$duration" --window "$window"
    done
    echo "   load average after $n clients: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi

if wanted latency; then
  # Short and repeated, in turns: on a shared machine one run's p99 is mostly other people's load.
  echo "== latency: 100 clients x 100 updates/s, $duration s, $rounds rounds"
  for _ in $(seq 1 "$rounds"); do
    for target in "null sse" "livedash sse" "null ws" "livedash ws" "node ws"; do
      # shellcheck disable=SC2086
      run $target --clients 100 --duration "$duration" --rate 100
    done
  done
  echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if wanted memory; then
  echo "== memory per idle connection: RSS delta over $idle_clients idle clients"
  for target in "livedash sse" "livedash ws" "null sse" "null ws" "node ws"; do
    read -r name protocol <<<"$target"
    startTarget "$name"
    sleep 0.5
    before=$(rssKb "$SERVER_PID")
    "$load_client" --protocol "$protocol" --port "$SERVER_PORT" --threads 2 \
      --clients "$idle_clients" --idle 4 >"$work/out" 2>&1 &
    client=$!
    for _ in $(seq 1 600); do
      grep -q '^ready:' "$work/out" && break
      sleep 0.05
    done
    sleep 2  # idle, past the connection storm
    after=$(rssKb "$SERVER_PID")
    wait "$client" || true
    stopServer
    echo "$name $protocol: $(grep '^ready:' "$work/out"); RSS $before kB -> $after kB:" \
      "$(( (after - before) * 1024 / idle_clients )) bytes per connection"
  done
fi

if wanted max; then
  # One load client cannot hold more than livedash can (both have the same cap), so two hold
  # 10,000 each, and the connections livedash cannot take stay unanswered.
  echo "== most clients one livedash process holds: two load clients ask for 10000 each"
  for protocol in sse ws; do
    startTarget livedash
    "$load_client" --protocol "$protocol" --port "$SERVER_PORT" --threads 1 --clients 10000 \
      --idle 30 >"$work/first" 2>&1 &
    first=$!
    for _ in $(seq 1 600); do
      grep -q '^ready:' "$work/first" && break
      sleep 0.05
    done
    "$load_client" --protocol "$protocol" --port "$SERVER_PORT" --threads 1 --clients 10000 \
      --idle 1 >"$work/second" 2>&1 || true
    held=$(( $(sed -nE 's/^ready: ([0-9]+) of.*/\1/p' "$work/first") +
             $(sed -nE 's/^ready: ([0-9]+) of.*/\1/p' "$work/second") ))
    stopServer
    wait "$first" || true
    echo "livedash $protocol: $held clients served at once;" \
      "$(grep -c 'accept failed' "$work/server.log" || true) failed accepts logged;" \
      "$(grep -m1 -o 'open files: [^;]*' "$work/server.log" || echo 'no open-files line')"
  done
fi
echo "== done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
