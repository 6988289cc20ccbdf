#!/usr/bin/env bash
# `make capacity`: how many workshop participants one core serves. The production shape of `make
# prod-smoke` (two gunicorn nodes of 2 workers x 4 threads, one PDF worker, PostgreSQL, Redis, on
# loopback) with every server pinned to one core and Locust to another, so that Locust's own work
# does not queue the servers. Runs loadtest/workshop.py at rising numbers of participants (all
# signing in within the first minute, then scoring step by step; a facilitator refreshing the
# facilitator view; two board members reading the report) and stops after the first step where
# any request but sign-in has a p95 of 200 ms or more, or fails. Writes bench-results/capacity.md.
#
# PostgreSQL and Redis are system services here: their processes are pinned for the run (new
# PostgreSQL backends inherit the postmaster's core) and given every core back at the end.
#
# Environment: CAPACITY_STEPS ("10 20 30 40 50 60 70 80 100"), CAPACITY_SECONDS (100 per step,
# the sign-in minute included), CAPACITY_WARMUP_SECONDS (60: a workshop of 5, not counted, so
# that the web processes have served each kind of page before the count; 30 left a process's
# first report page, 200 ms, deciding the p95 of a first step's 14),
# CAPACITY_KEEP_GOING (0; 1 runs every step, to see the trend on a machine too busy to pass one),
# CAPACITY_SERVER_CORE (0), CAPACITY_LOCUST_CORE (1),
# CAPACITY_WORKER_NICE (10: PDFs wait for the pages), CAPACITY_HASHER (low-priority, as
# config/settings.py names it: sign-in's Argon2 on niced threads, accounts/hashers.py; normal:
# Argon2 at the pages' priority, for comparison), CAPACITY_REPORT (bench-results/capacity.md), REDIS_PORT (6379).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh

STEPS=${CAPACITY_STEPS:-10 20 30 40 50 60 70 80 100}
SECONDS_PER_STEP=${CAPACITY_SECONDS:-100}
WARMUP_SECONDS=${CAPACITY_WARMUP_SECONDS:-60}
KEEP_GOING=${CAPACITY_KEEP_GOING:-0}
SERVER_CORE=${CAPACITY_SERVER_CORE:-0}
LOCUST_CORE=${CAPACITY_LOCUST_CORE:-1}
WORKER_NICE=${CAPACITY_WORKER_NICE:-10}
HASHER=${CAPACITY_HASHER:-low-priority}
REPORT=${CAPACITY_REPORT:-bench-results/capacity.md}
REDIS_PORT=${REDIS_PORT:-6379}
PORT_A=8781
PORT_B=8782
DB=integration_capacity_$$
ALL_CORES="0-$(($(nproc --all) - 1))"
PY=.venv/bin/python
RUN="var/capacity-$$"
mkdir -p "$RUN" bench-results
largest=$(echo "$STEPS" | tr ' ' '\n' | sort -n | tail -1)

pids=()
pinned=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${pinned[@]}"; do  # the system's services get every core back, children included
    for each in "$pid" $(pgrep -P "$pid" || true); do
      taskset -a -p -c "$ALL_CORES" "$each" >/dev/null 2>&1 || true
    done
  done
  services_down "$DB" "$REDIS_PORT" "capacity-$$:*"
  if [ "$status" != 0 ]; then
    echo "capacity: FAILED (logs of the nodes and the worker follow)" >&2
    tail -n 40 "$RUN"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$RUN"
  exit "$status"
}
trap cleanup EXIT

# --- shared services, as prod-smoke starts them (a Redis started here on the servers' core) -------
services_up "$DB" "$REDIS_PORT" "$PWD/$RUN/redis.log" "$SERVER_CORE"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_KEY_PREFIX="capacity-$$"
export TASKS_BACKEND=database MEDIA_ROOT="$PWD/$RUN/storage"
export DEBUG=0 SECRET_KEY="capacity-only-$$-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 AXES_FAILURE_LIMIT=1000

# Sign-in's hash on low-priority threads (accounts/hashers.py). Until config/settings.py names
# that hasher itself, the run's settings are the project's with it first in PASSWORD_HASHERS.
hasher_note="Argon2 at Django's parameters on nice-19 threads (accounts/hashers.py)"
if [ "$HASHER" = normal ]; then  # for comparison: sign-in's hash at the pages' own priority
  hasher_note="Argon2 at Django's parameters, at normal priority (CAPACITY_HASHER=normal)"
  cat >"$RUN/capacity_settings.py" <<'EOF'
from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher", *PASSWORD_HASHERS[1:]]  # noqa: F405
EOF
  export PYTHONPATH="$PWD/$RUN:$PWD" DJANGO_SETTINGS_MODULE=capacity_settings
fi

$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks >/dev/null
# Seeding closes rounds: their documents are not made ahead, which would keep the worker busy.
DOCUMENTS_AHEAD=0 $PY manage.py seed_demo --places 20 --respondents 10 >/dev/null 2>&1
LOAD_USERS=$largest $PY manage.py shell -v0 -c "exec(open('loadtest/setup.py').read())"
$PY manage.py collectstatic --noinput -v0

