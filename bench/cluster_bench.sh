#!/usr/bin/env bash
# Scale-out benchmark (docs/performance.md, "Scale-out on JetStream"): the fan-out rig of
# bench/fanout_bench.sh (one row, one query, its SSE stream, the load client) against a 3-node
# JetStream cluster with one engine and 1 or 2 edges, beside a single process (`--role all`) in
# the same run. Reports delivered messages/s (1 edge, 2 edges, single process), the latency the
# JetStream hop adds (write to client, same clock), and the most clients 1 and 2 edges hold.
#
#   bench/cluster_bench.sh [BUILD_DIR]        (default build/release)
#
# Environment: COUNTS (clients of the throughput runs, default "1000 10000"), DURATION (s per
# run, default 8), WINDOW (updates in flight, default 32), ROUNDS (latency rounds, default 3),
# SECTIONS (default "throughput latency clients"). SMOKE=1: 50 clients for 3 s at 100 updates/s
# on each of single / 1 edge / 2 edges with --check, so the script cannot rot (ctest
# cluster_bench_smoke); exit 1 on any gap, loss or failed client, 77 without nats-server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build="${1:-build/release}"
livedash="$build/livedash"
load_client="$build/bench/load_client"
for program in "$livedash" "$load_client"; do
  [[ -x "$program" ]] || { echo "missing $program: build the release preset first" >&2; exit 2; }
done
command -v nats-server >/dev/null || { echo "nats-server is not installed: skipped"; exit 77; }
if [[ "${SMOKE:-0}" == 1 ]]; then
  counts=50 duration=3 rounds=0 sections="throughput"
else
  counts="${COUNTS:-1000 10000}" duration="${DURATION:-8}" rounds="${ROUNDS:-3}"
  sections="${SECTIONS:-throughput latency clients}"
fi
window="${WINDOW:-32}"
source bench/fanout/start_server.sh

