"""Export Plotly figures as inline SVG for the PDF reports (and as PNG for the Word board
paper), through one warm Chromium.

Why this shape (measured on this app's report charts):
* kaleido 1.x renders in headless Chromium: ~2 s to start a browser, ~0.1 s per chart
  once warm. So each process keeps ONE browser, opened lazily on first export - never at
  import (management commands must not start a browser).
* kaleido reloads a tab (plotly.js, 3.5 MB of script) after every chart and hands the chart
  back only after that reload: two thirds of an export's time, and five sixths of Chromium's
  CPU (0.7 of 0.85 CPU s for a report's two charts; 0.14 s without), which a board pack pays
  for every report. plotly.js draws each chart into a fresh element it removes again, so our
  browser reloads a tab only every RELOAD_EVERY charts (and then while the caller goes on:
  the tab rejoins the queue once fresh). It has a tab per chart of a report (TABS), so a
  report's charts are drawn side by side (the browser opens as soon as its first tab is
  ready). A tab that failed to load marks its browser for replacement.
* A figure plotly.js refuses fails only its own request: the browser is fine, and other
  requests keep using it. A browser that died or stopped answering is killed and replaced;
  the request that found it broken retries once, and a request whose browser was replaced
  under it by another thread retries on the new one without spending its own retry.
* Nothing left behind by a process killed with SIGKILL (no atexit runs then). Its Chromium
  profile (2-6 MB), kaleido's page and Chromium's own temporary files all live in one folder
  per process, ``<temp dir>/chart-export-<uid>/<pid>/``; the first export of every process
  deletes the folders of processes that no longer exist. Chromium quits by itself when its
  DevTools pipe closes, but a child the worker forked keeps the pipe open, so the browser
  is started through a small guard that kills its whole process group when the worker dies
  (Linux's PR_SET_PDEATHSIG).
* Users see what to do, never a traceback or a server path: details go to the log.
* The page is written without MathJax: otherwise kaleido loads it from a CDN (no internet).
* SVG, so WeasyPrint draws vectors and the chart labels become real PDF text.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import logging
import os
import re
import signal
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from reports.chart_browser import (
    ChartExportError,
    _guarded_chromium,
    _process_folder,
    _remove_process_folder,
)

__all__ = [
    "ChartExportError",
    "figures_to_png",
    "figures_to_svg",
    "find_browser",
    "shutdown",
    "warm",
]

logger = logging.getLogger(__name__)

DEFAULT_WIDTH = 700
DEFAULT_HEIGHT = 500
_CLOSE_TIMEOUT = 5.0  # bound on closing a browser; a dead one closes in milliseconds
# Plotly's SVG normally starts with <svg>, but strip any prolog so the string can be
# pasted into HTML as-is (an XML declaration in the middle of HTML is invalid).
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


# What users read (the views show these as they are): no paths, no exception text.
_NO_BROWSER = (
    "The charts cannot be drawn: this server has no Chromium browser to draw them with. "
    "Please tell the site administrator."
)
_FIGURE_FAILED = (
    "A chart could not be drawn. Please try again later, and tell the site administrator "
    "if it keeps happening."
)
_BROWSER_FAILED = (
    "The charts could not be drawn because the chart browser stopped responding. Please try "
    "again in a few minutes, and tell the site administrator if it keeps happening."
)


def find_browser() -> str | None:
    """Return the Chromium kaleido would start, or None. Fast (~0.03 s), starts nothing.

    Mirrors choreographer's lookup (BROWSER_PATH wins, even when wrong; else its own
    download, then chromium/chrome on PATH and typical locations), plus the check that
    the result is an executable file - the thing kaleido would otherwise fail on later.
    """
    if env_path := os.environ.get("BROWSER_PATH"):
        return env_path if _is_executable(env_path) else None
    # Imported here so importing this module (e.g. for a system check) stays cheap.
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)
    return str(path) if path and _is_executable(path) else None


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


# A report has two charts, a comparison two: one tab each, so a document's charts are drawn
# side by side. (Another tab costs ~20 MB, and time to load plotly.js when the browser opens.)
TABS = 2
# A tab is reloaded after this many charts: a bound on whatever a page might gather over time.
RELOAD_EVERY = 50


@functools.cache
def _prompt_kaleido() -> type:
    import kaleido

    class PromptKaleido(kaleido.Kaleido):
        """Kaleido that returns a chart as soon as it is drawn, and reloads its tab only now
        and then, afterwards.

        Overrides kaleido's (private) tab return, the one place that reloads; should kaleido
        rename it, charts come back as before, only slower (the tests notice).
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.drawn: dict[Any, int] = {}  # charts each tab drew since it was last loaded
            self.loading: set[asyncio.Task[None]] = set()  # tabs being opened or reloaded
            self.tab_failed = False
            self.closing = False

        async def populate_targets(self) -> None:
            # Open as soon as one tab is ready, as fast as with one tab; the others join the
            # queue once loaded (kaleido would wait for all of them).
            if not hasattr(self, "_create_kaleido_tab"):  # a kaleido this was not written for
                return await super().populate_targets()
            tabs, self._n = self._n, 1
            try:
                await super().populate_targets()
            finally:
                self._n = tabs
            for _ in range(tabs - 1):
                self._in_background(self._create_kaleido_tab())

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self.drawn[tab] = self.drawn.get(tab, 0) + 1
            if self.drawn[tab] < RELOAD_EVERY:
                with contextlib.suppress(AttributeError):  # as a reload would: the next
                    tab.js_logger.reset()  # chart's console messages only
                self.tabs_ready.put_nowait(tab)  # the queue is unbounded: never full
                return
            self.drawn[tab] = 0
            self._in_background(super()._return_kaleido_tab(tab))

        def _in_background(self, loading: Coroutine[Any, Any, None]) -> None:
            # A task of its own: neither waited for by a chart's caller nor cancelled with it.
            task = asyncio.ensure_future(loading)
            self.loading.add(task)
            task.add_done_callback(self._loaded)

        def _loaded(self, task: asyncio.Task[None]) -> None:
            self.loading.discard(task)
            if task.cancelled() or (failure := task.exception()) is None or self.closing:
                return  # (one cut short by closing fails with the browser's closed pipe)
            # The tab is lost to the queue: have the whole browser replaced (see _healthy).
            self.tab_failed = True
            logger.warning("Chart export: a tab failed to load", exc_info=failure)

        async def close(self) -> None:
            self.closing = True
            for task in list(self.loading):
                task.cancel()
            await super().close()

    return PromptKaleido


