#!/usr/bin/env bash
# Fails when an include crosses a layer the wrong way, or a hazard leaves the files allowed it.
# Layers: app -> {server, reactions, sources, config} -> engine -> query -> core.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

allowed() {
  case "$1" in
    core) echo "core" ;;
    query) echo "core query" ;;
    engine) echo "core query engine" ;;
    config) echo "core config" ;;
    sources) echo "core query engine sources" ;;
    reactions) echo "core query engine reactions" ;;
    server) echo "core server" ;;
    app) echo "core query engine config sources reactions server app" ;;
  esac
}

for layer in core query engine config sources reactions server app; do
  ok=" $(allowed "$layer") "
  while IFS=: read -r file line include; do
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$include")
    if [[ "$ok" != *" $target "* ]]; then
      echo "$file:$line: layer '$layer' may not include '$target' ($include)"
      status=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "src/$layer" || true)
done

only_in() {
  local pattern="$1" where="$2" what="$3"
  while IFS= read -r file; do
    if [[ "$file" != $where ]]; then
      echo "$file: $what belongs in $where only"
      status=1
    fi
  done < <(grep -rlE "$pattern" src || true)
}
only_in 'system_clock::now' 'src/core/system_clock.cpp' 'reading the wall clock'
only_in '#include [<"]sqlite3\.h' 'src/sources/embedded/*' 'sqlite3.h'
only_in '#include [<"]libpq-fe\.h' 'src/sources/postgres/*' 'libpq-fe.h'
only_in '#include [<"]yaml-cpp' 'src/config/*' 'yaml-cpp'
only_in '#include [<"]boost/beast' 'src/server/*' 'Boost.Beast'
only_in '#include [<"]nats/' 'src/reactions/jetstream/nats_client.cpp' 'libnats'

beast_files=$(grep -rlE '#include [<"]boost/beast' src/server | wc -l)
if ((beast_files > 5)); then
  echo "Boost.Beast is included by $beast_files files in src/server (at most 5: it compiles slowly)"
  status=1
fi

((status == 0)) && echo "layers ok"
exit $status
