"""Tests for reports.chart_export: real kaleido + real Chromium, no database.

The browser-driven tests need Chromium, which `make install` installs; without one they fail
with a message saying so. The "no browser" behaviour is tested with a browser path that is wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import plotly.graph_objects as go
import pytest
from kaleido._kaleido_tab._tab import _KaleidoTab

from reports import chart_export
from reports.chart_export import ChartExportError, figures_to_svg, find_browser

pytestmark = pytest.mark.chromium  # the chart browser itself


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


class UndrawableFigure(go.Figure):
    """A figure plotly.js refuses: kaleido reports "error 400: non-array figure data"."""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "data": {}}


def assert_says_what_to_do(error: ChartExportError, *server_paths: str) -> None:
    message = str(error)
    assert "administrator" in message
    assert "Traceback" not in message and 'File "' not in message
    for path in (*server_paths, os.getcwd(), sys.prefix):
        assert path not in message


def browser_pid() -> int:
    # choreographer keeps the Popen of the browser (the guard chart_export starts it through,
    # leader of a new process group that also holds Chromium and its helpers) as
    # Browser.subprocess.
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


def test_it_fails_fast_and_clearly_without_a_browser(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert find_browser() is None
    start = time.monotonic()
    with pytest.raises(ChartExportError, match="no Chromium browser") as info:
        figures_to_svg([radar("Nothing")])
    assert time.monotonic() - start < 1
    assert_says_what_to_do(info.value, "/nonexistent/chromium")
    assert "BROWSER_PATH='/nonexistent/chromium'" in caplog.text  # the details are in the log


def test_it_tells_the_user_what_to_do_when_the_browser_will_not_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    not_chromium = tmp_path / "chromium"
    not_chromium.write_text("#!/bin/sh\nexit 1\n")
    not_chromium.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(not_chromium))
    chart_export.shutdown()  # so the next export starts the browser BROWSER_PATH names
    with pytest.raises(ChartExportError) as info:
        figures_to_svg([radar("Nothing")], timeout=10)
    assert_says_what_to_do(info.value, str(tmp_path))
    assert str(not_chromium) in caplog.text and "Traceback" in caplog.text


@needs_browser
def test_it_keeps_other_requests_exporting_when_one_figure_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    figures_to_svg([radar("Warm-up")])
    warm_pid = browser_pid()
    start_together = Barrier(4, timeout=60)

    def export_good(thread: int) -> list[tuple[str, str]]:
        start_together.wait()
        markers = [f"Good{thread}x{call}x" for call in range(3)]
        return [(m, figures_to_svg([radar(m)])[0]) for m in markers]

    def export_bad() -> list[ChartExportError]:
        start_together.wait()
        errors = []
        for _call in range(3):
            with pytest.raises(ChartExportError) as info:
                figures_to_svg([radar("Fine-one"), UndrawableFigure(radar("Undrawable"))])
            errors.append(info.value)
        return errors

    with ThreadPoolExecutor(max_workers=4) as pool:
        bad = pool.submit(export_bad)
        good = [pool.submit(export_good, thread) for thread in range(3)]
        results = [pair for future in good for pair in future.result()]
        errors = bad.result()

    markers = [m for m, _ in results]
    for marker, svg in results:
        assert [m for m in markers if m in svg] == [marker]
    for error in errors:
        assert_says_what_to_do(error)
    assert "non-array figure data" in caplog.text  # plotly.js's reason, for the administrator
    assert browser_pid() == warm_pid  # a figure's fault: the browser was not restarted for it


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
        # Above the 3-4 s a new browser can take to open (both tabs load plotly.js) on a busy
        # 2-core machine: a tighter bound fails the replacement too, not only the hung browser.
        [svg] = figures_to_svg([radar("After-hang")], timeout=10)
        assert "After-hang" in svg
        assert time.monotonic() - start < 4 * 10
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


def wait_for_every_tab() -> None:
    """Until every tab of the browser is loaded and waiting for a chart."""
    deadline = time.monotonic() + 30
    while chart_export._kaleido.tabs_ready.qsize() < chart_export.TABS:
        assert time.monotonic() < deadline, "the browser's tabs did not all load"
        time.sleep(0.05)


SLOW_RELOAD = 5.0  # seconds: far more than drawing two small charts takes, even on a busy machine


@needs_browser
def test_it_draws_a_batch_side_by_side_without_waiting_for_tabs_to_reload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figures_to_svg([radar("Warm-up")])
    wait_for_every_tab()
    reload = _KaleidoTab.reload

    async def slow_reload(tab: _KaleidoTab) -> None:
        await asyncio.sleep(SLOW_RELOAD)
        await reload(tab)

    monkeypatch.setattr(_KaleidoTab, "reload", slow_reload)
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 1)
    try:
        start = time.monotonic()
        first, second = figures_to_svg([radar("Side-one"), radar("Side-two")])
        took = time.monotonic() - start
        assert "Side-one" in first and "Side-two" in second
        assert took < SLOW_RELOAD  # neither chart waited for a tab to reload
        [after] = figures_to_svg([radar("After-reloads")])  # waits for a fresh tab
        assert "After-reloads" in after
    finally:
        chart_export.shutdown()  # no slow reload left for the next test


@needs_browser
def test_it_replaces_a_browser_whose_tab_failed_to_reload(monkeypatch: pytest.MonkeyPatch) -> None:
    figures_to_svg([radar("Warm-up")])
    old_pid = browser_pid()

    async def failing_reload(tab: _KaleidoTab) -> None:
        raise RuntimeError("the tab crashed")

    monkeypatch.setattr(_KaleidoTab, "reload", failing_reload)
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 1)
    figures_to_svg([radar("Before-failure")])
    deadline = time.monotonic() + 10
    while not chart_export._kaleido.tab_failed and time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.undo()

    [svg] = figures_to_svg([radar("After-failure")])
    assert "After-failure" in svg
    assert browser_pid() != old_pid  # not left with one tab fewer


@needs_browser
def test_it_reloads_a_tab_only_every_so_many_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    chart_export.shutdown()  # a fresh browser: no tab has drawn anything yet
    chart_export.warm()
    wait_for_every_tab()
    reloads = []
    reload = _KaleidoTab.reload

    async def counted_reload(tab: _KaleidoTab) -> None:
        reloads.append(tab)
        await reload(tab)

    monkeypatch.setattr(_KaleidoTab, "reload", counted_reload)
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 3)
    markers = [f"Chart-{n}-" for n in range(6)]
    for marker in markers:  # one after another: the two tabs take turns
        [svg] = figures_to_svg([radar(marker)])
        assert [m for m in markers if m in svg] == [marker]  # nothing left from the last chart
    assert len(reloads) == 2  # each tab once, after its third chart; not after each of six