work="$(mktemp -d /tmp/livedash-cluster-bench-XXXXXX)"
nats_pids=() engine_pid="" edge_pids=() edge_ports=() listener_pids=()
cleanup() {
  for pid in "${listener_pids[@]}" "${edge_pids[@]}" $engine_pid "${nats_pids[@]}"; do
    SERVER_PID=$pid stopServer
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Six free loopback ports (3 NATS clients, 3 routes), held open together so none repeats.
read -r -a ports < <(python3 -c '
import socket
s = [socket.socket() for _ in range(6)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
servers="" routes=""
for i in 0 1 2; do
  servers+="${servers:+, }nats://127.0.0.1:${ports[i]}"
  routes+="${routes:+, }nats-route://127.0.0.1:${ports[i + 3]}"
done
for i in 0 1 2; do
  cat >"$work/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:${ports[i]}
jetstream { store_dir: "$work/n$i" }
cluster { name: livedash-bench, listen: 127.0.0.1:${ports[i + 3]}, routes: [$routes] }
CONF
  nats-server -c "$work/n$i.conf" >"$work/n$i.log" 2>&1 &
  nats_pids+=($!)
done

# The fan-out rig's config, plus the cluster. A short snapshot interval: an edge started after a
# run then finds a snapshot taken after it and has no backlog to replay into the next one.
sed "s|schema_files: \[schema.sql\]|schema_files: [$root/bench/fanout/schema.sql]|" \
  bench/fanout/livedash.yaml >"$work/livedash.yaml"
cat >>"$work/livedash.yaml" <<CONF
cluster:
  servers: [$servers]
  stream: BENCH
  replicas: 3
  snapshot_interval_ms: 1000
CONF

# The engine waits for JetStream's meta leader (up to 30 s) before it prints its port.
startEngine() {
  "$livedash" run -c "$work/livedash.yaml" --role engine -p 0 >"$work/engine.log" 2>&1 &
  engine_pid=$!
  for _ in $(seq 1 600); do
    engine_port=$(sed -nE 's/.*serving http:\/\/localhost:([0-9]+).*/\1/p' "$work/engine.log")
    [[ -n "$engine_port" ]] && return 0
    kill -0 "$engine_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the engine did not start:" >&2
  cat "$work/engine.log" >&2
  exit 1
}

# startEdges N: N fresh edges; sets edge_ports.
startEdges() {
  sleep 1.5  # past the engine's next snapshot: see the config above
  edge_pids=() edge_ports=()
  for i in $(seq 1 "$1"); do
    startServer "$work/edge$i.log" "$livedash" run -c "$work/livedash.yaml" --role edge -p 0
    edge_pids+=("$SERVER_PID") edge_ports+=("$SERVER_PORT")
  done
}
stopEdges() {
  for pid in "${edge_pids[@]}"; do SERVER_PID=$pid stopServer; done
  edge_pids=()
}

failures=0
# loadRun NAME CLIENT_PORTS DRIVE_PORT ARGS…: one load-client run; prints its RESULT line and
# keeps it in $work/NAME.result.
loadRun() {
  local name="$1" client_ports="$2" drive_port="$3"
  shift 3
  local check=()
  [[ "${SMOKE:-0}" == 1 ]] && check=(--check)
  local status=0
  "$load_client" --protocol sse --port "$client_ports" --drive-port "$drive_port" --threads 2 \
    --drive sql --drive-path /api/v1/sources/bench/sql "${check[@]}" "$@" >"$work/out" 2>&1 ||
    status=$?
  grep -E '^RESULT' "$work/out" >"$work/$name.result" || tail -n 3 "$work/out" >"$work/$name.result"
  echo "$name: $(cat "$work/$name.result")"
  grep -E '^(first client error|driver error|CHECK FAILED)' "$work/out" || true
  if grep -q ' connected=0 ' "$work/$name.result"; then
    for log in "$work"/single.log "$work"/edge*.log; do
      [[ -f "$log" ]] && echo "   $(basename "$log") ends: $(tail -n 2 "$log" | tr '\n' ' ')"
    done
  fi
  [[ $status -eq 0 ]] || failures=$((failures + 1))
}
field() { sed -nE "s/.* $2=([0-9.]+).*/\1/p" "$work/$1.result"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "") printf "%+d", a - b; else print "-" }'; }

# threeWay LABEL ARGS…: the same load against a single process, 1 edge and 2 edges.
threeWay() {
  local label="$1"
  shift
  startServer "$work/single.log" "$livedash" run -c "$work/livedash.yaml" --role all -p 0
  loadRun "$label-single" "$SERVER_PORT" "$SERVER_PORT" "$@"
  stopServer
  startEdges 1
  loadRun "$label-1edge" "${edge_ports[0]}" "$engine_port" "$@"
  stopEdges
  startEdges 2
  loadRun "$label-2edges" "${edge_ports[0]},${edge_ports[1]}" "$engine_port" "$@"
  stopEdges
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== open files: soft $(ulimit -Sn), hard $(ulimit -Hn); JetStream: $servers, replicas 3"
startEngine
echo "== engine on $engine_port"

if [[ " $sections " == *" throughput "* ]]; then
  for n in $counts; do
    if [[ "${SMOKE:-0}" == 1 ]]; then
      threeWay "n$n" --clients "$n" --duration "$duration" --rate 100
    else
      echo "== throughput: $n clients, closed loop, $window updates in flight, $duration s"
      threeWay "n$n" --clients "$n" --duration "$duration" --window "$window"
    fi
    echo "   $n clients, msg/s: single $(field "n$n-single" msg_per_s)," \
      "1 edge $(field "n$n-1edge" msg_per_s), 2 edges $(field "n$n-2edges" msg_per_s);" \
      "2 edges / 1 edge = $(ratio "$(field "n$n-2edges" msg_per_s)" "$(field "n$n-1edge" msg_per_s)");" \
      "1 edge / single = $(ratio "$(field "n$n-1edge" msg_per_s)" "$(field "n$n-single" msg_per_s)");" \
      "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
fi

if [[ " $sections " == *" latency "* ]]; then
  echo "== latency: 100 clients x 100 updates/s, $duration s, $rounds rounds"
  for r in $(seq 1 "$rounds"); do
    threeWay "lat$r" --clients 100 --duration "$duration" --rate 100
    for p in p50_us p99_us; do
      single=$(field "lat$r-single" $p) one=$(field "lat$r-1edge" $p) two=$(field "lat$r-2edges" $p)
      echo "   round $r $p: single $single, 1 edge $one ($(minus "$one" "$single")), 2 edges" \
        "$two ($(minus "$two" "$single"))"
    done
  done
  echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [[ " $sections " == *" clients "* ]]; then
  # A load client holds at most its own cap (20,000 here), so 10,000 per load client, two per
  # edge; the connections an edge cannot take wait unanswered. All but the last stay connected
  # (--idle) while the last one connects, and then a few updates go to every client.
  for edges in 1 2; do
    startEdges "$edges"
    listener_pids=()
    for e in $(seq 0 $((edges - 1))); do
      for k in 1 2; do
        [[ $e -eq $((edges - 1)) && $k -eq 2 ]] && continue
        "$load_client" --protocol sse --port "${edge_ports[e]}" --threads 1 --clients 10000 \
          --idle 600 >"$work/hold$e$k" 2>&1 &
        listener_pids+=($!)
        for _ in $(seq 1 1200); do
          grep -q '^ready:' "$work/hold$e$k" && break
          sleep 0.05
        done
      done
    done
    loadRun "hold$edges" "${edge_ports[edges - 1]}" "$engine_port" --threads 1 \
      --clients 10000 --duration 2 --rate 10
    held=$(field "hold$edges" connected)
    for f in "$work"/hold?[12]; do
      held=$((held + $(sed -nE 's/^ready: ([0-9]+) of.*/\1/p' "$f")))
    done
    for pid in "${listener_pids[@]}"; do SERVER_PID=$pid stopServer; done
    listener_pids=()
    rm -f "$work"/hold?[12]
    accept_failures=$(cat "$work"/edge*.log | grep -c 'accept failed' || true)
    stopEdges
    echo "   $edges edge(s): $held clients held at once; $accept_failures failed accepts logged"
  done
fi
echo "== done; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "${SMOKE:-0}" == 1 ]]; then
  [[ $failures -eq 0 ]] || { echo "FAIL: $failures runs missed, repeated or lost updates" >&2; exit 1; }
  echo "smoke test passed"
fi
