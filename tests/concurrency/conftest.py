"""Races between real threads, each with its own database connection.

SQLite serialises every write, which hides races; these tests run on PostgreSQL only
(`.ci/run` runs the suite a second time with DATABASE_URL pointing at PostgreSQL).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Races need real row locks: run on PostgreSQL (set DATABASE_URL), as CI does")


@pytest.fixture(autouse=True)
def _frameworks(_postgresql_only, transactional_db):
    # Each transactional test ends by emptying the database, frameworks included: load them again.
    call_command("load_frameworks", verbosity=0)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def race(*calls: Callable[[], Any], stagger: float = 0.0, timeout: float = 60) -> list[Outcome]:
    """Run each call in its own thread, released together (or `stagger` seconds apart).

    Each thread closes its own database connection when done. Returns what each call
    returned or raised, in the order given.
    """
    outcomes = [Outcome() for _ in calls]
    barrier = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            time.sleep(index * stagger)
            outcomes[index].value = call()
        except BaseException as exc:  # reported to the test, which asserts on it
            outcomes[index].error = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing call did not finish"
    return outcomes


def slowed(target, name: str, seconds: float, monkeypatch) -> None:
    """Make `target.name` pause before it runs: a write that takes its time, mid-transaction."""
    original = getattr(target, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
