#!/usr/bin/env bash
# `make lighthouse`: Lighthouse 12 on the pages people use most, signed in, as a browser meets
# them in production: gunicorn with DEBUG off and the collected static files (`make
# collectstatic`), on the demo's data in a SQLite file of its own, on loopback only. Each page is
# measured twice over: with the desktop preset, and with Lighthouse's own mobile settings (its
# default phone screen, simulated slow 4G and a CPU four times slower), as a phone meets it.
# Writes bench-results/lighthouse.md (and each run's full report under
# bench-results/lighthouse/<preset>/, as JSON).
#
# Environment: LIGHTHOUSE_PORT (8100), CHROME_PATH (/usr/bin/chromium), LIGHTHOUSE_RUNS (1: the
# median of more runs steadies the performance score on a busy machine), LIGHTHOUSE_PAGES (all:
# home scoring-form report compare), LIGHTHOUSE_PRESETS (both: desktop mobile).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${LIGHTHOUSE_PORT:-8100}
RUNS=${LIGHTHOUSE_RUNS:-1}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PY=.venv/bin/python
RUN="var/lighthouse-$$"
OUT=bench-results/lighthouse
rm -rf "$OUT"
mkdir -p "$RUN" "$OUT"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$PWD/$RUN/demo.sqlite3" MEDIA_ROOT="$PWD/$RUN/media"
export DEBUG=0 SECRET_KEY="lighthouse-only-$$-not-secret" ALLOWED_HOSTS=127.0.0.1
# Plain http on loopback: the session cookie must travel without TLS.
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
$PY manage.py migrate --noinput -v0
$PY manage.py load_frameworks -v0 >/dev/null
DOCUMENTS_AHEAD=0 $PY manage.py seed_demo -v0 >/dev/null  # no documents made ahead, inline

.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --timeout 60 \
  --access-logfile /dev/null --error-logfile "$RUN/gunicorn.log" &
pids+=($!)
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
  sleep 0.2
done

# One line a page: its name, its address and the session cookie of the person who opens it.
$PY manage.py shell -v0 >"$RUN/pages.txt" <<'PYTHON'
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from assessment.models import Assessment, RoundStatus

def cookie(email):
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    return f"{session.key}={session.value}"

lead = cookie("priya.shah@riverside.example.org")
report = Assessment.objects.get(place__code="riverside", period="2026 Q2")
scoring = Assessment.objects.get(place__code="riverside", status=RoundStatus.OPEN)
shared = Assessment.objects.filter(status=RoundStatus.CLOSED).exclude(sharing="private")
compare = "&".join(f"assessment={pk}" for pk in shared.order_by("pk").values_list("pk", flat=True))
print("home", "/", lead)
# Dan has not started scoring the open round: the whole form, empty.
print("scoring-form", f"/assessments/{scoring.pk}/respond/", cookie("dan.reilly@riverside.example.org"))
print("report", f"/assessments/{report.pk}/report/", lead)
print("compare", f"/compare/?{compare}", cookie("analyst@example.org"))
PYTHON

while read -r name path session; do
  case " ${LIGHTHOUSE_PAGES:-$name} " in *" $name "*) ;; *) continue ;; esac
  # A served page is warm in production: the first request builds the report's figures and
  # opens each gunicorn worker's database connection, which is the server's time, not the page's.
  for _ in 1 2 3 4; do
    curl -fs -o /dev/null -H "Cookie: $session" "http://127.0.0.1:$PORT$path"
  done
  for preset in ${LIGHTHOUSE_PRESETS:-desktop mobile}; do
    # Lighthouse's defaults are its mobile settings; desktop is a preset over them.
    case "$preset" in
      desktop) settings=(--preset=desktop) ;;
      mobile) settings=() ;;
      *) echo "LIGHTHOUSE_PRESETS: '$preset' is neither desktop nor mobile" >&2; exit 2 ;;
    esac
    mkdir -p "$OUT/$preset"
    for run in $(seq 1 "$RUNS"); do
      echo "Lighthouse: $name ($path), $preset, run $run of $RUNS"
      # Now and then Chrome loses the trace of a load (NO_NAVSTART) on a busy machine: try again.
      for attempt in 1 2 3; do
        node_modules/.bin/lighthouse "http://127.0.0.1:$PORT$path" "${settings[@]}" --quiet \
          --only-categories=performance,accessibility,best-practices,seo \
          --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
          --extra-headers="{\"Cookie\": \"$session\"}" \
          --output=json --output-path="$OUT/$preset/$name-$run.json" </dev/null && break
        [ "$attempt" = 3 ] && exit 1
        echo "Lighthouse failed on $name ($preset); trying again"
      done
    done
  done
done <"$RUN/pages.txt"

$PY scripts/lighthouse_summary.py "$OUT" | tee bench-results/lighthouse.md
