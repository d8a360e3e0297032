# Shared by ops/run, ops/test and the benchmarks: install what is missing, find PostgreSQL.
# Source it; it defines functions only.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages huqi needs when they are missing (as root, with apt-get).
ensure_packages() {
  local missing=()
  [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "缺少软件包：${missing[*]}。请以 root 运行，或先执行：sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's postgresql package would create and start a system-wide cluster; huqi runs its own.
  apt-get install -y -qq postgresql-common >/dev/null
  sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The folder with initdb and pg_ctl (Debian keeps them off PATH).
pg_bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Runs a PostgreSQL server program as the unprivileged account when we are root, from / (the
# caller's folder, e.g. a clone under `mktemp -d`, may be closed to that account, and pg_ctl
# would warn "could not change directory"); callers pass absolute paths.
as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# start_throwaway_cluster DIR: initdb + start with a Unix socket in DIR/run, no TCP, no fsync.
# HUQI_PG_SERVER_OPTIONS adds server options (e.g. "-c shared_buffers=2GB" for a benchmark).
start_throwaway_cluster() {
  local dir=$1 bin
  bin=$(pg_bindir)
  mkdir -p "$dir/pgdata" "$dir/run"
  chmod 755 "$dir"
  chmod 700 "$dir/pgdata" "$dir/run"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pgdata" "$dir/run"
  as_pg "$bin/initdb" -D "$dir/pgdata" -U huqi -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  as_pg "$bin/pg_ctl" start -w -t 60 -D "$dir/pgdata" -l "$dir/run/postgres.log" \
    -o "-c listen_addresses='' -k $dir/run -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${HUQI_PG_SERVER_OPTIONS:-}" \
    >/dev/null || { cat "$dir/run/postgres.log" >&2; return 1; }
}

# free_port: an unused TCP port on 127.0.0.1, for a server a script starts (huqi, PostgreSQL).
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_until_ready PID PORT LOG: waits up to 30 s for the `huqi serve` of PID to answer /readyz
# on PORT; returns 1, with LOG's last lines on standard error, when it exits or never answers.
wait_until_ready() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "huqi serve 未能启动：" >&2; tail -n 20 "$log" >&2; return 1; }
    sleep 0.2
  done
  echo "huqi serve 30 秒内未就绪：" >&2
  tail -n 20 "$log" >&2
  return 1
}

# import_fixture_batches HUQI PARTNER LOG CONNINFO: `huqi import` of the four fixture batches
# (numbers 1–4) as PARTNER, output appended to LOG and shown when an import fails; returns 1
# unless the database of CONNINFO then holds 92 cases, 41 of them petition-related.
import_fixture_batches() {
  local huqi=$1 partner=$2 log=$3 conninfo=$4 f counts
  for f in batch1-utf8-bom.csv:1 batch2-gb18030.csv:2 batch3.json:3 batch4.xlsx:4; do
    "$huqi" import "fixtures/batches/${f%%:*}" --partner "$partner" --batch-no "${f##*:}" >>"$log" 2>&1 \
      || { cat "$log" >&2; echo "导入 ${f%%:*} 失败" >&2; return 1; }
  done
  counts=$(psql "$conninfo" -qAt -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE petition_related) FROM cases")
  [ "$counts" = "92 41" ] || { echo "四个批次应得 92 件案件、41 件涉信访，实得（案件 涉信访）：$counts" >&2; return 1; }
}

stop_throwaway_cluster() {
  local dir=$1
  [ -f "$dir/pgdata/postmaster.pid" ] && as_pg "$(pg_bindir)/pg_ctl" stop -m immediate -D "$dir/pgdata" >/dev/null 2>&1 || true
}
