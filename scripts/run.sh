#!/usr/bin/env bash
# `make run`: the app on HOST:PORT (127.0.0.1:8000) with one PDF worker beside it, both on the
# same SQLite database, so a document is made on the worker while its reader watches the
# preparing page, as in production; a closed round's documents are made before anyone asks.
# Ctrl-C stops both. TASKS_BACKEND=immediate runs without the worker (documents made inside the
# request that asks for them).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DEBUG=${DEBUG:-1} TASKS_BACKEND=${TASKS_BACKEND:-database}

worker=""
stop() {
  [ -n "$worker" ] || return 0
  # Ctrl-C reached the worker too: it finishes the document it is making (a few seconds) and
  # stops. Told again meanwhile, it would stop half-way through with a traceback.
  for _ in $(seq 1 40); do
    kill -0 "$worker" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -TERM "$worker" 2>/dev/null || true  # the server stopped on its own: stop the worker
  wait "$worker" 2>/dev/null || true
}
trap stop EXIT

if [ "$TASKS_BACKEND" = database ]; then
  # Quiet about each task; the e-mail it sends and any failure still show in this terminal.
  # At nice 10, as in the Procfile: a page comes before a document made ahead.
  nice -n 10 $PY manage.py pdf_worker --interval 0.5 -v0 &
  worker=$!
  echo "A worker makes documents and sends e-mail beside the server (TASKS_BACKEND=$TASKS_BACKEND)."
fi
echo "Serving on http://$HOST:$PORT/ (demo sign-ins are in README.md); Ctrl-C stops it."
$PY manage.py runserver "$HOST:$PORT"
