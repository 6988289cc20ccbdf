# Shared services of `make prod-smoke` and `make capacity`, sourced by both: PostgreSQL (started
# if down) with a database of the run's own, and Redis for the cache (started if down, on
# loopback, keeping nothing); and, when the run ends, none of it left behind.
#
#   services_up DB REDIS_PORT LOG [CORE]    CORE: the core a Redis started here is pinned to
#   services_down DB REDIS_PORT KEYS        KEYS: the pattern of the run's keys in a Redis that
#                                           was running before it (it keeps running)

services_db_created=""
services_redis_started=""

services_up() {
  local db=$1 port=$2 log=$3 core=${4:-}
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db" >/dev/null
  services_db_created=1
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    ${core:+taskset -c "$core"} redis-server --bind 127.0.0.1 --port "$port" --save '' \
      --appendonly no --daemonize yes --logfile "$log" >/dev/null
    services_redis_started=1
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

services_down() {
  local db=$1 port=$2 keys=$3
  if [ -n "$services_redis_started" ]; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  else  # a Redis that was already running keeps nothing of this run
    redis-cli -h 127.0.0.1 -p "$port" --scan --pattern "$keys" 2>/dev/null \
      | xargs -r redis-cli -h 127.0.0.1 -p "$port" del >/dev/null 2>&1 || true
  fi
  if [ -n "$services_db_created" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
      >/dev/null 2>&1 || true
  fi
}
