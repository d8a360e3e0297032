# Shared by the fault scripts in ops/faults/: a throwaway cluster, the huqi binary, a server.
# Source it after ops/lib/common.sh; it defines functions only.

# fault_setup NAME: a throwaway cluster (or the one in $HUQI_FAULT_ADMIN) and $huqi (from
# $HUQI_BIN, else a release build in .build-release). Sets $work, $admin, $huqi; cleans up on exit.
fault_setup() {
  ensure_packages
  work=$(mktemp -d "/tmp/huqi-$1.XXXXXX")
  chmod 755 "$work"
  fault_cleanup_steps=()
  trap 'for step in "${fault_cleanup_steps[@]}"; do eval "$step"; done' EXIT INT TERM
  if [ -n "${HUQI_FAULT_ADMIN:-}" ]; then
    admin=$HUQI_FAULT_ADMIN
    fault_cleanup_steps+=("rm -rf $work")
  else
    start_throwaway_cluster "$work"
    admin="host=$work/run port=5432 user=huqi"
    fault_cleanup_steps+=("stop_throwaway_cluster $work; rm -rf $work")
  fi
  if [ -n "${HUQI_BIN:-}" ]; then
    huqi=$HUQI_BIN
  else
    say "building huqi (release)"
    swift build -c release --product huqi --scratch-path .build-release >/dev/null
    huqi=$(swift build -c release --scratch-path .build-release --show-bin-path)/huqi
  fi
  export HUQI_SQL_DIR="$PWD/sql" HUQI_HOST=127.0.0.1
}

# fresh_database NAME: a new migrated database; exports HUQI_DATABASE_URL for it.
fresh_database() {
  PGOPTIONS="-c client_min_messages=warning" psql "$admin dbname=postgres" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  export HUQI_DATABASE_URL="$admin dbname=$1"
  "$huqi" migrate >/dev/null 2>&1
}

# start_server PORT LOG: `huqi serve` in the background on PORT; sets $server_pid; waits for /readyz.
start_server() {
  HUQI_PORT=$1 "$huqi" serve >>"$2" 2>&1 &
  server_pid=$!
  fault_cleanup_steps=("kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true" "${fault_cleanup_steps[@]}")
  wait_until_ready "$server_pid" "$1" "$2"
}

# q SQL: one value from the current database.
q() { psql "$HUQI_DATABASE_URL" -qAt -c "$1"; }

# fail MESSAGE: print and exit 1.
fail() { echo "FAILED: $*" >&2; exit 1; }
