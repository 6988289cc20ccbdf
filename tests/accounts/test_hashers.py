"""The low-priority Argon2 hasher: the same hashes as Django's, computed on niced threads."""

import os
import sys
import threading

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from accounts.hashers import NICENESS, _hashing_pool

HASHERS = ["accounts.hashers.LowPriorityArgon2PasswordHasher"]


def test_it_accepts_passwords_hashed_by_djangos_argon2_hasher(settings):
    settings.PASSWORD_HASHERS = HASHERS
    stored = Argon2PasswordHasher().encode("integration-demo", "somesaltvalue123")
    assert check_password("integration-demo", stored)
    assert not check_password("integration-demox", stored)


def test_its_hashes_are_djangos_argon2_hashes(settings):
    settings.PASSWORD_HASHERS = HASHERS
    stored = make_password("integration-demo")
    assert stored.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert Argon2PasswordHasher().verify("integration-demo", stored)


def _own_priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_it_hashes_at_a_lower_priority_than_the_request():
    before = _own_priority()
    hashing = _hashing_pool().submit(_own_priority).result()
    assert hashing == max(before, NICENESS)
    assert _own_priority() == before  # the request's own thread keeps its priority
