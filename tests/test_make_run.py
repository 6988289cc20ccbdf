"""`make run` as a newcomer meets it: the app and one worker beside it on one SQLite database;
every page answers while the worker makes documents, a board pack arrives through the preparing
page, and Ctrl-C stops both."""

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import requests

pytestmark = pytest.mark.chromium  # the worker opens Chromium

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "integration-demo"
WAIT = 240  # seconds: a bound on waiting for the server or a document, never a measure of speed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`make run` on a port and a database of its own, stopped as a person stops it."""
    folder = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "MFA_REQUIRED": "none",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for name in ("TASKS_BACKEND", "DEBUG", "REDIS_URL", "STORAGE_BUCKET"):
        env.pop(name, None)
    log = (folder / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{url}/accounts/login/", timeout=10).status_code == 200:
                break
        assert process.poll() is None, (folder / "make-run.log").read_text()
        time.sleep(0.5)
    else:
        pytest.fail("make run did not answer:\n" + (folder / "make-run.log").read_text())
    yield url, folder / "db.sqlite3", process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def signed_in(url: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = session.post(
        f"{url}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=30,
    )
    assert answer.status_code == 200 and "Sign out" in answer.text, answer.text[:500]
    return session


def query(database: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as db:
        return db.execute(sql).fetchall()


def worker_busy(database: Path) -> bool:
    return bool(
        query(database, "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
    )


def test_every_page_answers_while_the_worker_makes_documents_and_a_pack_arrives(served):
    url, database, _ = served
    analyst = signed_in(url, "analyst@example.org")
    shared = [
        pk
        for (pk,) in query(
            database,
            "SELECT id FROM assessment_assessment WHERE status = 'closed' AND sharing = 'named'",
        )
    ]
    assert len(shared) >= 2
    chosen = "&".join(f"assessment={pk}" for pk in shared)
    pack = f"{url}/compare/board-pack.zip?{chosen}"
    first = analyst.get(pack, timeout=30)
    assert first.status_code == 202 and "Preparing the board pack" in first.text

    pages = ["/", f"/compare/?{chosen}", f"/assessments/{shared[0]}/report/"]
    seen_busy = answered = 0
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        busy = worker_busy(database)
        for page in pages:
            response = analyst.get(url + page, timeout=30)
            assert response.status_code == 200, f"{page} answered {response.status_code}"
            answered += 1
        # A write too: a person signing in while the worker renders.
        signed_in(url, "board@riverside.example.org")
        seen_busy += busy
        ready = analyst.get(pack, timeout=30)
        if ready.status_code == 200:
            break
        assert ready.status_code == 202, ready.text[:500]
        time.sleep(1)
    else:
        pytest.fail("the board pack was not made in time")
    assert ready.headers["Content-Type"] == "application/zip"
    assert ready.content[:2] == b"PK"
    assert seen_busy, "the worker was never seen at work while the pages were asked for"
    assert answered >= len(pages)


def test_ctrl_c_stops_the_server_and_its_worker(served):
    _, _, process = served
    below = psutil.Process(process.pid).children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in below)
    assert "runserver" in names and "pdf_worker" in names
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    process.wait(timeout=WAIT)
    assert not [p for p in below if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