def _healthy(k: Any) -> bool:
    return k.subprocess.poll() is None and not k.tab_failed


# --- process-wide state; every access to _loop/_kaleido happens under _lock -------------
_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_kaleido: Any = None  # the warm kaleido.Kaleido, or None when not (yet) open


def _ensure_loop() -> asyncio.AbstractEventLoop:
    """Start the private event loop thread on first use (caller holds _lock)."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
        threading.Thread(target=_loop.run_forever, name="chart-export", daemon=True).start()
    return _loop


def _run[T](coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """Run ``coro`` on the private loop and wait at most ``timeout`` seconds for it."""
    future = asyncio.run_coroutine_threadsafe(coro, _loop)  # type: ignore[arg-type]
    try:
        return future.result(timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()  # cancels the task inside the loop, so it does not linger
        raise TimeoutError(f"chart export did not finish within {timeout} s") from None


def _write_page(folder: Path) -> Path:
    """kaleido's page (plotly.js from the plotly package, no MathJax) in our folder."""
    import kaleido  # lazy: ~0.25 s import; registers plotly's JSON encoder with choreographer

    page = folder / "index.html"
    page.write_text(kaleido.PageGenerator(mathjax=False).generate_index(), encoding="utf-8")
    return page


async def _open(browser: str, folder: Path, timeout: float) -> Any:
    k = _prompt_kaleido()(
        n=TABS,
        timeout=timeout,
        page_generator=_write_page(folder),
        path=browser,
        browser_cls=_guarded_chromium(),
        tmp_dir=str(folder),  # the profile: a fresh subfolder, removed when the browser closes
    )
    try:
        await k.open()
    except BaseException:  # includes cancellation by _run's timeout: leave no browser behind
        await _close(k)
        raise
    return k


async def _close(k: Any, *, polite: bool = False) -> None:
    """Close a browser; unless ``polite``, kill it first (it failed, we don't trust it)."""
    proc = getattr(k, "subprocess", None)
    if polite:  # Browser.close lets Chromium exit cleanly; a hung one would not answer
        with contextlib.suppress(Exception):  # then fall through to the kill
            return await asyncio.wait_for(k.close(), _CLOSE_TIMEOUT)
    if proc is not None and proc.poll() is None:
        # choreographer starts the browser with start_new_session=True, so its process
        # group holds our guard, the pipe wrapper, Chromium and all of Chromium's helpers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):  # best effort on a broken browser
        await asyncio.wait_for(k.close(), _CLOSE_TIMEOUT)  # frees pipes, its profile folder


def _acquire(browser: str, timeout: float) -> Any:
    """Return the warm Kaleido, opening it (once, under the lock) when needed."""
    global _kaleido
    # Waiting threads are bounded too: if another thread is stuck opening, give up.
    if not _lock.acquire(timeout=timeout):
        raise TimeoutError(f"waited {timeout} s for another thread opening the browser")
    try:
        _ensure_loop()
        k = _kaleido
        if k is not None and _healthy(k):
            return k
        if k is not None:  # its browser died (OOM killer, crash...): replace without trying
            _kaleido = None
            # Closed first, within its own bound, so that closing the dead browser never
            # holds up the loop while the new one opens.
            with contextlib.suppress(Exception):
                _run(_close(k), _CLOSE_TIMEOUT + 1)
        _kaleido = _run(_open(browser, _process_folder(), timeout), timeout)
        return _kaleido
    finally:
        _lock.release()


