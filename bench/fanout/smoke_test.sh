#!/usr/bin/env bash
# ctest load_client_smoke: the fan-out load client against a real livedash, 50 SSE and then 50
# WebSocket clients for a few seconds, must see every update on every client with no gap and no
# duplicate (--check makes it exit 1 otherwise). Then, so that this test can fail, against the
# null broadcaster told to skip a sequence number every 10 updates: the client must exit 1 and
# count the gaps.
# Usage: smoke_test.sh LIVEDASH LOAD_CLIENT NULL_BROADCASTER
set -euo pipefail
livedash="$1" load_client="$2" null_broadcaster="$3"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/start_server.sh"
work="$(mktemp -d)"
trap 'stopServer; rm -rf "$work"' EXIT

startServer "$work/livedash.log" "$livedash" run -c "$here/livedash.yaml" -p 0
for protocol in sse ws; do
  echo "== livedash, $protocol"
  "$load_client" --protocol "$protocol" --port "$SERVER_PORT" --clients 50 --duration 3 \
    --drive sql --drive-path /api/v1/sources/bench/sql --rate 100 --check | tee "$work/out"
  grep -qE 'RESULT .* messages=[1-9][0-9]* ' "$work/out"
done
stopServer

echo "== null broadcaster skipping every 10th sequence number: the client must say so"
startServer "$work/null.log" "$null_broadcaster" --port 0 --gap-every 10
status=0
"$load_client" --protocol sse --port "$SERVER_PORT" --clients 20 --duration 1 \
  --drive broadcast --drive-path /broadcast --rate 100 --check >"$work/out" || status=$?
cat "$work/out"
if [[ $status -ne 1 ]] || ! grep -qE 'RESULT .* gaps=[1-9]' "$work/out"; then
  echo "FAIL: the load client did not report the skipped sequence numbers" >&2
  exit 1
fi
echo "smoke test passed"
