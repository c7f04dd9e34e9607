#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each from the checked-in corpus.
# Any crash fails. By default the run is reproducible: a fixed seed and a fixed number of inputs
# (FUZZ_RUNS, default 150000), so that CI passes or fails the same way every time. For an
# exploring session, give a time instead:
#   FUZZ_SECONDS=600 tests/fuzz/run.sh          random seed, 10 minutes per target
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${FUZZ_BUILD_DIR:-$root/build/fuzz}"
seconds="${FUZZ_SECONDS:-}"
runs="${FUZZ_RUNS:-150000}"
mkdir -p "$out"
cxx="ccache clang++"
command -v ccache >/dev/null || cxx="clang++"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root/src" -DBOOST_JSON_NO_LIB -DBOOST_URL_NO_LIB)

build() {  # name, sources...
  local name="$1"
  shift
  local objs=()
  for src in "$@"; do
    local obj="$out/obj/${src#"$root"/}.o"
    mkdir -p "$(dirname "$obj")"
    if [[ ! -f "$obj" || "$src" -nt "$obj" || -n "$(find "$root/src" -name '*.hpp' -newer "$obj" -print -quit)" ]]; then
      # Two compiles at a time: the machines have two cores, and more only thrash.
      while (( $(jobs -rp | wc -l) >= 2 )); do wait -n; done
      $cxx "${flags[@]}" -c "$src" -o "$obj" &
    fi
    objs+=("$obj")
  done
  wait
  $cxx "${flags[@]}" "${objs[@]}" -o "$out/$name" -lfmt -lboost_json -lboost_url -lssl -lcrypto -lpthread
}

mapfile -t core < <(find "$root/src/core" "$root/src/query" -name '*.cpp')
mapfile -t engine < <(find "$root/src/engine" -name '*.cpp')
mapfile -t core_only < <(find "$root/src/core" -name '*.cpp')
mapfile -t server < <(find "$root/src/server" -name '*.cpp' ! -name 'http_session.cpp' ! -name 'http_server.cpp')
echo "== building fuzzers in $out"
build cypher_fuzz "$root/tests/fuzz/cypher_fuzz.cpp" "${core[@]}" "${engine[@]}"
build http_request_fuzz "$root/tests/fuzz/http_request_fuzz.cpp" "${core[@]}" "${server[@]}"
build pgoutput_fuzz "$root/tests/fuzz/pgoutput_fuzz.cpp" "${core_only[@]}" \
  "$root/src/sources/postgres/pg_value.cpp" "$root/src/sources/postgres/pgoutput.cpp"
build ws_frame_fuzz "$root/tests/fuzz/ws_frame_fuzz.cpp" "${core_only[@]}" "$root/src/server/ws_wire.cpp"

run() {  # name, corpus name, inputs per FUZZ_RUNS, extra seed files...
  local name="$1" corpus="$2" scale="$3"
  shift 3
  local work="$out/corpus-$corpus"
  local budget=(-seed=1 -runs="$((runs * scale))")
  [[ -n "$seconds" ]] && budget=(-max_total_time="$seconds")
  echo "== $name: ${budget[*]}"
  # A fresh work corpus each time keeps a fixed-seed run the same from one run to the next.
  rm -rf "$work" && mkdir -p "$work"
  cp "$root/tests/fuzz/corpus/$corpus"/* "$work"/
  for seeds in "$@"; do cp "$seeds" "$work"/; done
  "$out/$name" "${budget[@]}" -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
    -dict="$root/tests/fuzz/$corpus.dict" -artifact_prefix="$out/$name-" -print_final_stats=1 \
    "$work" 2>&1 | tail -n 12
}
# HTTP inputs are about eight times cheaper than queries, so they get more of them.
run cypher_fuzz cypher 1
run http_request_fuzz http 8
# Replication frames and value text: 10,000 to 20,000 inputs a second, so four times the base
# (under a minute).
run pgoutput_fuzz pgoutput 4
# WebSocket frames from a client: a few microseconds each.
run ws_frame_fuzz ws 4
echo "fuzzing found no crash"
