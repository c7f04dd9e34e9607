#!/usr/bin/env bash
# The second README command: install what is missing (PostgreSQL and Chromium included), build,
# and run every test: the release build's full suite (unit, integration, browser), then the unit
# and integration suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# ccache keys independent of the clone's path (the fuzzers are built by a test, not build.sh).
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
scripts/install-deps.sh --test
tools/check_layers.sh

echo "== release build"
scripts/build.sh release
echo "== release tests"
ctest --preset release --output-on-failure -j2

echo "== sanitizer build (ASan + UBSan)"
scripts/build.sh asan
echo "== sanitizer tests"
ctest --preset asan --output-on-failure -j2 -LE "e2e|fuzz"

echo "== all tests passed in $(( $(date +%s) - start )) s"
