"""Each workshop request's own cost, in process: CPU milliseconds and database queries.

Run against a database seeded as `make capacity` seeds it (seed_demo --places 20 --respondents
10, then loadtest/setup.py), with DEBUG off:

    DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=testserver DATABASE_URL=... \
        .venv/bin/python manage.py shell -c "exec(open('loadtest/cost.py').read())"

CPU time (`time.process_time`: this process only, user + system) is what a busy machine cannot
inflate, unlike wall time: a fix that saves CPU shows here even while others run tests. The
database's own CPU is not counted; the number of queries stands for it. COST_RUNS (15) sets the
runs per request; the table gives their median.

Then a save during a sign-in burst: the same step saved over and over, on one core (COST_CORE,
0) while three threads check passwords without pause, once with Argon2 at normal priority and
once through accounts/hashers.py's low-priority threads. Wall time here, since waiting for the
core is the point; run both halves together, as the machine's noise touches both alike.
"""

import os
import re
import statistics
import threading
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.hashers import LowPriorityArgon2PasswordHasher
from assessment.models import Assessment, Place

RUNS = int(os.environ.get("COST_RUNS", "15"))
User = get_user_model()
place = Place.objects.get(code="riverside")
open_round = Assessment.objects.get(place=place, period="2026 Q4")
closed_round = Assessment.objects.get(place=place, period="2025 Q4")


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def measure(name: str, call) -> None:
    call()  # warm: templates compiled, a round's items kept by the process
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = call()
            times.append((time.process_time() - started) * 1000)
        queries = len(captured)
    status = getattr(response, "status_code", 200)  # a password check answers True
    assert status in (200, 302), f"{name}: {status}"
    print(f"| {name} | {statistics.median(times):.1f} | {queries} |")


respondent = signed_in("load001@riverside.example.org")
lead = signed_in("priya.shah@riverside.example.org")
board = signed_in("board@riverside.example.org")
form = f"/assessments/{open_round.pk}/respond/"


def measure_wall() -> list[float]:
    """Wall milliseconds of each of RUNS saves."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        save_step()
        times.append((time.perf_counter() - started) * 1000)
    return times


def save_step():
    """A step as a person saves it: the item's page, then its answers posted back."""
    page = respondent.get(form + "?item=3").content.decode()
    item = re.search(r'name="(i\d+)_current"', page).group(1)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    data = {"revision": revision, "step": "next", f"{item}_current": "2"}
    data.update({f"{item}_evidence": "Cost check evidence", f"{item}_confidence": ""})
    if f'name="{item}_target"' in page:
        data[f"{item}_target"] = "3"
    return respondent.post(form + "?item=3", data)


print(f"Median of {RUNS} runs, in process (Django's test client), DEBUG off\n")
print("| request | CPU ms | queries |")
print("|---|---|---|")
measure("sign-in page", lambda: Client().get("/accounts/login/"))
encoded = make_password("integration-demo")
measure("password check alone (Argon2)", lambda: check_password("integration-demo", encoded))
measure("my places", lambda: respondent.get("/"))
measure("scoring step", lambda: respondent.get(form + "?item=3"))
measure("save step (form, then post)", save_step)
measure("round page", lambda: respondent.get(f"/assessments/{open_round.pk}/"))
measure("facilitator view", lambda: lead.get(f"/assessments/{open_round.pk}/consensus/"))
measure("report page", lambda: board.get(f"/assessments/{closed_round.pk}/report/"))


def during_burst(hasher) -> list[float]:
    """Wall milliseconds of each save while three threads check passwords with `hasher`."""
    encoded, stop = hasher.encode("integration-demo", hasher.salt()), threading.Event()

    def sign_ins():
        while not stop.is_set():
            hasher.verify("integration-demo", encoded)

    burst = [threading.Thread(target=sign_ins) for _ in range(3)]
    for thread in burst:
        thread.start()
    time.sleep(0.5)
    times = measure_wall()
    stop.set()
    for thread in burst:
        thread.join()
    return times


os.sched_setaffinity(0, {int(os.environ.get("COST_CORE", "0"))})  # this thread, and those it starts
print(f"\nSave step (form, then post) on one core during a sign-in burst, wall ms of {RUNS}\n")
print("| password checks | median | slowest |")
print("|---|---|---|")
for name, hasher in (
    ("none running", None),
    ("Argon2 at normal priority", Argon2PasswordHasher()),
    ("Argon2 on low-priority threads", LowPriorityArgon2PasswordHasher()),
):
    times = sorted(during_burst(hasher) if hasher else measure_wall())
    print(f"| {name} | {statistics.median(times):.0f} | {times[-1]:.0f} |")
