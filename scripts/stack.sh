#!/usr/bin/env bash
# Local stack for SessionOps: plain server processes under .stack/, on fixed 127.0.0.1 ports.
#   meta     MariaDB  127.0.0.1:3316  metadata database of the console
#   tenant-a MariaDB  127.0.0.1:3317  demo tenant (performance_schema on)
#   tenant-b MariaDB  127.0.0.1:3318  demo tenant
#   redis    Redis    127.0.0.1:6389
#   cluster  Redis Cluster, 3 masters on 127.0.0.1:7001-7003 (optional: `cluster`; the relay's
#            tests use it through REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003)
# Usage: scripts/stack.sh up | cluster | down | status
# Every MariaDB gets the account sessionops/sessionops with all privileges, reachable over TCP.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="${STACK_DIR:-$ROOT/.stack}"
MARIADBS=("meta:3316" "tenant-a:3317" "tenant-b:3318")
REDIS_PORT=6389
CLUSTER_PORTS=(7001 7002 7003)
STACK_USER=sessionops
STACK_PASSWORD=sessionops

log() { printf '[stack] %s\n' "$*"; }

ensure_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing servers. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

mariadbd_bin() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

# pid from a pid file, only when that process is alive
live_pid() {
  local file="$1" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  rm -f "$file"
  return 1
}

ping_mariadb() { mariadb-admin --no-defaults --protocol=socket --socket="$1" -uroot ping >/dev/null 2>&1; }

wait_until() {
  # wait_until <what> <pid> <command...>: poll the server itself until it answers
  local what="$1" pid="$2"; shift 2
  local tries=0
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$what exited during start-up; see its log in $STACK"; return 1; fi
    tries=$((tries + 1))
    if [ $tries -gt 600 ]; then log "$what did not answer within 60 s"; return 1; fi
    read -r -t 0.1 <> <(:) || true
  done
}

mariadb_up() {
  local name="$1" port="$2"
  local dir="$STACK/$name"
  local sock="$dir/mysqld.sock" pidf="$dir/mysqld.pid"
  if pid=$(live_pid "$pidf"); then log "$name already running (pid $pid, port $port)"; return 0; fi
  mkdir -p "$dir"
  chown mysql:mysql "$dir" 2>/dev/null || true
  if [ ! -d "$dir/data/mysql" ]; then
    mkdir -p "$dir/data" && chown -R mysql:mysql "$dir/data" 2>/dev/null || true
    mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || { log "mariadb-install-db failed for $name:"; cat "$dir/install.log"; return 1; }
  fi
  local extra=()
  [ "$name" = "tenant-a" ] && extra+=(--performance-schema=ON)
  "$(mariadbd_bin)" --no-defaults --user=mysql --datadir="$dir/data" --socket="$sock" \
    --pid-file="$pidf" --port="$port" --bind-address=127.0.0.1 --max-connections=2500 \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-allowed-packet=64M --log-error="$dir/error.log" "${extra[@]}" >/dev/null 2>&1 &
  local pid=$!
  wait_until "$name" "$pid" ping_mariadb "$sock"
  echo "$pid" >"$pidf"
  # until the account exists (a first start that failed, e.g. on a port in use, left a data
  # directory without it), create it; the statements are idempotent
  if [ ! -f "$dir/provisioned" ]; then
    mariadb --no-defaults --protocol=socket --socket="$sock" -uroot <<SQL
CREATE USER IF NOT EXISTS '$STACK_USER'@'127.0.0.1' IDENTIFIED BY '$STACK_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$STACK_USER'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    touch "$dir/provisioned"
  fi
  log "$name up (pid $pid, 127.0.0.1:$port)"
}

redis_up() {
  local dir="$STACK/redis" pidf="$STACK/redis/redis.pid"
  if pid=$(live_pid "$pidf"); then log "redis already running (pid $pid, port $REDIS_PORT)"; return 0; fi
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --pidfile "$pidf" --logfile "$dir/redis.log" --dir "$dir" >/dev/null
  local tries=0
  until [ -f "$pidf" ] && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
    tries=$((tries + 1))
    if [ $tries -gt 600 ]; then log "redis did not answer within 60 s"; cat "$dir/redis.log" >&2; return 1; fi
    read -r -t 0.1 <> <(:) || true
  done
  log "redis up (pid $(cat "$pidf"), 127.0.0.1:$REDIS_PORT)"
}

