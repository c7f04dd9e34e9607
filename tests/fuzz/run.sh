#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for FUZZ_SECONDS (default
# 20), starting from the checked-in corpus plus the repository's own queries. Any crash fails.
#   FUZZ_SECONDS=600 tests/fuzz/run.sh          a longer local session
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${FUZZ_BUILD_DIR:-$root/build/fuzz}"
seconds="${FUZZ_SECONDS:-20}"
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
      $cxx "${flags[@]}" -c "$src" -o "$obj" &
    fi
    objs+=("$obj")
  done
  wait
  $cxx "${flags[@]}" "${objs[@]}" -o "$out/$name" -lfmt -lboost_json -lboost_url -lpthread
}

mapfile -t core < <(find "$root/src/core" "$root/src/query" -name '*.cpp')
mapfile -t engine < <(find "$root/src/engine" -name '*.cpp')
mapfile -t server < <(find "$root/src/server" -name '*.cpp' ! -name 'http_session.cpp' ! -name 'http_server.cpp' ! -name 'sse_*.cpp')
echo "== building fuzzers in $out"
build cypher_fuzz "$root/tests/fuzz/cypher_fuzz.cpp" "${core[@]}" "${engine[@]}"
build http_request_fuzz "$root/tests/fuzz/http_request_fuzz.cpp" "${core[@]}" "${server[@]}"

run() {  # name, corpus name, extra seed folders...
  local name="$1" corpus="$2"
  shift 2
  local work="$out/corpus-$corpus"
  mkdir -p "$work"
  cp -n "$root/tests/fuzz/corpus/$corpus"/* "$work"/ 2>/dev/null || true
  for seeds in "$@"; do cp -n "$seeds" "$work"/ 2>/dev/null || true; done
  echo "== $name for ${seconds}s"
  "$out/$name" -max_total_time="$seconds" -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
    -dict="$root/tests/fuzz/$corpus.dict" -artifact_prefix="$out/$name-" -print_final_stats=1 \
    "$work" 2>&1 | tail -n 12
}
run cypher_fuzz cypher
run http_request_fuzz http
echo "fuzzing found no crash"
