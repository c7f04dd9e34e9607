#!/usr/bin/env bash
# Runs the dashboard's end-to-end browser tests: installs playwright-core from the lockfile when
# node_modules is missing or older than the lockfile, then runs node's test runner here.
# Needs a built livedash (build/release/livedash, or LIVEDASH_BIN) and Debian's chromium.
# Extra arguments go to `node --test` (e.g. --test-name-pattern=polling).
set -euo pipefail
cd "$(dirname "$0")"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # never download a browser: we drive /usr/bin/chromium
stamp=node_modules/.package-lock.json     # written by npm ci
# ctest runs several browser tests at once: one installs while the others wait, or a test would
# load a half-written playwright-core.
exec 9>"${TMPDIR:-/tmp}/livedash-e2e-npm.lock"
flock 9
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" || package.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
flock -u 9

exec node --test "$@"
