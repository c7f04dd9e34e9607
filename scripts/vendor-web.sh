#!/usr/bin/env bash
# Copies the third-party code the pages use (uPlot, from web/package-lock.json) into web/vendor/,
# which is committed and embedded in the binary like the rest of web/: a build needs no network
# and no npm. Run after changing web/package.json; `--check` fails when web/vendor/ differs from
# what the lockfile installs (the e2e tests run it).
set -euo pipefail
cd "$(dirname "$0")/../web"

stamp=node_modules/.package-lock.json # written by npm ci
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" || package.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

out=vendor/uplot
files=(dist/uPlot.esm.js dist/uPlot.min.css LICENSE)
if [[ "${1:-}" == "--check" ]]; then
  for f in "${files[@]}"; do
    cmp -s "node_modules/uplot/$f" "$out/$(basename "$f")" || {
      echo "web/$out/$(basename "$f") differs from the lockfile's uPlot: run scripts/vendor-web.sh" >&2
      exit 1
    }
  done
  exit 0
fi
mkdir -p "$out"
for f in "${files[@]}"; do cp "node_modules/uplot/$f" "$out/"; done
echo "web/$out: uPlot $(node -p "require('./node_modules/uplot/package.json').version")"