# --- every server on one core --------------------------------------------------------------------
postmaster=$(head -1 "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW data_directory')/postmaster.pid")
redis_pid=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^process_id://p')
for pid in "$postmaster" "$redis_pid"; do
  pinned+=("$pid")
  for each in "$pid" $(pgrep -P "$pid" || true); do
    taskset -a -p -c "$SERVER_CORE" "$each" >/dev/null
  done
done
for node in "A $PORT_A" "B $PORT_B"; do
  set -- $node
  taskset -c "$SERVER_CORE" .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$2" --workers 2 \
    --threads 4 --timeout 60 --keep-alive 75 --no-control-socket \
    --access-logfile /dev/null --error-logfile "$RUN/node-$1.log" &
  pids+=($!)
done
web=("${pids[@]}")
PYTHONUNBUFFERED=1 taskset -c "$SERVER_CORE" nice -n "$WORKER_NICE" \
  $PY manage.py pdf_worker --interval 0.5 >"$RUN/worker.log" 2>&1 &
worker=$!
pids+=($worker)
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/accounts/login/" || { echo "capacity: node on $port did not start" >&2; exit 1; }
done
for _ in $(seq 1 60); do grep -q "chart browser open" "$RUN/worker.log" && break; sleep 0.5; done

# --- a short workshop first, not counted: each process's first requests (templates, a round's
# items, the report's cached figures) and the report's PDF, made once by the worker -------------
LOCUST_HOSTS="http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" taskset -c "$LOCUST_CORE" \
  .venv/bin/locust -f loadtest/workshop.py --headless --host "http://127.0.0.1:$PORT_A" \
  -u 8 -r 4 -t "${WARMUP_SECONDS}s" --stop-timeout 20 --only-summary --exit-code-on-error 0 \
  >"$RUN/locust-warmup.log" 2>&1

# --- rising numbers of participants --------------------------------------------------------------
started_load=$(cut -d' ' -f1-3 /proc/loadavg)
answer="none (the first step was already over the limit)"
sign_in_at_answer="–"
: >"$RUN/steps.md"
: >"$RUN/overview.md"
for participants in $STEPS; do
  echo "capacity: $participants participants for $SECONDS_PER_STEP s"
  rate=$($PY -c "print(round($participants / 60, 3))")  # all signed in within the first minute
  web_before=$($PY loadtest/capacity.py cpu "${web[@]}")
  core_before=$($PY loadtest/capacity.py core "$SERVER_CORE")
  step_started=$(date +%s)
  LOCUST_HOSTS="http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" taskset -c "$LOCUST_CORE" \
    .venv/bin/locust -f loadtest/workshop.py --headless --host "http://127.0.0.1:$PORT_A" \
    -u $((participants + 3)) -r "$rate" -t "${SECONDS_PER_STEP}s" --stop-timeout 20 \
    --only-summary --csv "$RUN/step-$participants" --exit-code-on-error 0 \
    >"$RUN/locust-$participants.log" 2>&1
  elapsed=$(($(date +%s) - step_started))  # the step's own seconds, Locust's start and stop too
  web_used=$($PY -c "print($($PY loadtest/capacity.py cpu "${web[@]}") - $web_before)")
  core_busy=$($PY -c "print($($PY loadtest/capacity.py core "$SERVER_CORE") - $core_before)")
  verdict=0
  $PY loadtest/capacity.py step "$RUN/step-${participants}_stats.csv" "$participants" \
    "$web_used" "$core_busy" "$elapsed" >>"$RUN/steps.md" 2>"$RUN/verdict" || verdict=$?
  [ "$verdict" = 0 ] || [ "$verdict" = 3 ] || { cat "$RUN/verdict" >&2; exit 1; }
  sed -n 's/^step: //p' "$RUN/verdict" | tee -a "$RUN/overview.md"
  if [ "$verdict" != 0 ]; then
    [ "$KEEP_GOING" = 1 ] && continue || break
  fi
  answer=$participants
  sign_in_at_answer=$(sed -n 's/^step: //p' "$RUN/verdict" | cut -d'|' -f6 | xargs)
done

{
  echo "# Capacity: workshop participants one core serves"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); load average at the start $started_load, at the end $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc --all) cores)."
  echo
  echo "**Largest number of participants with p95 under 200 ms for every request but sign-in: $answer** (sign-in there, p50 / p95 ms: $sign_in_at_answer)."
  echo
  echo "On core $SERVER_CORE: two gunicorn nodes (2 workers x 4 threads each), one PDF worker at nice $WORKER_NICE, PostgreSQL and Redis; Locust on core $LOCUST_CORE. Sign-in: $hasher_note. Each step: the participants joining evenly over the first minute (each signs in, then scores an item every 5-15 s), one facilitator refreshing the facilitator view every 4-6 s, two board members opening the report page every 10-20 s (one asks for its PDF once), for $SECONDS_PER_STEP s, after a $WARMUP_SECONDS s workshop of 5 that is not counted. A request seen fewer than 20 times in a step has its slowest time as its p95."
  echo
  echo "| participants | requests | failures | worst p95 ms but sign-in (request) | sign in p50 / p95 ms | web CPU-s | core $SERVER_CORE busy s (everyone's) | all but sign-in under 200 ms |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$RUN/overview.md"
  echo
  cat "$RUN/steps.md"
} >"$REPORT"
cat "$REPORT"
if grep -q "Traceback" "$RUN"/node-*.log; then
  echo "capacity: a web node logged an error" >&2
  exit 1
fi
