"""Password hashing at a lower CPU priority than the pages people are waiting on.

A password check is meant to cost: Argon2 at Django's parameters takes about a quarter of a
CPU-second here. At a workshop everyone signs in within the same minute, and fifty hashes in
that minute would take half a core from the people already scoring, whose saves then queue
behind them. Weakening the hash is not the answer; running it where it waits its turn is.

The hash itself is C (argon2-cffi) and releases the GIL, so a request thread that hands it to
another thread and waits costs nothing while it waits. Argon2 computes Django's 8 lanes on 8
threads of its own, and threads inherit the priority of the thread that starts them: at nice 19
the eight weigh together about an eighth of one normal thread (8 x 15 against 1024 in Linux's
scheduler), so a save arriving during a burst of sign-ins runs at nine tenths of its speed,
while the sign-ins use whatever the pages leave (on an idle core, all of it: a lone sign-in is
no slower). When the core is saturated a hash still gets about a tenth of it, so sign-ins slow
down rather than stop.

On Linux a priority set with setpriority() on a thread id applies to that thread alone; other
systems hash on the pool at normal priority.
"""

import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import Argon2PasswordHasher

logger = logging.getLogger(__name__)

NICENESS = 19
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _lower_priority() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except OSError as error:  # a sandbox that forbids it: hash at normal priority
        logger.warning("password hashing stays at normal priority: %s", error)


def _hashing_pool() -> ThreadPoolExecutor:
    """The process's hashing threads, one per core it may use. Made again in a forked child
    (gunicorn's workers with --preload): threads do not survive a fork."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
            _pool = ThreadPoolExecutor(
                max_workers=max(cores, 1),
                thread_name_prefix="password-hash",
                initializer=_lower_priority,
            )
            _pool_pid = os.getpid()
        return _pool


class LowPriorityArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher, same parameters and same stored format ("argon2$…"), computed on
    the low-priority hashing threads."""

    def encode(self, password, salt):
        return _hashing_pool().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return _hashing_pool().submit(super().verify, password, encoded).result()
