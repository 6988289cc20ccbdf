#!/usr/bin/env bash
# `make bench-pack`: the board pack of the bench's places (seed_demo --places 200 --respondents
# 20, as `make bench` seeds), the latest round of each (--period "2026 Q2"), with two PDF workers,
# every PDF made afresh, on PostgreSQL on loopback. The database is kept between runs (seeding it takes minutes; later runs reuse it);
# `BENCH_FRESH=1` makes it anew. Writes bench-results/bench-pack.md.
#
# Environment: BENCH_DB (integration_bench_pack), BENCH_PLACES (200), BENCH_WORKERS (2),
# BENCH_PERIOD ("2026 Q2"; "" for both rounds of every place), BENCH_PACK_ARGS (more options for
# board_pack, e.g. "--region london" for about a seventh of it).
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${BENCH_DB:-integration_bench_pack}
PLACES=${BENCH_PLACES:-200}
WORKERS=${BENCH_WORKERS:-2}
PERIOD=${BENCH_PERIOD-2026 Q2}
PY=.venv/bin/python
RUN="var/bench-pack-$$"
mkdir -p "$RUN" bench-results

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if [ -n "${BENCH_FRESH:-}" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" TASKS_BACKEND=database
# Seeding closes hundreds of rounds: their documents are not made ahead here, as the cold figure
# is of every PDF made by the pack.
export MEDIA_ROOT="$PWD/$RUN/storage" DEBUG=0 SECRET_KEY="bench-only-not-secret" DOCUMENTS_AHEAD=0
$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks -v0
start=$(date +%s)
$PY manage.py seed_demo --places "$PLACES" --respondents 20 -v0
# Rounds keep their reliability figures as they close, on a worker: those seeded get theirs here
# (near 0 once kept), as a deployment's have.
$PY manage.py reliability_keep -v0
echo "Seeded in $(( $(date +%s) - start )) s (near 0 once the database exists)."
# Every PDF made afresh: forget those of earlier runs (their files were in an earlier $RUN), and
# any task an earlier run left queued.
$PY manage.py shell -v0 -c "
from django_tasks_db.models import DBTaskResult
from reports.models import RenderedPdf
RenderedPdf.objects.all().delete()
DBTaskResult.objects.all().delete()
"

for n in $(seq 1 "$WORKERS"); do
  PYTHONUNBUFFERED=1 $PY manage.py pdf_worker --interval 0.2 >"$RUN/worker-$n.log" 2>&1 &
  pids+=($!)
done
for n in $(seq 1 "$WORKERS"); do
  for _ in $(seq 1 120); do grep -q "chart browser open" "$RUN/worker-$n.log" && break; sleep 0.5; done
  grep -q "chart browser open" "$RUN/worker-$n.log" || { cat "$RUN/worker-$n.log"; exit 1; }
done

# The pack, timed (into PACK_TOOK): in the background, so that stopping this script stops it too.
pack() {
  local out=$1 start=$EPOCHREALTIME
  # shellcheck disable=SC2086
  $PY manage.py board_pack --out "$out" ${PERIOD:+--period "$PERIOD"} ${BENCH_PACK_ARGS:-} \
    >"$out.log" 2>&1 &
  pids+=($!)
  wait $!
  PACK_TOOK=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
    "$start" "$EPOCHREALTIME")
  cat "$out.log"
}
pack "$RUN/pack.zip"  # cold: every PDF made by the workers
took=$PACK_TOOK
# Stored: the same pack again, every PDF now in storage (as documents made ahead leave them).
pack "$RUN/pack-stored.zip"
stored_took=$PACK_TOOK

# WeasyPrint alone on the same print HTML, for a few of the same rounds (charts exported first,
# outside the timing): what one report costs at the least. Then the table.
export BENCH_TOOK="$took" BENCH_STORED_TOOK="$stored_took" BENCH_ZIP="$RUN/pack.zip" BENCH_PERIOD="$PERIOD"
export BENCH_STORED_SAID="$(grep -o '([0-9]* rendered, [0-9]* already made)' "$RUN/pack-stored.zip.log" || true)"
export BENCH_ABOUT="bench of $PLACES places${PERIOD:+, period $PERIOD}${BENCH_PACK_ARGS:+, $BENCH_PACK_ARGS}, $WORKERS PDF workers"
$PY manage.py shell -v0 <<'PYTHON' | tee bench-results/bench-pack.md
import os, statistics, time, zipfile
from reports import chart_export
from reports.pack import INDEX_NAME, pack_rounds
from reports.pdf import html_to_pdf, report_print_html
from reports.selectors import report_build

times = []
for assessment in pack_rounds(period=os.environ["BENCH_PERIOD"]).order_by("?")[:8]:
    html = report_print_html(report_build(assessment))
    start = time.perf_counter()
    html_to_pdf(html)
    times.append(time.perf_counter() - start)
chart_export.shutdown()
floor, took = statistics.median(times), float(os.environ["BENCH_TOOK"])
stored_took = float(os.environ["BENCH_STORED_TOOK"])
reports = len([n for n in zipfile.ZipFile(os.environ["BENCH_ZIP"]).namelist() if n != INDEX_NAME])
print(f"Board pack of {reports} closed rounds ({os.environ['BENCH_ABOUT']}), PostgreSQL, 2 cores")
print()
print("| measure | value |")
print("|---|---|")
print(f"| board pack, every PDF made afresh (cold) | {took:.0f} s |")
print(f"| board pack, every PDF stored already {os.environ['BENCH_STORED_SAID']} | {stored_took:.1f} s |")
print(f"| per report (wall time / reports) | {took / reports:.2f} s |")
print(f"| WeasyPrint alone on one report's print HTML (median of 8) | {floor:.2f} s |")
print(f"| per report against WeasyPrint alone | {took / reports / floor:.2f}× |")
PYTHON