cluster_node_up() {
  local port="$1" dir="$STACK/redis-cluster/$1"
  local pidf="$dir/redis.pid"
  if pid=$(live_pid "$pidf"); then return 0; fi
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 \
    --pidfile "$pidf" --logfile "$dir/redis.log" --dir "$dir" >/dev/null
  local tries=0
  until [ -f "$pidf" ] && redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; do
    tries=$((tries + 1))
    if [ $tries -gt 600 ]; then log "redis cluster node $port did not answer within 60 s"; cat "$dir/redis.log" >&2; return 1; fi
    read -r -t 0.1 <> <(:) || true
  done
}

cluster_ok() { redis-cli -h 127.0.0.1 -p "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; }

cluster_up() {
  mkdir -p "$STACK/redis-cluster"
  # one caller at a time (test workers may ask together)
  exec 9>"$STACK/redis-cluster/.lock"
  flock 9
  for port in "${CLUSTER_PORTS[@]}"; do cluster_node_up "$port"; done
  if ! cluster_ok; then
    local assigned
    assigned=$(redis-cli -h 127.0.0.1 -p "${CLUSTER_PORTS[0]}" cluster info | sed -n 's/^cluster_slots_assigned:\([0-9]*\).*/\1/p')
    if [ "${assigned:-0}" = 0 ]; then
      redis-cli --cluster create $(printf '127.0.0.1:%s ' "${CLUSTER_PORTS[@]}") --cluster-replicas 0 --cluster-yes >"$STACK/redis-cluster/create.log" 2>&1 \
        || { log "redis cluster create failed:"; cat "$STACK/redis-cluster/create.log" >&2; return 1; }
    fi
    local tries=0
    until cluster_ok; do
      tries=$((tries + 1))
      if [ $tries -gt 600 ]; then log "redis cluster not ok within 60 s"; return 1; fi
      read -r -t 0.1 <> <(:) || true
    done
  fi
  flock -u 9
  log "redis cluster up (127.0.0.1:${CLUSTER_PORTS[*]})"
}

stop_pid_file() {
  local name="$1" pidf="$2" pid
  if pid=$(live_pid "$pidf"); then
    kill "$pid" 2>/dev/null || true
    local tries=0
    while kill -0 "$pid" 2>/dev/null; do
      tries=$((tries + 1))
      if [ $tries -gt 300 ]; then kill -9 "$pid" 2>/dev/null || true; fi
      read -r -t 0.1 <> <(:) || true
    done
    rm -f "$pidf"
    log "$name stopped (pid $pid)"
  else
    log "$name not running"
  fi
}

status() {
  local rc=0 name port pid
  for entry in "${MARIADBS[@]}"; do
    name="${entry%%:*}"; port="${entry##*:}"
    if pid=$(live_pid "$STACK/$name/mysqld.pid") && ping_mariadb "$STACK/$name/mysqld.sock"; then
      log "$name up (pid $pid, 127.0.0.1:$port)"
    else log "$name down"; rc=1; fi
  done
  if pid=$(live_pid "$STACK/redis/redis.pid") && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    log "redis up (pid $pid, 127.0.0.1:$REDIS_PORT)"
  else log "redis down"; rc=1; fi
  if [ -d "$STACK/redis-cluster" ]; then
    if cluster_ok; then log "redis cluster up (127.0.0.1:${CLUSTER_PORTS[*]})"; else log "redis cluster down (optional)"; fi
  fi
  return $rc
}

case "${1:-}" in
  up)
    ensure_packages
    mkdir -p "$STACK"
    for entry in "${MARIADBS[@]}"; do mariadb_up "${entry%%:*}" "${entry##*:}"; done
    redis_up
    ;;
  cluster)
    ensure_packages
    mkdir -p "$STACK"
    cluster_up
    ;;
  down)
    for entry in "${MARIADBS[@]}"; do stop_pid_file "${entry%%:*}" "$STACK/${entry%%:*}/mysqld.pid"; done
    stop_pid_file redis "$STACK/redis/redis.pid"
    for port in "${CLUSTER_PORTS[@]}"; do
      [ -f "$STACK/redis-cluster/$port/redis.pid" ] && stop_pid_file "redis cluster node $port" "$STACK/redis-cluster/$port/redis.pid"
    done
    ;;
  status) status ;;
  *) echo "usage: $0 up|cluster|down|status" >&2; exit 2 ;;
esac
