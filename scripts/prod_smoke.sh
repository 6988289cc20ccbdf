#!/usr/bin/env bash
# `make prod-smoke`: the production shape on this machine, on loopback only. PostgreSQL (started
# if down) with a fresh database, Redis for the cache (started if down), two gunicorn web nodes on
# two ports, one PDF worker, and the storage both nodes share, in turn each of SMOKE_STORAGE:
#   folder  a folder (MEDIA_ROOT)
#   s3      an S3-compatible bucket (STORAGE_BUCKET) on moto's standalone server
#   azure   an Azure Blob Storage container (STORAGE_AZURE_CONTAINER) on Microsoft's Azurite
# each emulator started here on a free loopback port, in memory, and stopped on exit. For each,
# the nodes and the worker start against it: signs in on node A, asks node A for a PDF, waits for
# node B to serve it, lists the storage with its own client to find the file there, and sweeps an
# orphan from it. Then, on the last storage only, checks no web node holds a browser and runs the
# Locust scenario (loadtest/) against both nodes. Fails on any error; removes what it made.
#
# Environment: SMOKE_STORAGE ("folder s3 azure"), SMOKE_USERS (50), SMOKE_SECONDS (60),
# SMOKE_PORT_A/B (8771/8772), SMOKE_DB (integration_smoke_<pid>), REDIS_PORT (6379), SMOKE_REPORT
# (bench-results/prod-smoke.md; `make loadtest` runs this script and writes
# bench-results/loadtest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh

USERS=${SMOKE_USERS:-50}
SECONDS_TO_RUN=${SMOKE_SECONDS:-60}
REPORT=${SMOKE_REPORT:-bench-results/prod-smoke.md}
PORT_A=${SMOKE_PORT_A:-8771}
PORT_B=${SMOKE_PORT_B:-8772}
DB=${SMOKE_DB:-integration_smoke_$$}
REDIS_PORT=${REDIS_PORT:-6379}
NODE_A="http://127.0.0.1:$PORT_A"
NODE_B="http://127.0.0.1:$PORT_B"
PY=.venv/bin/python
RUN="var/prod-smoke-$$"
STORAGE_KINDS=(${SMOKE_STORAGE:-folder s3 azure})
AZURITE=scripts/azurite/node_modules/.bin/azurite-blob
for kind in "${STORAGE_KINDS[@]}"; do
  case $kind in
    folder|s3|azure) ;;
    *) echo "prod-smoke: SMOKE_STORAGE lists folder, s3 or azure, not '$kind'" >&2; exit 2 ;;
  esac
done
[[ " ${STORAGE_KINDS[*]} " != *" s3 "* ]] || [ -x .venv/bin/moto_server ] \
  || { echo "prod-smoke: moto_server is missing: run make install" >&2; exit 2; }
[[ " ${STORAGE_KINDS[*]} " != *" azure "* ]] || [ -x "$AZURITE" ] \
  || { echo "prod-smoke: Azurite is missing: run make install" >&2; exit 2; }
mkdir -p "$RUN" bench-results

pids=()
emulator=""
stop_nodes() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
stop_emulator() {
  if [ -n "$emulator" ]; then
    kill -TERM "$emulator" 2>/dev/null || true
    wait "$emulator" 2>/dev/null || true
    emulator=""
  fi
}
cleanup() {
  status=$?
  stop_nodes
  stop_emulator
  services_down "$DB" "$REDIS_PORT" "smoke-$$-*"
  if [ "$status" != 0 ]; then
    echo "prod-smoke: FAILED (logs of the nodes and the worker follow)" >&2
    tail -n 40 "$RUN"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$RUN"
  exit "$status"
}
trap cleanup EXIT

# --- shared services ------------------------------------------------------------------------------
services_up "$DB" "$REDIS_PORT" "$PWD/$RUN/redis.log"

# --- the settings every process shares (the environment, as a process manager would set it) ----
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_KEY_PREFIX="smoke-$$-setup"
export TASKS_BACKEND=database MEDIA_ROOT="$PWD/$RUN/storage"
export DEBUG=0 SECRET_KEY="smoke-test-only-$$-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 AXES_FAILURE_LIMIT=1000

# The release step, as the Procfile runs it; then the demo and the load-test respondents.
$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks
# Seeding closes rounds: their documents are not made ahead here (the worker would be busy with
# them through the load test); the checks ask for a PDF as a reader does.
DOCUMENTS_AHEAD=0 $PY manage.py seed_demo --places 20 --respondents 10
$PY manage.py shell -c "exec(open('loadtest/setup.py').read())"
$PY manage.py collectstatic --noinput -v0

# --- the storage, two web nodes and a worker ------------------------------------------------------
# Starts an emulator (named $1; the command from $2 on) on the free loopback port it picks, and
# sets `address` to where it says it listens.
serve() {
  local name=$1 log="$RUN/$1.log" listening="(Running|listens) on http://127\.0\.0\.1:[0-9]+"
  shift
  "$@" >"$log" 2>&1 &
  emulator=$!
  for _ in $(seq 1 60); do grep -qE "$listening" "$log" && break; sleep 0.5; done
  address=$(grep -oE "$listening" "$log" | head -n 1 | grep -oE "http://.*") \
    || { echo "prod-smoke: $name did not start" >&2; exit 1; }
}

