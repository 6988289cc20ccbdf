"""Tests for reports.chart_export: real kaleido + real Chromium, no database.

The browser-driven tests need Chromium, which `make install` installs; without one they fail
with a message saying so. The "no browser" behaviour is tested with a browser path that is wrong.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.graph_objects as go
import pytest

from reports import chart_export
from reports.chart_export import ChartExportError, figures_to_svg, find_browser


@pytest.fixture
def browser() -> str:
    path = find_browser()
    assert path, "no Chromium for chart export: run `make install` (apt-get install chromium)"
    return path


needs_browser = pytest.mark.usefixtures("browser")


def radar(title: str, labels: tuple[str, ...] = ("Speed", "Power", "Grace")) -> go.Figure:
    fig = go.Figure(go.Scatterpolar(r=[3, 1, 2], theta=list(labels), fill="toself"))
    fig.update_layout(title_text=title, width=400, height=300, font_family="DejaVu Sans")
    return fig


def browser_pid() -> int:
    # choreographer keeps the Popen of the browser (its pipe wrapper, leader of a new
    # process group that also holds Chromium and its helpers) as Browser.subprocess.
    return chart_export._kaleido.subprocess.pid


@needs_browser
def test_it_exports_a_radar_as_inline_svg_with_its_labels() -> None:
    [svg] = figures_to_svg([radar("Profile", ("Stamina", "Agility", "Focus"))])
    assert svg.startswith("<svg")  # no XML declaration: ready to inline into HTML
    assert 'width="400"' in svg and 'height="300"' in svg  # size taken from the layout
    for label in ("Stamina", "Agility", "Focus", "Profile"):
        assert f">{label}<" in svg


@needs_browser
def test_it_returns_a_batch_in_order_without_mix_ups() -> None:
    titles = ["First-radar", "Second-radar", "Third-radar"]
    svgs = figures_to_svg([radar(t) for t in titles])
    assert len(svgs) == 3
    for svg, title in zip(svgs, titles, strict=True):
        assert [t for t in titles if t in svg] == [title]


@needs_browser
def test_it_gives_each_of_several_threads_its_own_figures() -> None:
    def export(thread: int) -> list[tuple[str, str]]:
        markers = [f"T{thread}x{call}x" for call in range(3)]
        return [(m, figures_to_svg([radar(m)])[0]) for m in markers]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [pair for batch in pool.map(export, range(4)) for pair in batch]

    markers = [m for m, _ in results]
    assert len(set(markers)) == 12
    for marker, svg in results:
        assert [m for m in markers if m in svg] == [marker]


def test_it_fails_fast_and_clearly_without_a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert find_browser() is None
    start = time.monotonic()
    with pytest.raises(ChartExportError, match="No Chromium browser found") as info:
        figures_to_svg([radar("Nothing")])
    assert time.monotonic() - start < 1
    assert "/nonexistent/chromium" in str(info.value)


@needs_browser
def test_it_recovers_after_the_browser_is_killed() -> None:
    figures_to_svg([radar("Warm-up")])
    old_pid = browser_pid()
    os.killpg(old_pid, signal.SIGKILL)  # like the OOM killer taking Chromium down

    [svg] = figures_to_svg([radar("After-kill")], timeout=20)
    assert "After-kill" in svg
    assert browser_pid() != old_pid


@needs_browser
def test_it_recovers_from_a_hung_browser_within_the_timeout() -> None:
    figures_to_svg([radar("Warm-up")])
    old_pid = browser_pid()
    os.killpg(old_pid, signal.SIGSTOP)  # alive but never answers
    try:
        start = time.monotonic()
        [svg] = figures_to_svg([radar("After-hang")], timeout=4)
        assert "After-hang" in svg
        assert time.monotonic() - start < 4 * 4
        assert browser_pid() != old_pid
    finally:
        # the module SIGKILLs it; make sure nothing stays stopped regardless
        with contextlib.suppress(ProcessLookupError):
            os.killpg(old_pid, signal.SIGKILL)


def test_it_does_not_start_a_browser_on_import() -> None:
    code = (
        "import threading, reports.chart_export as m;"
        "assert m._kaleido is None and m._loop is None;"
        "assert threading.active_count() == 1"
    )
    root = Path(chart_export.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)


@needs_browser
def test_it_reopens_after_shutdown() -> None:
    figures_to_svg([radar("Before-shutdown")])
    chart_export.shutdown()
    assert chart_export._kaleido is None
    chart_export.shutdown()  # idempotent
    assert "After-shutdown" in figures_to_svg([radar("After-shutdown")])[0]
