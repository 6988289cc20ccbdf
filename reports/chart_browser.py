"""The chart browser's process: one private folder per process for everything Chromium writes
(cleared of the folders of processes that no longer exist), and a Chromium started through a
guard that kills it when this process dies (reports.chart_export says why)."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger("reports.chart_export")


class ChartExportError(Exception):
    """Charts could not be exported. The message is for the user (what to do); the log has why."""


# What users read: no paths, no exception text.
_NO_FOLDER = (
    "The charts cannot be drawn: the server's temporary folder cannot be used. "
    "Please tell the site administrator."
)


# --- one folder per process for everything the browser writes ----------------------------
def _folders_root() -> Path:
    """``<temp dir>/chart-export-<uid>``, made private to this user (or ChartExportError)."""
    root = Path(tempfile.gettempdir()) / f"chart-export-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = root.lstat()
    except OSError:
        logger.exception("Chart export: cannot create the folder %s", root)
        raise ChartExportError(_NO_FOLDER) from None
    # In a shared /tmp, refuse a folder (or a symlink) that someone else put there for us.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        logger.error("Chart export: %s is not a folder owned by this user", root)
        raise ChartExportError(_NO_FOLDER)
    return root


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


_folder: Path | None = None  # this process's folder, once made (a forked child makes its own)


def _process_folder() -> Path:
    """This process's folder; making it first removes the folders of ended processes."""
    global _folder
    if _folder is None or _folder.name != str(os.getpid()):
        root = _folders_root()
        for folder in root.iterdir():
            # A folder named after this pid predates this process (pids get reused).
            if folder.name.isdigit() and (
                int(folder.name) == os.getpid() or not _is_running(int(folder.name))
            ):
                logger.info("Chart export: removing %s, left by a process that has ended", folder)
                shutil.rmtree(folder, ignore_errors=True)
        _folder = root / str(os.getpid())
    _folder.mkdir(mode=0o700, exist_ok=True)
    return _folder


def _remove_process_folder() -> None:
    """This process's folder, removed (not a parent's: a forked child has its own)."""
    if _folder is not None and _folder.name == str(os.getpid()):
        shutil.rmtree(_folder, ignore_errors=True)


# Started in place of choreographer's pipe wrapper, which it runs, as the leader of the
# browser's process group. Linux sends it SIGUSR1 when the thread that started it ends:
# choreographer starts the browser from a thread of its own that lives until the browser is
# closed, so that is when this process dies or closes the browser. The guard then kills the
# whole group (wrapper, Chromium and its helpers), as _close does. SIGTERM (choreographer's
# polite kill) is left to the wrapper, which stops Chromium cleanly; the guard exits with it.
_GUARD = """\
import ctypes, os, signal, subprocess, sys
def orphaned(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGUSR1, orphaned)
signal.signal(signal.SIGTERM, lambda *_: None)
libc = ctypes.CDLL(None)
if hasattr(libc, "prctl"):
    libc.prctl(1, signal.SIGUSR1)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    orphaned()
sys.exit(subprocess.call(sys.argv[2:]))
"""


@functools.cache
def _guarded_chromium() -> type:
    from choreographer.browsers.chromium import Chromium

    class GuardedChromium(Chromium):
        """Chromium that dies with this process and keeps its temporary files in our folder."""

        def get_cli(self) -> list[str]:
            cli = list(super().get_cli())  # [python, choreographer's wrapper, chromium, ...]
            if sys.platform == "win32":  # no wrapper, no PR_SET_PDEATHSIG
                return cli
            return [cli[0], "-c", _GUARD, str(os.getpid()), *cli]

        def get_env(self) -> Any:
            env = super().get_env()
            # Chromium's own temporary files (its SingletonSocket folder) go in our folder too,
            # unless the socket's path would be too long for Unix (Chromium refuses to start).
            folder = str(self.tmp_dir.path.parent)
            if len(folder) + len("/org.chromium.Chromium.XXXXXX/SingletonSocket") < 108:
                env["TMPDIR"] = folder
            return env

    return GuardedChromium