def _discard(k: Any) -> bool:
    """Throw away a browser that failed; False if another thread had already replaced it."""
    global _kaleido
    with _lock:
        current = _kaleido is k
        if current:
            _kaleido = None
    with contextlib.suppress(Exception):  # nothing more to do; its process is killed
        _run(_close(k), _CLOSE_TIMEOUT + 1)
    return current


async def _render(k: Any, specs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> list[bytes]:
    # One report's charts go in one batch, drawn side by side on the browser's tabs.
    tasks = [asyncio.ensure_future(k.calc_fig(fig, opts=opts)) for fig, opts in specs]
    try:
        return list(await asyncio.gather(*tasks))  # gather keeps the input order
    except BaseException:
        for task in tasks:  # one failed (or we were cancelled): stop the rest too
            task.cancel()
        raise


def _spec(fig: go.Figure, opts: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    # Explicit size, so the SVG's width/height/viewBox match what the layout asked for.
    # to_dict() runs in the caller's thread: the loop never touches a live Figure object.
    width = fig.layout.width or DEFAULT_WIDTH
    height = fig.layout.height or DEFAULT_HEIGHT
    return fig.to_dict(), {**opts, "width": width, "height": height}


BROKEN_TRIES = 3


def figures_to_svg(figures: Sequence[go.Figure], *, timeout: float = 30) -> list[str]:
    """Render ``figures`` to SVG strings (same order), ready to inline into HTML. Bounded,
    thread-safe and failing as _export says."""
    raw = _export(figures, {"format": "svg"}, timeout)
    return [_PROLOG.sub("", svg.decode("utf-8"), count=1) for svg in raw]


def figures_to_png(
    figures: Sequence[go.Figure], *, scale: float = 2, timeout: float = 30
) -> list[bytes]:
    """Render ``figures`` to PNG images (same order), ``scale`` times the layout's size in
    pixels: for the Word board paper (python-docx places no SVG). As _export says."""
    return _export(figures, {"format": "png", "scale": scale}, timeout)


def _export(figures: Sequence[go.Figure], opts: dict[str, Any], timeout: float) -> list[bytes]:
    """Render ``figures`` with kaleido's ``opts`` (its format, and scale), same order.

    Never hangs: each step (waiting for another thread's browser start, opening the
    browser, rendering the batch) is bounded by ``timeout``, closing a broken browser by
    ~6 s, and there are at most five tries, three of them for a browser this call found
    broken (a browser opened just after one was killed now and then hangs; the next opens).
    Thread-safe. Raises ChartExportError, with a message meant for the user.
    """
    if not figures:
        return []
    browser = _browser()
    from kaleido.errors import KaleidoError

    specs = [_spec(fig, opts) for fig in figures]
    broken = 0  # browsers this call found broken (a replaced one found by another is free)
    for _attempt in range(BROKEN_TRIES + 2):
        k = None
        try:
            k = _acquire(browser, timeout)
            return _run(_render(k, specs), timeout)
        except KaleidoError:  # plotly.js refused a figure: the browser is fine, a retry would fail
            logger.exception("Chart export: a figure could not be drawn")
            raise ChartExportError(_FIGURE_FAILED) from None
        except ChartExportError:
            raise
        except Exception:  # the browser died, hung or would not start: replace it
            if k is None or _discard(k):
                broken += 1
                logger.warning("Chart export: browser %s failed", browser, exc_info=True)
                if broken == BROKEN_TRIES:
                    break
    logger.error("Chart export: giving up after the browser %s failed", browser)
    raise ChartExportError(_BROWSER_FAILED)


def _browser() -> str:
    """The browser to start; fails fast and clearly instead of with kaleido's generic error."""
    browser = find_browser()
    if browser is None:
        where = os.environ.get("BROWSER_PATH")
        logger.error(
            "Chart export: %s",
            f"BROWSER_PATH={where!r} is not an executable file"
            if where
            else "no Chromium found; install the 'chromium' package or set BROWSER_PATH",
        )
        raise ChartExportError(_NO_BROWSER)
    return browser


def warm(*, timeout: float = 30) -> None:
    """Have this process's browser open now: opened if there is none, replaced if it died.

    For PDF workers, which open it when they start (not on their first PDF) and call this
    again from time to time so that a browser that died is replaced before the next PDF waits
    for it. Cheap while the browser runs. Raises ChartExportError.
    """
    browser = _browser()
    try:
        _acquire(browser, timeout)
    except Exception:
        logger.warning("Chart export: browser %s would not start", browser, exc_info=True)
        raise ChartExportError(_BROWSER_FAILED) from None


def shutdown() -> None:
    """Close the warm browser, if any. Safe to call repeatedly; the next export reopens it."""
    global _kaleido
    with _lock:
        k, _kaleido = _kaleido, None
    if k is not None and _loop is not None:
        future = asyncio.run_coroutine_threadsafe(_close(k, polite=True), _loop)
        with contextlib.suppress(Exception):  # at exit, nothing useful is left to do
            future.result(_CLOSE_TIMEOUT * 2 + 1)
    with _lock:  # then our folder, unless another thread has opened a browser in it since
        if _kaleido is None:
            _remove_process_folder()


atexit.register(shutdown)
