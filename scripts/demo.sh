#!/usr/bin/env bash
# The first README command: install what is missing, build, and run the demo at
# http://localhost:8080 (Ctrl-C stops it). Extra arguments go to `livedash demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/release/livedash demo "$@"
