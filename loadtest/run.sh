#!/usr/bin/env bash
# A bounded load test on this machine only: gunicorn on PostgreSQL on loopback, Locust headless.
# Usage: loadtest/run.sh [users] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-50}
SECONDS_TO_RUN=${2:-60}
PORT=${LOADTEST_PORT:-8765}
DB=${LOADTEST_DB:-integration_load}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DEBUG=0 SECRET_KEY="load-test-only-$(date +%s)-not-secret" ALLOWED_HOSTS=127.0.0.1
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 AXES_FAILURE_LIMIT=1000
export MEDIA_ROOT="$PWD/var/loadtest-media"
PY=.venv/bin/python

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null
$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks
$PY manage.py seed_demo --places 20 --respondents 10
$PY manage.py shell -c "exec(open('loadtest/setup.py').read())"
$PY manage.py collectstatic --noinput -v0

mkdir -p bench-results var
# Keep-alive past a user's longest pause (6 s): else the server may close a connection just as
# the user sends on it (a reset counted as an error). No control socket: another gunicorn on the
# machine would share its path.
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers 3 --threads 4 --timeout 60 \
  --keep-alive 75 --no-control-socket \
  --access-logfile /dev/null --error-logfile var/loadtest-gunicorn.log &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.5; done

.venv/bin/locust -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  -u "$USERS" -r 2 -t "${SECONDS_TO_RUN}s" --stop-timeout 30 --only-summary \
  --csv bench-results/loadtest --exit-code-on-error 1
$PY loadtest/summary.py bench-results/loadtest_stats.csv "$USERS" "$SECONDS_TO_RUN" | tee bench-results/loadtest.md
