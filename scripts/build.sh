#!/usr/bin/env bash
# Configures and builds one CMake preset (release by default, or asan).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Relative paths in the cache keys, so that another clone of the repository hits the same cache.
export CCACHE_BASEDIR="$PWD"
export CCACHE_NOHASHDIR=1
ccache --max-size=5G >/dev/null 2>&1 || true
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
