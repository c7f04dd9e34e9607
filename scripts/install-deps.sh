#!/usr/bin/env bash
# Installs what livedash needs from Debian 12's packages, skipping what is already there.
#   scripts/install-deps.sh          build and run (the demo)
#   scripts/install-deps.sh --test   also what the tests need: PostgreSQL 15, Chromium, Node.js,
#                                    nats-server (the JetStream cluster tests)
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git
  libboost-system1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libyaml-cpp-dev libsimdjson-dev libfmt-dev libspdlog-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev prometheus-cpp-dev libssl-dev
  libnats-dev ca-certificates
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql-15 chromium sqlite3 curl clang libclang-rt-14-dev nats-server)
  # Node.js runs the browser tests; any recent one will do, so keep one that is already there.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "installing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "error: run as root (or install these packages yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
