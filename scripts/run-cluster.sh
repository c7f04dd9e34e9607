#!/usr/bin/env bash
# Starts a scale-out livedash on one machine, on loopback: a 3-node NATS JetStream cluster
# (replicas 3), one livedash engine node on the test shop's embedded store, and two edges, all
# under one temp dir. Ctrl-C stops everything. See docs/scale-out.md.
#   scripts/run-cluster.sh [path/to/livedash]
# Ports: NATS clients 4222-4224, routes 6222-6224; engine 8080; edges 8081 and 8082.
set -euo pipefail
livedash=${1:-build/release/livedash}
command -v nats-server >/dev/null || { echo "nats-server is not installed" >&2; exit 1; }
[[ -x "$livedash" ]] || { echo "no livedash binary at $livedash (build it first)" >&2; exit 1; }
livedash=$(realpath "$livedash")
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/livedash-cluster-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

for i in 1 2 3; do
  cat >"$dir/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:$((4221 + i))
jetstream { store_dir: "$dir/n$i" }
cluster {
  name: livedash
  listen: 127.0.0.1:$((6221 + i))
  routes: [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223, nats-route://127.0.0.1:6224]
}
CONF
  nats-server -c "$dir/n$i.conf" >"$dir/n$i.log" 2>&1 &
  pids+=($!)
done

cat >"$dir/livedash.yaml" <<CONF
port: 8080
sources:
  - kind: embedded
    id: shop
    path: $dir/shop.db
    schema_files: [$root/tests/data/app/shop.sql]
queries:
  - id: stats
    query: |
      MATCH (o:orders)
      RETURN o.status AS status, count(o) AS orders, sum(o.total) AS revenue
    sources: [{source_id: shop, nodes: [orders]}]
reactions:
  - {kind: sse, id: stream, queries: [stats], sse_path: /events}
cluster:
  servers: [nats://127.0.0.1:4222, nats://127.0.0.1:4223, nats://127.0.0.1:4224]
  stream: LIVEDASH
  replicas: 3
  snapshot_interval_ms: 2000
CONF

# The engine waits (up to 30 s) for JetStream to elect its meta leader.
"$livedash" run -c "$dir/livedash.yaml" --role engine >"$dir/engine.log" 2>&1 &
pids+=($!)
for port in 8081 8082; do
  "$livedash" run -c "$dir/livedash.yaml" --role edge -p "$port" >"$dir/edge-$port.log" 2>&1 &
  pids+=($!)
done
echo "JetStream: nats://127.0.0.1:4222,4223,4224; engine: http://localhost:8080;"
echo "edges: http://localhost:8081 and :8082 (/health, /api/v1/queries/stats/results, /events)"
echo "logs in $dir"
echo "write:  curl -X POST localhost:8080/api/v1/sources/shop/sql -H 'Content-Type: text/plain' \\"
echo "          -d \"INSERT INTO orders (customer_name, total) VALUES ('Zoe', 3)\""
echo "Ctrl-C stops everything."
wait
