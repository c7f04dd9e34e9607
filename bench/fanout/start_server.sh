# shellcheck shell=bash
# bench/fanout/start_server.sh: sourced by the fan-out benchmark and its smoke test.
#
# startServer LOGFILE COMMAND… starts a server in the background and waits for the port it
# prints (`listening on PORT`, or livedash's `serving http://localhost:PORT`); it sets
# SERVER_PID and SERVER_PORT. stopServer ends that process (SIGTERM, then SIGKILL after 5 s).

startServer() {
  local log="$1"
  shift
  # Created here, not by the background job's redirection, so the first read below cannot race
  # it (sed on a missing file fails, and with pipefail and set -e that ends the caller).
  : >"$log"
  "$@" >>"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_PORT=""
  for _ in $(seq 1 200); do
    SERVER_PORT=$(sed -nE 's/.*(listening on |serving http:\/\/localhost:)([0-9]+).*/\2/p' "$log" |
      head -n1)
    [[ -n "$SERVER_PORT" ]] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited before it listened: $*" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "server printed no port within 10 s: $*" >&2
  cat "$log" >&2
  stopServer
  return 1
}

stopServer() {
  [[ -n "${SERVER_PID:-}" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