use_storage() {
  unset STORAGE_BUCKET STORAGE_ENDPOINT_URL STORAGE_REGION STORAGE_ACCESS_KEY_ID \
    STORAGE_SECRET_ACCESS_KEY STORAGE_PREFIX STORAGE_AZURE_CONTAINER STORAGE_AZURE_CONNECTION_STRING \
    STORAGE_AZURE_ACCOUNT_NAME STORAGE_AZURE_ACCOUNT_KEY
  case $1 in
    s3)
      serve moto .venv/bin/moto_server -H 127.0.0.1 -p 0
      export STORAGE_BUCKET="smoke-$$" STORAGE_ENDPOINT_URL="$address" STORAGE_REGION=eu-west-2
      export STORAGE_ACCESS_KEY_ID=smoke STORAGE_SECRET_ACCESS_KEY=smoke STORAGE_PREFIX=integration
      ;;
    azure)
      # No telemetry (nothing leaves the machine), blobs in memory only.
      serve azurite "$AZURITE" --blobHost 127.0.0.1 --blobPort 0 --inMemoryPersistence \
        --disableTelemetry --skipApiVersionCheck --silent
      # Azurite's one well-known development account, the same in every copy: not a secret.
      account="AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6I\
FsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
      export STORAGE_AZURE_CONTAINER="smoke-$$"
      export STORAGE_AZURE_CONNECTION_STRING="DefaultEndpointsProtocol=http;$account;\
BlobEndpoint=$address/devstoreaccount1;"
      ;;
  esac
  $PY scripts/prod_smoke_check.py storage prepare
}

start_nodes() {
  for node in "A $PORT_A" "B $PORT_B"; do
    set -- $node
    # Connections kept open longer than a Locust user's longest pause (6 s), as behind a proxy
    # whose idle timeout is shorter; each master without a control socket (they would share one).
    .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$2" --workers 2 --threads 4 --timeout 60 \
      --keep-alive 75 --no-control-socket \
      --access-logfile /dev/null --error-logfile "$RUN/node-$1-$kind.log" &
    pids+=($!)
  done
  PYTHONUNBUFFERED=1 $PY manage.py pdf_worker --interval 0.5 >"$RUN/worker-$kind.log" 2>&1 &
  worker=$!
  pids+=($worker)
  for url in "$NODE_A" "$NODE_B"; do
    for _ in $(seq 1 60); do curl -sf -o /dev/null "$url/accounts/login/" && break; sleep 0.5; done
    curl -sf -o /dev/null "$url/accounts/login/" || { echo "prod-smoke: $url did not start" >&2; exit 1; }
  done
  # Django, then Chromium (up to 30 s of its own on a busy machine): a bound, not a target.
  for _ in $(seq 1 240); do
    grep -q "chart browser open" "$RUN/worker-$kind.log" || ! kill -0 "$worker" 2>/dev/null && break
    sleep 0.5
  done
  grep -q "chart browser open" "$RUN/worker-$kind.log" \
    || { echo "prod-smoke: the worker did not start" >&2; exit 1; }
}

# --- one person across two nodes, on each storage in turn ----------------------------------------
for kind in "${STORAGE_KINDS[@]}"; do
  echo "prod-smoke: storage $kind" | tee -a "$RUN/storages.txt"
  export CACHE_KEY_PREFIX="smoke-$$-$kind"  # nothing cached on one storage is read on the next
  use_storage "$kind"
  started=$(date +%s)
  start_nodes
  {
    $PY scripts/prod_smoke_check.py pdf "$NODE_A" "$NODE_B"
    $PY scripts/prod_smoke_check.py storage check --since "$started"
  } | tee -a "$RUN/storages.txt"
  [ "$kind" = "${STORAGE_KINDS[-1]}" ] && break  # the load runs on the last one
  stop_nodes
  stop_emulator
done

# --- load on both nodes -------------------------------------------------------------------------
LOCUST_HOSTS="$NODE_A,$NODE_B" .venv/bin/locust -f loadtest/locustfile.py --headless \
  --host "$NODE_A" -u "$USERS" -r 2 -t "${SECONDS_TO_RUN}s" --stop-timeout 30 --only-summary \
  --csv "$RUN/locust" --exit-code-on-error 1
servers="two gunicorn nodes (2 workers × 4 threads each) and one PDF worker on PostgreSQL and Redis"
servers="$servers, PDFs in storage $kind"
{
  $PY loadtest/summary.py "$RUN/locust_stats.csv" "$USERS" "$SECONDS_TO_RUN" "$servers"
  echo
  echo "Memory and CPU after the load (RSS counts shared pages in each process; PSS shares them out):"
  echo
  $PY scripts/prod_smoke_check.py processes "${pids[0]}" "${pids[1]}" --worker "$worker"
  echo
  echo "Each storage in turn (${STORAGE_KINDS[*]}): a PDF asked for on node A, served by node B:"
  echo
  sed 's/^prod-smoke: /- /' "$RUN/storages.txt"
} | tee "$REPORT"

keys=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern "$CACHE_KEY_PREFIX:*" | wc -l)
[ "$keys" -gt 0 ] || { echo "prod-smoke: nothing was cached in Redis" >&2; exit 1; }
echo "prod-smoke: the nodes share $keys entries in the Redis cache"
failed=$($PY manage.py shell -v0 -c \
  "from django_tasks_db.models import DBTaskResult; print(DBTaskResult.objects.filter(status='FAILED').count())")
[ "$failed" = 0 ] || { echo "prod-smoke: $failed PDF tasks failed" >&2; exit 1; }
if grep -q "Traceback" "$RUN"/*.log; then
  echo "prod-smoke: a node or the worker logged an error" >&2
  exit 1
fi
echo "prod-smoke: passed"
