"""Export Plotly figures as inline SVG for the PDF reports, through one warm Chromium.

Why this shape (measured, see /work/shared/notes/charts-and-pdf.md):
* kaleido 1.x renders in headless Chromium: ~2 s to start a browser, ~0.15 s per chart
  once warm. So each process keeps ONE ``kaleido.Kaleido(n=1, mathjax=False)``, opened
  lazily on first export - never at import (management commands must not start a browser).
* ``kaleido.start_sync_server()`` mixed up figures between threads and hangs forever when
  Chromium is missing or killed. So we own a private asyncio loop in a daemon thread, wait
  for each batch with ``run_coroutine_threadsafe(...).result(timeout)``, and on failure
  discard the browser and retry once with a fresh one.
* ``mathjax=False``: otherwise kaleido's page loads MathJax from a CDN (no internet here).
* SVG, so WeasyPrint draws vectors and the chart labels become real PDF text.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import re
import signal
import threading
from collections.abc import Coroutine, Sequence
from typing import Any

import plotly.graph_objects as go

__all__ = ["ChartExportError", "figures_to_svg", "find_browser", "shutdown"]

DEFAULT_WIDTH = 700
DEFAULT_HEIGHT = 500
_CLOSE_TIMEOUT = 5.0  # bound on closing a browser; a dead one closes in milliseconds
# Plotly's SVG normally starts with <svg>, but strip any prolog so the string can be
# pasted into HTML as-is (an XML declaration in the middle of HTML is invalid).
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


class ChartExportError(Exception):
    """Charts could not be exported; the message says why and what to do about it."""


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


async def _open(browser: str, timeout: float) -> Any:
    import kaleido  # lazy: ~0.25 s import; registers plotly's JSON encoder with choreographer

    k = kaleido.Kaleido(n=1, mathjax=False, timeout=timeout, path=browser)
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
        # group holds the pipe wrapper, Chromium and all of Chromium's helpers.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):  # best effort on a broken browser
        await asyncio.wait_for(k.close(), _CLOSE_TIMEOUT)  # frees pipes, temp profile dirs


def _acquire(browser: str, timeout: float) -> Any:
    """Return the warm Kaleido, opening it (once, under the lock) when needed."""
    global _kaleido
    # Waiting threads are bounded too: if another thread is stuck opening, give up.
    if not _lock.acquire(timeout=timeout):
        raise TimeoutError(f"waited {timeout} s for another thread opening the browser")
    try:
        loop_ready = _ensure_loop()
        k = _kaleido
        if k is not None and k.subprocess.poll() is None:
            return k
        if k is not None:  # its browser died (OOM killer, crash...): replace without trying
            _kaleido = None
            asyncio.run_coroutine_threadsafe(_close(k), loop_ready)
        _kaleido = _run(_open(browser, timeout), timeout)
        return _kaleido
    finally:
        _lock.release()


def _discard(k: Any) -> None:
    """Throw away a browser that failed, unless another thread already replaced it."""
    global _kaleido
    with _lock:
        if _kaleido is k:
            _kaleido = None
    with contextlib.suppress(Exception):  # nothing more to do; its process is killed
        _run(_close(k), _CLOSE_TIMEOUT + 1)


async def _render(k: Any, specs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> list[bytes]:
    # One report's charts go in one batch; with n=1 kaleido queues them on its single tab.
    tasks = [asyncio.ensure_future(k.calc_fig(fig, opts=opts)) for fig, opts in specs]
    try:
        return list(await asyncio.gather(*tasks))  # gather keeps the input order
    except BaseException:
        for task in tasks:  # one failed (or we were cancelled): stop the rest too
            task.cancel()
        raise


def _spec(fig: go.Figure) -> tuple[dict[str, Any], dict[str, Any]]:
    # Explicit size, so the SVG's width/height/viewBox match what the layout asked for.
    # to_dict() runs in the caller's thread: the loop never touches a live Figure object.
    width = fig.layout.width or DEFAULT_WIDTH
    height = fig.layout.height or DEFAULT_HEIGHT
    return fig.to_dict(), {"format": "svg", "width": width, "height": height}


def figures_to_svg(figures: Sequence[go.Figure], *, timeout: float = 30) -> list[str]:
    """Render ``figures`` to SVG strings (same order), ready to inline into HTML.

    Never hangs: each step (waiting for another thread's browser start, opening the
    browser, rendering the batch) is bounded by ``timeout``, closing a broken browser by
    ~6 s, and there is one retry. Thread-safe. Raises ChartExportError.
    """
    if not figures:
        return []
    browser = find_browser()
    if browser is None:  # fail fast and clearly, instead of kaleido's generic error
        where = os.environ.get("BROWSER_PATH")
        hint = (
            f"BROWSER_PATH={where!r} is not an executable file"
            if where
            else "install the 'chromium' package or set BROWSER_PATH"
        )
        raise ChartExportError(f"No Chromium browser found for chart export: {hint}.")
    specs = [_spec(fig) for fig in figures]
    error: BaseException | None = None
    for _attempt in range(2):  # a dead or hung browser gets replaced once
        k = None
        try:
            k = _acquire(browser, timeout)
            raw = _run(_render(k, specs), timeout)
            return [_PROLOG.sub("", svg.decode("utf-8"), count=1) for svg in raw]
        except Exception as exc:  # any failure: fresh browser once, then give up
            error = exc
            if k is not None:
                _discard(k)
    raise ChartExportError(
        f"Chart export failed twice (browser {browser}): {type(error).__name__}: {error}"
    ) from error


def shutdown() -> None:
    """Close the warm browser, if any. Safe to call repeatedly; the next export reopens it."""
    global _kaleido
    with _lock:
        k, _kaleido = _kaleido, None
        if k is None or _loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(_close(k, polite=True), _loop)
    with contextlib.suppress(Exception):  # at exit, nothing useful is left to do
        future.result(_CLOSE_TIMEOUT * 2 + 1)


atexit.register(shutdown)
