"""What a worker process that exported charts leaves behind when it is killed with SIGKILL.

Each process here gets a TMPDIR of its own, so the test sees only its own browsers and folders,
never those of other processes on the machine. A short one, straight in the temporary folder:
Chromium puts a Unix socket in it, whose path may not exceed 107 bytes, and pytest's own folders
(one more level per pytest-xdist worker) come too close to that.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.chart_export import find_browser

pytestmark = pytest.mark.chromium

ROOT = Path(__file__).resolve().parents[2]

EXPORT_ONE = """
import django
django.setup()
import plotly.graph_objects as go
from reports.chart_export import figures_to_svg
[svg] = figures_to_svg([go.Figure(go.Bar(x=["a"], y=[1]), layout_title_text="Exported")])
assert "Exported" in svg
"""

# A worker that forked after exporting (as multiprocessing's "fork" start method does) has a
# child that still holds the browser's DevTools pipe, so Chromium never sees the pipe close.
EXPORT_FORK_AND_WAIT = f"""
import os, time
{EXPORT_ONE}
helper = os.fork()
if helper == 0:
    time.sleep(120)
    os._exit(0)
print("exported", helper, flush=True)
time.sleep(120)
"""


def python(code: str, tmp: Path, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, text=True, **kwargs)


def start_time(pid: int) -> str | None:
    """The process's start time (tells a live process from a reused pid), None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, *fields = stat.rpartition(")")[2].split()
    return None if state == "Z" else fields[18]  # a zombie holds no memory and no files


def descendants(pid: int) -> dict[int, str]:
    """The live processes below ``pid`` (the browser and its helpers), with their start times."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        if started := start_time(child):
            found[child] = started
            todo.extend(children.get(child, []))
    return found


def browser_folders(processes: dict[int, str]) -> set[Path]:
    """The --user-data-dir of each browser process (Chromium's profile folder)."""
    folders = set()
    for pid in processes:
        with contextlib.suppress(OSError):
            for arg in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                if arg.startswith(b"--user-data-dir="):
                    folders.add(Path(arg.partition(b"=")[2].decode()))
    return folders


def still_running(processes: dict[int, str]) -> dict[int, str]:
    return {pid: started for pid, started in processes.items() if start_time(pid) == started}


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A new folder of this test's own, with a short path (see the module's docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="charts-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find browsers")
def test_it_leaves_no_browser_and_no_profile_when_a_worker_is_killed(short_tmp: Path) -> None:
    assert find_browser(), "no Chromium for chart export: run `make install`"
    tmp_path = short_tmp
    worker = python(EXPORT_FORK_AND_WAIT, tmp_path, stdout=subprocess.PIPE)
    helper, browser = None, {}
    try:
        line = worker.stdout.readline()  # blocks until the export is done (or the worker died)
        assert line.startswith("exported"), f"the worker failed to export: {line!r}"
        helper = int(line.split()[1])
        browser = {pid: t for pid, t in descendants(worker.pid).items() if pid != helper}
        profiles = browser_folders(browser)
        assert browser and profiles, "the worker's browser was not found"
        assert all(p.is_relative_to(tmp_path) and p.is_dir() for p in profiles)

        worker.kill()  # SIGKILL: no atexit, no finally
        worker.wait(timeout=10)
        for _ in range(100):  # up to ~10 s for the browser to go
            if not still_running(browser):
                break
            time.sleep(0.1)
        assert not still_running(browser), "the killed worker's browser is still running"
    finally:
        worker.kill()
        if helper:
            with contextlib.suppress(ProcessLookupError):
                os.kill(helper, signal.SIGKILL)
        for pid in still_running(browser):  # an orphan must not outlive a failed test
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        worker.stdout.close()

    # The next process to export clears what the killed one could not, and leaves nothing itself.
    assert python(EXPORT_ONE, tmp_path).wait(timeout=120) == 0
    assert not any(p.exists() for p in profiles)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if not p.is_dir())
    assert left == []
